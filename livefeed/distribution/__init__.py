"""What leaves the site: reads, feeds for apps, structured data, short URLs, webhooks."""
