"""What reaches outside the process: fetching pages, decoding images, files on disk, Markdown."""
