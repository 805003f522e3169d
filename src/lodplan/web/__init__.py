"""The HTTP layer: a thin Flask app over the publishing and SPARQL services."""
