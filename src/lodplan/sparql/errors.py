"""What can go wrong with a SPARQL query; the HTTP layer maps each to a status."""

from __future__ import annotations


class QueryError(Exception):
    """A query that could not be answered; subclasses say why (and map to HTTP statuses)."""


class QuerySyntaxError(QueryError):
    """The query is not valid SPARQL; the message is the parser's."""


class QueryTooComplexError(QueryError):
    """The query is nested too deeply to be parsed safely; refused before it runs."""


class UpdateNotAllowedError(QueryError):
    """A SPARQL Update was sent to the read-only endpoint."""


class FederationNotAllowedError(QueryError):
    """The query uses SERVICE (or could not be checked for it), which the endpoint refuses."""


class FunctionNotAllowedError(QueryError):
    """The query calls a function that is neither SPARQL's nor an XSD cast (an engine's
    extension: Virtuoso's ``bif:`` functions can reach the network and files)."""


class QueryTimeoutError(QueryError):
    """The query exceeded the time limit (its worker was killed) or the endpoint was busy."""


class EndpointBusyError(QueryTimeoutError):
    """The query could not get a worker: too many queries waiting, or none became free.

    ``retry_after_s`` is a hint for the ``Retry-After`` header.
    """

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class EngineUnavailableError(EndpointBusyError):
    """The SPARQL engine the queries are forwarded to cannot be reached (HTTP 503)."""


class TooManyQueriesError(EndpointBusyError):
    """This client already has as many queries running and waiting as it may (HTTP 429)."""


class QueryNotAcceptableError(QueryError):
    """No requested format can carry this kind of result."""


class InvalidQueryRequestError(QueryError):
    """The request around the query is invalid (e.g. a graph IRI that is not an IRI)."""


class QueryEvaluationError(QueryError):
    """The query parsed but failed while being planned or evaluated (its own fault: 400)."""


class QueryExecutionError(QueryError):
    """The server could not run the query (the store could not be opened...)."""


class QueryMemoryError(QueryExecutionError):
    """The query exceeded the memory limit of the worker (which is restarted)."""


class WorkerUnavailableError(QueryExecutionError):
    """The worker died during the query (a new one starts for the next) or could not start."""


class EngineError(QueryExecutionError):
    """The SPARQL engine the query was forwarded to failed on it (HTTP 502)."""
