"""Other systems' live blogs, read into the portable document: one module per format, each a
pure function from the source's text to a document the one import use case writes."""
