"""Start a throw-away Virtuoso (Debian package virtuoso-opensource) for remote-store tests."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

SYSTEM_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: The ini's own recommendation for 2 GB of memory: Debian's default (10,000 pages of
#: 8 kB) holds less than the bundled plans' indexes, and queries then wait on the disk.
BUFFERS = {"NumberOfBuffers": 170000, "MaxDirtyBuffers": 130000}
#: Virtuoso 7 refuses a query whose *estimated* time exceeds this (400 s in Debian's
#: ini): it estimates a plan's header (plans.rq, one plan bound, a few OPTIONALs) at
#: 965–2,221 s and refuses it, where it runs in 30 ms. 0 refuses nothing on estimates;
#: MaxQueryExecutionTime and lodplan's own limits still bound every query
#: (docs/deployment.md says the same to operators).
SPARQL = {"MaxQueryCostEstimationTime": 0}
EXECUTABLE = "virtuoso-t"


def available() -> bool:
    return shutil.which(EXECUTABLE) is not None and SYSTEM_INI.is_file()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_virtuoso(directory: Path) -> Iterator[str]:
    """Yield the HTTP root (http://127.0.0.1:PORT/) of a fresh Virtuoso in ``directory``."""
    sql_port, http_port = _free_port(), _free_port()
    ini = SYSTEM_INI.read_text()
    ini = ini.replace("/var/lib/virtuoso-opensource-7/db", str(directory))
    lines = []
    section = ""
    for line in ini.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
        if stripped.startswith("ServerPort") and section == "[Parameters]":
            line = f"ServerPort = {sql_port}"
        elif section == "[Parameters]" and stripped.startswith(tuple(BUFFERS)):
            name = stripped.split("=")[0].strip()
            line = f"{name} = {BUFFERS[name]}"
        elif section == "[SPARQL]" and stripped.startswith(tuple(SPARQL)):
            name = stripped.split("=")[0].strip()
            line = f"{name} = {SPARQL[name]}"
        elif stripped.startswith("ServerPort") and section == "[HTTPServer]":
            line = f"ServerPort = {http_port}"
        lines.append(line)
    config = directory / "virtuoso.ini"
    config.write_text("\n".join(lines) + "\n")
    log = (directory / "console.log").open("w")
    process = subprocess.Popen(
        [EXECUTABLE, "+foreground", "+configfile", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=directory,
    )
    root = f"http://127.0.0.1:{http_port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError("Virtuoso exited: " + (directory / "console.log").read_text())
            try:
                if requests.get(root + "sparql", params={"query": "ASK {}"}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("Virtuoso did not start in 90 s")
            time.sleep(0.5)
        yield root
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
