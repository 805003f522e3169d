"""The folders are the data flow: a layer never imports one that comes after it.

mapping → validation → store → publishing → pages → web (sparql beside publishing);
shared types live in neutral modules (lodplan.dataset, terms, iris, errors…). The
contract is checked on the source's import statements, the way an import linter does.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "lodplan"

# what each layer must never import (the layers after it in the data flow)
FORBIDDEN = {
    "dataset": {"mapping", "validation", "store", "publishing", "pages", "web", "sparql",
                "referentials", "build", "cli"},
    "referentials": {"mapping", "validation", "store", "publishing", "pages", "web", "sparql"},
    "mapping": {"validation", "store", "publishing", "pages", "web", "sparql", "build", "cli"},
    "validation": {"store", "publishing", "pages", "web", "sparql", "build", "cli"},
    "store": {"mapping", "validation", "publishing", "pages", "web", "sparql", "build", "cli"},
    "publishing": {"pages", "web", "build", "cli"},
    "sparql": {"pages", "web", "build", "cli"},
    "pages": {"web", "build", "cli"},
    "web": {"build", "cli", "mapping"},
}  # fmt: skip


def layer_of(path: Path, root: Path = SRC) -> str:
    return path.relative_to(root).parts[0].removesuffix(".py")


def imported_layers(path: Path) -> set[tuple[str, int]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            if name.startswith("lodplan."):
                found.add((name.split(".")[1], node.lineno))
    return found


def test_no_layer_imports_a_layer_after_it():
    broken = [
        f"{path.relative_to(SRC.parent)}:{line}: {layer_of(path)} imports {target}"
        for path in sorted(SRC.rglob("*.py"))
        for target, line in sorted(imported_layers(path))
        if target in FORBIDDEN.get(layer_of(path), set())
    ]
    assert broken == []


def test_the_contract_sees_an_import_that_breaks_it(tmp_path):
    fake = tmp_path / "lodplan"
    (fake / "mapping").mkdir(parents=True)
    module = fake / "mapping" / "x.py"
    module.write_text("import json\nfrom lodplan.web.app import create_app\n")
    assert imported_layers(module) == {("web", 2)}
    assert "web" in FORBIDDEN[layer_of(module, fake)]
