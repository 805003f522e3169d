"""Write docs/mapping.schema.json, the JSON Schema of mapping files, from the typed
models that lodplan checks them with (lodplan.mapping.file_models).

    python tools/mapping_schema.py          # rewrite the file
    python tools/mapping_schema.py --check  # exit 1 if it is out of date (tests do this)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lodplan.mapping.file_models import mapping_json_schema

TARGET = Path(__file__).resolve().parent.parent / "docs" / "mapping.schema.json"


def rendered() -> str:
    return json.dumps(mapping_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    text = rendered()
    if "--check" in argv:
        if not TARGET.is_file() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is out of date: run python tools/mapping_schema.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
