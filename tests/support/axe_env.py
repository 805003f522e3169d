"""axe-core (the accessibility rules engine of Deque), installed from npm into ``.axe/``
(gitignored), outside lodplan's environment.

The version is pinned by ``tests/support/axe/package.json`` and its ``package-lock.json``
(``npm ci`` installs exactly that). ``python3 tests/support/axe_env.py`` (run by
``.ci/run``) installs it; the browser tests do the same when it is missing, then inject
``axe.min.js`` into each page with Playwright. No lodplan import here.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PREFIX = ROOT / ".axe"
PACKAGE = Path(__file__).with_name("axe")
INSTALL_TIMEOUT_S = 300


def script() -> Path:
    """axe-core's browser build, to inject into a page."""
    return PREFIX / "node_modules" / "axe-core" / "axe.min.js"


def _stamp() -> Path:
    return PREFIX / "lodplan-lock.sha256"


def _wanted() -> str:
    return hashlib.sha256((PACKAGE / "package-lock.json").read_bytes()).hexdigest()


def installed() -> bool:
    """axe-core is installed from the lock file of today."""
    stamp = _stamp()
    return script().is_file() and stamp.is_file() and stamp.read_text().strip() == _wanted()


def install() -> str | None:
    """Install the pinned axe-core into ``.axe/``; ``None`` on success, else why not."""
    if installed():
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed (Debian: apt-get install npm)"
    PREFIX.mkdir(exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(PACKAGE / name, PREFIX / name)
    step = [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"]
    try:
        done = subprocess.run(
            step, cwd=PREFIX, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"npm ci in {PREFIX}: {error}"
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        return f"npm ci in {PREFIX} exited with {done.returncode}: " + " / ".join(tail)
    if not script().is_file():
        return f"npm ci in {PREFIX} installed no {script().name}"
    _stamp().write_text(_wanted() + "\n")
    return None


if __name__ == "__main__":
    problem = install()
    if problem:
        print(f"axe-core could not be installed in {PREFIX}: {problem}", file=sys.stderr)
        sys.exit(1)
    print(f"axe-core installed in {PREFIX}")
