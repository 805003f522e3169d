"""Write docs/mapping.schema.json and docs/outline.schema.json, the JSON Schemas of
mapping files and curated outline files, from the typed models that lodplan checks them
with (lodplan.mapping.file_models).

    python tools/mapping_schema.py          # rewrite the files
    python tools/mapping_schema.py --check  # exit 1 if one is out of date (tests do this)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lodplan.mapping.file_models import mapping_json_schema, outline_json_schema

DOCS = Path(__file__).resolve().parent.parent / "docs"
TARGET = DOCS / "mapping.schema.json"
OUTLINE_TARGET = DOCS / "outline.schema.json"


def _json(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def rendered() -> str:
    return _json(mapping_json_schema())


def rendered_outline() -> str:
    return _json(outline_json_schema())


def main(argv: list[str]) -> int:
    files = {TARGET: rendered(), OUTLINE_TARGET: rendered_outline()}
    if "--check" in argv:
        stale = [p for p, text in files.items() if not p.is_file() or p.read_text("utf-8") != text]
        for path in stale:
            print(f"{path} is out of date: run python tools/mapping_schema.py", file=sys.stderr)
        return 1 if stale else 0
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
