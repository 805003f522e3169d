"""Publishing services, independent of HTTP: content negotiation and resource representations."""
