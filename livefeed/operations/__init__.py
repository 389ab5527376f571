"""Running the site: whether it is ready, what it measures, and how it logs."""
