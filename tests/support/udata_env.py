"""udata (data.gouv.fr's portal) in its own virtual environment, ``.venv-udata``.

udata pins its own Flask, rdflib and MongoDB stack, so it never shares lodplan's
environment: the tests run ``tests/support/udata_harvest.py`` with this interpreter as
a subprocess. ``python3 tests/support/udata_env.py`` (run by ``.ci/run``) creates the
environment and installs the pinned ``udata-requirements.txt``; the tests do the same
when it is missing, and skip only if the installation fails. No lodplan import here.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-udata"
REQUIREMENTS = Path(__file__).with_name("udata-requirements.txt")
HARVEST_SCRIPT = Path(__file__).with_name("udata_harvest.py")
INSTALL_TIMEOUT_S = 900


def python() -> Path:
    return VENV / "bin" / "python"


def _stamp() -> Path:
    return VENV / "lodplan-requirements.sha256"


def _wanted() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def installed() -> bool:
    """The environment exists with the requirements pinned today."""
    stamp = _stamp()
    return python().is_file() and stamp.is_file() and stamp.read_text().strip() == _wanted()


def install() -> str | None:
    """Create ``.venv-udata`` with the pinned requirements; ``None`` on success, else why not."""
    if installed():
        return None
    steps = [
        [sys.executable, "-m", "venv", "--clear", str(VENV)],
        [str(python()), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)],
    ]
    for step in steps:
        try:
            done = subprocess.run(
                step, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"{' '.join(step[:4])}…: {error}"
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            return f"{' '.join(step[:4])}… exited with {done.returncode}: " + " / ".join(tail)
    _stamp().write_text(_wanted() + "\n")
    return None


if __name__ == "__main__":
    problem = install()
    if problem:
        print(f"udata could not be installed in {VENV}: {problem}", file=sys.stderr)
        sys.exit(1)
    print(f"udata installed in {VENV}")
