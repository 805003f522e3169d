"""Build the bundled plans with the CLI and run the real server (``lodplan serve``: waitress,
one process, its SPARQL query workers as child processes) on a local port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import requests

START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 15


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lodplan(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """Run the ``lodplan`` command of this interpreter, output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "lodplan", *args], capture_output=True, text=True, **kwargs
    )


def build_bundled_plans(store: Path, base: str) -> None:
    """Build the bundled plans into ``store`` with their IRIs under ``base``."""
    built = lodplan("build", "--store", str(store), "--base-iri", base)
    if built.returncode != 0:
        raise RuntimeError(f"lodplan build failed ({built.returncode}):\n{built.stderr}")


@contextmanager
def running_server(
    store: Path | Sequence[str], port: int, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Serve ``store`` on ``port`` while the block runs; yield the root URL.

    ``store`` is an embedded store's folder, or the arguments that say where the data
    is (``["--sparql-endpoint", URL, "--downloads", DIR]``)."""
    base = f"http://127.0.0.1:{port}/"
    where = ["--store", str(store)] if isinstance(store, Path) else list(store)
    # a file, not a pipe: nobody reads the log while the server runs, and a full pipe
    # would block it
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "lodplan", "serve", *where, "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,  # its own process group: the query workers stop with it
        )
        try:
            _wait_until_ready(base, process, log)
            yield base
        finally:
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:  # a thread or query worker that does not stop
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_until_ready(base: str, process: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(base + "sparql", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    log.seek(0)
    raise RuntimeError(f"the server did not start on {base}:\n{log.read()}")
