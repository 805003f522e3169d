"""Settings of a lodplan deployment, from command-line flags and LODPLAN_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lodplan.errors import ConfigError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_STORE = Path("var/store")
DEFAULT_QUERY_TIMEOUT_S = 30.0
DEFAULT_MAX_RESULT_ROWS = 10_000
DEFAULT_QUERY_MEMORY_MB = 2048
DEFAULT_MAX_RESULT_BYTES = 50 * 1024 * 1024
#: Queries one client may have running at once; more wait their turn (see docs/security.md).
DEFAULT_QUERIES_PER_CLIENT = 1
#: Most query worker processes, whatever the memory (each may use ``memory_mb``).
MAX_QUERY_WORKERS = 16


def local_base_iri(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> str:
    """The base IRI of a server on this machine (the default when none is configured)."""
    shown_host = "localhost" if host in {"127.0.0.1", "0.0.0.0", "::", "::1"} else host  # noqa: S104
    return f"http://{shown_host}:{port}/"


def normalise_base_iri(value: str) -> str:
    """Check a base IRI and give it the trailing slash every data IRI hangs from."""
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"base IRI must be an http(s) IRI, got {value!r}")
    if any(c in value for c in ' <>"{}|\\^`#?'):
        raise ConfigError(f"base IRI must not contain spaces, '#', '?' or <>\"{{}}|\\^`: {value!r}")
    return value if value.endswith("/") else value + "/"


def base_iri_from(flag: str | None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> str:
    """Resolve the base IRI: the flag, else LODPLAN_BASE_IRI, else the local serving address."""
    value = flag or os.environ.get("LODPLAN_BASE_IRI") or local_base_iri(host, port)
    return normalise_base_iri(value)


def store_path_from(flag: str | Path | None) -> Path:
    return Path(flag or os.environ.get("LODPLAN_STORE") or DEFAULT_STORE)


@dataclass(frozen=True)
class StoreLocation:
    """Where the served data lives, one setting for every command that reads it (``serve``,
    ``export-site``): the embedded store's folder, or the SPARQL endpoint of an existing
    engine fed by ``lodplan build --graph-store``, with the folder its build wrote its
    files to (``build --downloads``), from which downloads and source texts are served."""

    path: Path = DEFAULT_STORE
    sparql_endpoint: str | None = None
    downloads: Path | None = None
    #: ``build``: every query names the build's graphs as its dataset (an engine also
    #: holds its own graphs, maybe other deployments); ``engine``: the engine's default
    #: dataset, for an engine that holds this deployment only (Virtuoso plans some
    #: joins far faster without a list of graphs: docs/performance.md)
    dataset: str = "build"

    @property
    def remote(self) -> bool:
        return self.sparql_endpoint is not None

    def __str__(self) -> str:
        return self.sparql_endpoint or str(self.path)


def store_location_from(
    store: str | Path | None = None,
    sparql_endpoint: str | None = None,
    downloads: str | Path | None = None,
) -> StoreLocation:
    """The flags, else ``LODPLAN_SPARQL_ENDPOINT`` and ``LODPLAN_DOWNLOADS``, else
    ``LODPLAN_STORE``: a SPARQL endpoint chooses the remote engine."""
    endpoint = sparql_endpoint or os.environ.get("LODPLAN_SPARQL_ENDPOINT") or None
    files = downloads or os.environ.get("LODPLAN_DOWNLOADS") or None
    if endpoint is None:
        if downloads:
            raise ConfigError(
                "--downloads goes with --sparql-endpoint: the embedded store keeps the files "
                "of each build itself"
            )
        return StoreLocation(path=store_path_from(store))
    if store:
        raise ConfigError("give either --store (the embedded store) or --sparql-endpoint, not both")
    if not endpoint.startswith(("http://", "https://")):
        raise ConfigError(f"the SPARQL endpoint must be an http(s) URL, got {endpoint!r}")
    dataset = os.environ.get("LODPLAN_SPARQL_DATASET") or "build"
    if dataset not in ("build", "engine"):
        raise ConfigError(f"LODPLAN_SPARQL_DATASET must be 'build' or 'engine', not {dataset!r}")
    return StoreLocation(
        sparql_endpoint=endpoint, downloads=Path(files) if files else None, dataset=dataset
    )


@dataclass(frozen=True)
class QueryLimits:
    """Limits of the public SPARQL endpoint (memory and bytes: 0 means no cap)."""

    timeout_s: float = DEFAULT_QUERY_TIMEOUT_S
    max_rows: int = DEFAULT_MAX_RESULT_ROWS
    memory_mb: int = DEFAULT_QUERY_MEMORY_MB  # address space of the query worker
    max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES  # size of a serialized result
    workers: int = 0  # query worker processes; 0: as many as memory holds at their cap, 2..16
    per_client: int = DEFAULT_QUERIES_PER_CLIENT  # queries of one client running at once

    def __post_init__(self) -> None:
        if not self.timeout_s > 0 or self.max_rows < 1:
            raise ConfigError(
                f"query limits must be positive (timeout {self.timeout_s}, rows {self.max_rows})"
            )
        if self.memory_mb < 0 or self.max_result_bytes < 0:
            raise ConfigError("query memory and result size caps must not be negative")
        if not 0 <= self.workers <= MAX_QUERY_WORKERS or self.per_client < 1:
            raise ConfigError(
                f"query workers must be from 0 (automatic) to {MAX_QUERY_WORKERS} "
                f"({self.workers} given) and each client must be allowed at least one query "
                f"({self.per_client} given)"
            )

    @classmethod
    def from_env(cls) -> QueryLimits:
        return cls(
            timeout_s=_env_number("LODPLAN_QUERY_TIMEOUT", float, DEFAULT_QUERY_TIMEOUT_S),
            max_rows=int(_env_number("LODPLAN_MAX_RESULT_ROWS", int, DEFAULT_MAX_RESULT_ROWS)),
            memory_mb=int(_env_number("LODPLAN_QUERY_MEMORY_MB", int, DEFAULT_QUERY_MEMORY_MB)),
            max_result_bytes=int(
                _env_number("LODPLAN_MAX_RESULT_BYTES", int, DEFAULT_MAX_RESULT_BYTES)
            ),
            workers=int(_env_number("LODPLAN_QUERY_WORKERS", int, 0)),
            per_client=int(
                _env_number("LODPLAN_QUERIES_PER_CLIENT", int, DEFAULT_QUERIES_PER_CLIENT)
            ),
        )

    def worker_count(self) -> int:
        """Query worker processes: ``workers``, else as many as memory holds at ``memory_mb``
        each (from 2 to :data:`MAX_QUERY_WORKERS`)."""
        if self.workers:
            return self.workers
        if not self.memory_mb:
            return MAX_QUERY_WORKERS
        total_mb = _physical_memory_mb()
        if total_mb is None:
            return 2
        return max(2, min(MAX_QUERY_WORKERS, total_mb // self.memory_mb))


DEFAULT_CATALOG_PAGE_SIZE = 100


def catalog_page_size_from_env() -> int:
    """Datasets per page of the DCAT catalog (``LODPLAN_CATALOG_PAGE_SIZE``)."""
    size = int(_env_number("LODPLAN_CATALOG_PAGE_SIZE", int, DEFAULT_CATALOG_PAGE_SIZE))
    if size < 1:
        raise ConfigError("LODPLAN_CATALOG_PAGE_SIZE must be at least 1")
    return size


DEFAULT_FEED_PAGE_SIZE = 100


def feed_page_size_from_env() -> int:
    """Members per page of the change feed (``LODPLAN_FEED_PAGE_SIZE``). Changing it
    moves the members between pages: pages served as immutable would change."""
    size = int(_env_number("LODPLAN_FEED_PAGE_SIZE", int, DEFAULT_FEED_PAGE_SIZE))
    if size < 1:
        raise ConfigError("LODPLAN_FEED_PAGE_SIZE must be at least 1")
    return size


DEFAULT_PAGE_QUERY_TIMEOUT_S = 5.0


def page_query_timeout_from_env() -> float:
    """Seconds a page of the human site waits for one query (``LODPLAN_PAGE_QUERY_TIMEOUT``);
    past it the page says its data are being computed (see lodplan.pages.limits)."""
    seconds = _env_number("LODPLAN_PAGE_QUERY_TIMEOUT", float, DEFAULT_PAGE_QUERY_TIMEOUT_S)
    if not seconds > 0:
        raise ConfigError("LODPLAN_PAGE_QUERY_TIMEOUT must be a positive number of seconds")
    return seconds


def _env_number(name: str, kind: type, default: float) -> float:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return kind(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a {kind.__name__} number") from None


def _physical_memory_mb() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024)
    except (ValueError, OSError, AttributeError):
        return None
