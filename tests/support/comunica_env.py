"""Comunica (``@comunica/query-sparql``, the JavaScript SPARQL client), installed from npm
into ``.comunica/`` (gitignored), outside lodplan's environment.

The version is pinned by ``tests/support/comunica/package.json`` and every dependency by
its ``package-lock.json`` (``npm ci`` installs exactly that tree). ``python3
tests/support/comunica_env.py`` (run by ``.ci/run``) installs it; the tests do the same
when it is missing. Comunica 4.5 asks for Node.js 18 or later (tested on 20); Comunica 5
needs 22.
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
PREFIX = ROOT / ".comunica"
PACKAGE = Path(__file__).with_name("comunica")
INSTALL_TIMEOUT_S = 600


def program() -> Path:
    """The ``comunica-sparql`` command (a Node.js script)."""
    return PREFIX / "node_modules" / ".bin" / "comunica-sparql"


def _stamp() -> Path:
    return PREFIX / "lodplan-lock.sha256"


def _wanted() -> str:
    return hashlib.sha256((PACKAGE / "package-lock.json").read_bytes()).hexdigest()


def installed() -> bool:
    """Comunica is installed from the lock file of today."""
    stamp = _stamp()
    return program().is_file() and stamp.is_file() and stamp.read_text().strip() == _wanted()


def install() -> str | None:
    """Install the pinned Comunica into ``.comunica/``; ``None`` on success, else why not."""
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
        print(f"Comunica could not be installed in {PREFIX}: {problem}", file=sys.stderr)
        sys.exit(1)
    print(f"Comunica installed in {PREFIX}")
