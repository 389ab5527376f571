"""The OpenAPI 3.1 document, one module per area of the API."""
