"""SPARQL query service: isolated worker process, time and size limits, result serializers."""
