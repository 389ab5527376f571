"""What readers see: pages, the live stream, the embed, feeds for apps, sitemaps, short links."""
