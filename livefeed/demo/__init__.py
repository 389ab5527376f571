"""The demo feed seeded into an empty site: its code apart from its story."""
