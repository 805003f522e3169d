"""The LDES client of rdf-connect (npm ``ldes-client``, the TREE community group's
client), installed from npm into ``.ldes-client/`` (gitignored), outside lodplan's
environment, as Comunica is (:mod:`tests.support.comunica_env`).

The version is pinned by ``tests/support/ldes_client/package.json`` and every dependency
by its ``package-lock.json`` (``npm ci`` installs exactly that tree). ``python3
tests/support/ldes_client_env.py`` (run by ``.ci/run``) installs it; the tests do the
same when it is missing. It runs on Debian's Node.js (tested on 20).
No lodplan import here.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PREFIX = ROOT / ".ldes-client"
PACKAGE = Path(__file__).with_name("ldes_client")
INSTALL_TIMEOUT_S = 600


def program() -> Path:
    """The ``ldes-client`` command (a Node.js script)."""
    return PREFIX / "node_modules" / ".bin" / "ldes-client"


def _stamp() -> Path:
    return PREFIX / "lodplan-lock.sha256"


def _wanted() -> str:
    return hashlib.sha256((PACKAGE / "package-lock.json").read_bytes()).hexdigest()


def installed() -> bool:
    """The client is installed from the lock file of today."""
    stamp = _stamp()
    return program().is_file() and stamp.is_file() and stamp.read_text().strip() == _wanted()


def install() -> str | None:
    """Install the pinned client into ``.ldes-client/``; ``None`` on success, else why not."""
    if installed():
        return None
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return "npm and Node.js are not installed (Debian: apt-get install npm)"
    PREFIX.mkdir(exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(PACKAGE / name, PREFIX / name)
    step = [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"]
    try:
        done = subprocess.run(
            step,
            cwd=PREFIX,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_S,
            check=False,
            env={**os.environ, "NODE_ENV": "production"},
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"npm ci in {PREFIX}: {error}"
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        return f"npm ci in {PREFIX} exited with {done.returncode}: " + " / ".join(tail)
    if not program().is_file():
        return f"npm ci in {PREFIX} installed no {program().name}"
    _stamp().write_text(_wanted() + "\n")
    return None


if __name__ == "__main__":
    problem = install()
    if problem:
        print(f"the LDES client could not be installed in {PREFIX}: {problem}", file=sys.stderr)
        sys.exit(1)
    print(f"the LDES client installed in {PREFIX}")
