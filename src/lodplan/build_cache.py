"""What an earlier build made from the same inputs, reused instead of made again.

A plan is mapped and validated again only when one of its inputs changed: the files of
its mapping folder, its source document, the shared files of the mappings folder
(actors, places, reviews), the base IRI, or lodplan itself (its code, ontology, shapes,
referentials and presets, and the versions of the libraries that read and write RDF).
Each input is read and hashed; nothing is judged by dates, so a copied or touched file
that did not change keeps its result, and an edited one never does.

The cache is a folder of the deployment, written by lodplan only and trusted as the
store beside it is (its entries are pickles). An entry that cannot be read is made
again; entries no build used are removed after each build.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from lodplan.bundled import bundled_dir

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Bumped when what a cache entry holds changes shape.
CACHE_FORMAT = "1"
CACHE_ENV = "LODPLAN_BUILD_CACHE"
_PACKAGE_DIR = Path(__file__).resolve().parent
#: The folder of the cache holding bytes by their SHA-256 (:meth:`BuildCache.keep`).
BLOBS = "blobs"
#: The bundled folders whose files decide what a plan becomes.
_DECISIVE_FOLDERS = ("ontology", "shapes", "referentials", "presets", "site")
#: Libraries whose versions decide the bytes written.
_DECISIVE_LIBRARIES = ("rdflib", "pyoxigraph", "pyshacl", "pyshacl-turbo", "pyld", "openpyxl",
                       "frictionless")  # fmt: skip
#: Settings that change what a plan's checks give.
_DECISIVE_SETTINGS = ("LODPLAN_SHACL_ENGINE",)


def _hash_tree(digest: Any, root: Path, pattern: str = "*") -> None:
    for path in sorted(root.rglob(pattern)):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())


@functools.cache
def toolkit_digest() -> str:
    """The digest of this lodplan: its code, declarative files and decisive libraries."""
    digest = hashlib.sha256(f"cache {CACHE_FORMAT}; python {sys.version_info[:2]}\n".encode())
    _hash_tree(digest, _PACKAGE_DIR, "*.py")
    for folder in _DECISIVE_FOLDERS:
        _hash_tree(digest, bundled_dir(folder))
    for library in _DECISIVE_LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{library} {version}\n".encode())
    for setting in _DECISIVE_SETTINGS:
        digest.update(f"{setting}={os.environ.get(setting, '').strip()}\n".encode())
    return digest.hexdigest()


def files_digest(paths: Iterable[Path]) -> str:
    """The digest of files by name and content (a missing file counts as missing)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"-")
    return digest.hexdigest()


def folder_files(folder: Path) -> list[Path]:
    """Every file under ``folder``, sorted (hidden ones too: a mapping may read them)."""
    return sorted(path for path in Path(folder).rglob("*") if path.is_file())


@dataclass
class BuildCache:
    """A folder of results keyed by the digest of everything they were made from."""

    directory: Path
    _used: dict[str, set[str]] = field(default_factory=dict)
    _used_blobs: set[str] = field(default_factory=set)

    def key(self, *parts: str) -> str:
        return hashlib.sha256("\n".join((toolkit_digest(), *parts)).encode()).hexdigest()

    def _path(self, kind: str, key: str) -> Path:
        return self.directory / kind / key[:2] / f"{key}.pickle"

    def load(self, kind: str, key: str) -> Any | None:
        path = self._path(kind, key)
        try:
            with path.open("rb") as file:
                return pickle.load(file)  # noqa: S301 (written by lodplan, see above)
        except FileNotFoundError:
            return None
        except Exception as exc:  # a truncated or foreign entry: made again, and replaced
            logger.warning("unreadable build cache entry %s (%s): made again", path, exc)
            return None

    def save(self, kind: str, key: str, value: Any) -> None:
        """Write an entry atomically; a cache that cannot be written only costs time."""
        path = self._path(kind, key)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with temporary.open("wb") as file:
                pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            temporary.replace(path)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            logger.warning("build cache not written to %s: %s", path, exc)

    def __call__(self, kind: str, key: str, make: Callable[[], T]) -> T:
        """The entry of ``kind`` for ``key`` (with lodplan's digest), made and kept if absent."""
        found = self.get(kind, key)
        if found is None:
            found = make()
            self.put(kind, key, found)
        return found

    def get(self, kind: str, key: str) -> Any | None:
        """The entry of ``kind`` for ``key`` (with lodplan's digest), or None; either way
        the key is used by this build, so its entry survives :meth:`forget_unused`."""
        key = self.key(kind, key)
        self._used.setdefault(kind, set()).add(key)
        return self.load(kind, key)

    def put(self, kind: str, key: str, value: Any) -> None:
        self.save(kind, self.key(kind, key), value)

    def keep(self, content: bytes, sha256: str) -> Path | None:
        """The file ``blobs/<sha256>`` holding ``content``, written once and never again:
        graphs and files of a build live there instead of in memory, and a published
        build's files are hard links to them. None if it cannot be written."""
        path = self.directory / BLOBS / sha256[:2] / sha256
        self._used_blobs.add(sha256)
        if path.is_file():
            return path
        temporary = path.with_name(f".{sha256}.{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(content)
            temporary.chmod(0o444)  # shared by hard links with published builds
            temporary.replace(path)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            logger.warning("build cache not written to %s: %s", path, exc)
            return None
        return path

    def still_used(self, path: Path) -> None:
        self._used_blobs.add(path.name)

    def forget_unused(self) -> None:
        """Remove the entries of every kind :meth:`get` served, and the kept files, that
        this build did not use."""
        for kind, keys in self._used.items():
            self.keep_only(kind, keys)
        blobs = self.directory / BLOBS
        for path in blobs.glob("*/*") if blobs.is_dir() else ():
            if path.name not in self._used_blobs:
                path.unlink(missing_ok=True)

    def keep_only(self, kind: str, keys: set[str]) -> None:
        """Remove the entries of ``kind`` not in ``keys`` (those of the last build)."""
        folder = self.directory / kind
        for path in folder.glob("*/*.pickle") if folder.is_dir() else ():
            if path.stem not in keys:
                path.unlink(missing_ok=True)
