"""The JavaScript tools the tests run, installed from npm into folders of the repository
root (gitignored), outside lodplan's environment: one declaration a tool (:data:`TOOLS`).

Each tool's version is pinned by ``tests/support/<package>/package.json`` and every
dependency by its ``package-lock.json`` (``npm ci`` installs exactly that tree); a stamp
of the lock file in the installed folder says whether it is today's.
``python3 tests/support/npm_env.py [TOOL ...]`` (run by ``.ci/run``, one tool at a time)
installs the tools named, or all of them; the tests do the same when one is missing
(:meth:`Tool.install`). No lodplan import here.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
STAMP = "lodplan-lock.sha256"
LOCK = "package-lock.json"


@dataclass(frozen=True)
class Tool:
    """One npm tool: where it is pinned, where it goes, what the tests use of it."""

    name: str  # as the command line names it
    label: str  # as messages name it
    folder: str  # where it is installed, under the repository root
    package: str  # the folder beside this file with its package.json and package-lock.json
    entry: str  # what the tests run or read, in the installed folder
    runs_on_node: bool = True  # else only npm is needed (a script for the browser)
    timeout_s: int = 600
    env: Mapping[str, str] = field(default_factory=dict)  # for npm ci

    @property
    def prefix(self) -> Path:
        return ROOT / self.folder

    def path(self) -> Path:
        """The installed entry (a command of ``node_modules/.bin``, or a script)."""
        return self.prefix / self.entry

    def _wanted(self) -> str:
        return hashlib.sha256((HERE / self.package / LOCK).read_bytes()).hexdigest()

    def installed(self) -> bool:
        """The tool is installed from the lock file of today."""
        stamp = self.prefix / STAMP
        return (
            self.path().is_file()
            and stamp.is_file()
            and stamp.read_text().strip() == self._wanted()
        )

    def install(self) -> str | None:
        """Install the pinned tool into its folder; ``None`` on success, else why not."""
        if self.installed():
            return None
        npm = shutil.which("npm")
        if self.runs_on_node and (npm is None or shutil.which("node") is None):
            return "npm and Node.js are not installed (Debian: apt-get install npm)"
        if npm is None:
            return "npm is not installed (Debian: apt-get install npm)"
        prefix = self.prefix
        prefix.mkdir(exist_ok=True)
        for name in ("package.json", LOCK):
            shutil.copyfile(HERE / self.package / name, prefix / name)
        step = [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"]
        try:
            done = subprocess.run(
                step,
                cwd=prefix,
                capture_output=True,
                text=True,
                timeout=self.timeout_s,
                check=False,
                env={**os.environ, **self.env},
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"npm ci in {prefix}: {error}"
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            return f"npm ci in {prefix} exited with {done.returncode}: " + " / ".join(tail)
        if not self.path().is_file():
            return f"npm ci in {prefix} installed no {self.path().name}"
        (prefix / STAMP).write_text(self._wanted() + "\n")
        return None


PRODUCTION = {"NODE_ENV": "production"}

#: Comunica (``@comunica/query-sparql``, the JavaScript SPARQL client):
#: tests/publishing/test_comunica_live.py runs it against the live server. Comunica 4.5
#: asks for Node.js 18 or later (tested on 20); Comunica 5 needs 22.
COMUNICA = Tool(
    name="comunica",
    label="Comunica",
    folder=".comunica",
    package="comunica",
    entry="node_modules/.bin/comunica-sparql",
    env=PRODUCTION,
)
#: axe-core (the accessibility rules engine of Deque): tests/browser/test_accessibility.py
#: injects its browser build, ``axe.min.js``, into each page with Playwright.
AXE = Tool(
    name="axe",
    label="axe-core",
    folder=".axe",
    package="axe",
    entry="node_modules/axe-core/axe.min.js",
    runs_on_node=False,
    timeout_s=300,
)
#: The LDES client of rdf-connect (npm ``ldes-client``, the TREE community group's
#: client): tests/publishing/test_feed_live.py follows the change feed with it. It runs on
#: Debian's Node.js (tested on 20).
LDES_CLIENT = Tool(
    name="ldes-client",
    label="the LDES client",
    folder=".ldes-client",
    package="ldes_client",
    entry="node_modules/.bin/ldes-client",
    env=PRODUCTION,
)
TOOLS = {tool.name: tool for tool in (COMUNICA, AXE, LDES_CLIENT)}


def main(names: list[str]) -> int:
    unknown = [name for name in names if name not in TOOLS]
    if unknown:
        print(
            f"npm_env.py: no tool {', '.join(unknown)} (known: {', '.join(TOOLS)})",
            file=sys.stderr,
        )
        return 2
    failed = False
    for tool in [TOOLS[name] for name in names] or TOOLS.values():
        problem = tool.install()
        if problem:
            print(
                f"{tool.label} could not be installed in {tool.prefix}: {problem}", file=sys.stderr
            )
            failed = True
        else:
            print(f"{tool.label} installed in {tool.prefix}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
