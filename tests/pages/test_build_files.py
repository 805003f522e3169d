"""The per-build SQLite files: named by the build, and those of builds no longer served
removed from the cache folder (the rest left: the folder is shared)."""

from __future__ import annotations

from pathlib import Path

from lodplan.pages.build_files import ServedBuilds, build_file, build_key
from lodplan.store.base import StoreInfo


def info(number: int) -> StoreInfo:
    return StoreInfo(f"build-{number}", "http://example.test/", "2026-01-01T00:00:00+00:00")


def files_of(folder: Path, build: StoreInfo) -> list[Path]:
    """The files a site makes for ``build``, in both languages, and a half-written one."""
    made = [build_file(folder, kind, build, lang, 1) for kind in ("search", "actions")
            for lang in ("fr", "en")]  # fmt: skip
    made.append(made[0].with_name(f".{made[0].name}.123-abcd"))
    for path in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    return made


def present(paths: list[Path]) -> list[bool]:
    return [path.exists() for path in paths]


def test_the_files_of_the_builds_before_the_previous_one_are_removed(tmp_path):
    served = ServedBuilds()
    first, second, third = (files_of(tmp_path, info(n)) for n in (1, 2, 3))
    foreign = files_of(tmp_path, info(9))  # never served here: another store's, say
    served.serve(tmp_path, info(1))
    served.serve(tmp_path, info(2))
    assert all(present(first + second + third + foreign))  # the previous build stays
    served.serve(tmp_path, info(3))
    assert not any(present(first))
    assert all(present(second + third + foreign))
    served.serve(tmp_path, info(2))  # a request still on the previous build: nothing moves
    served.serve(tmp_path, info(4))
    assert not any(present(second))
    assert all(present(third + foreign))


def test_files_are_removed_from_every_folder_a_build_was_served_from(tmp_path):
    shared, private = tmp_path / "shared", tmp_path / "private"
    served = ServedBuilds()
    in_shared, in_private = files_of(shared, info(1)), files_of(private, info(1))
    served.serve(shared, info(1))
    served.serve(private, info(1))  # the shared folder could not be written, say
    served.serve(shared, info(2))
    served.serve(shared, info(3))
    assert not any(present(in_shared + in_private))


def test_a_file_is_named_by_its_kind_build_language_and_format():
    path = build_file(Path("/cache"), "search", info(1), "fr", 3)
    assert path == Path(f"/cache/search-{build_key(info(1))}-fr-v3.sqlite")
    assert build_key(info(1)) != build_key(info(2))
