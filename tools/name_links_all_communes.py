#!/usr/bin/env python3
"""Measure the name links of the bundled plans if every commune of France were in scope.

A stress test of lodplan.mapping.mentions (docs/fidelity.md, "Name links"): each
plan is read and its text scanned with a gazetteer of every commune of the COG (as
if its mapping declared every département in ``reconcile.communes-in``), once
without the list of names that are also words of French and once with the bundled
one. Prints the decisions and the names linked each time.

    python tools/name_links_all_communes.py [--mappings DIR]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from lodplan.mapping import find_mappings, read_source_lines  # noqa: E402
from lodplan.mapping.common_words import CommonWords, bundled_common_words  # noqa: E402
from lodplan.mapping.mentions import build_gazetteer, reconcile  # noqa: E402
from lodplan.mapping.readers import read_outline  # noqa: E402
from lodplan.mapping.reviews import Reviews  # noqa: E402
from lodplan.mapping.rules import apply_rules  # noqa: E402
from lodplan.mapping.spec import load_mapping  # noqa: E402
from lodplan.mapping.text import clean_outline, markup_of  # noqa: E402
from lodplan.referentials.cog import bundled_cog  # noqa: E402
from lodplan.referentials.places import Places  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mappings", type=Path, default=ROOT / "mappings")
    args = parser.parse_args()
    cog = bundled_cog()
    communes = [(c.name, f"commune:{c.code}") for c in cog.communes.values()]
    outlines = []
    for mapping_file in find_mappings(args.mappings):
        spec = load_mapping(mapping_file)
        lines, _ = read_source_lines(spec)
        outline = read_outline(spec, lines)
        for element in outline.walk():
            apply_rules(spec, element)
        clean_outline(outline, markup_of(spec))
        outlines.append((spec.plan.id, outline))
    for name, words in (("without common words", CommonWords()),
                        ("with common words", bundled_common_words())):  # fmt: skip
        gazetteer = build_gazetteer(Places(), {}, communes, (), words)
        decisions: Counter[str] = Counter()
        linked: Counter[str] = Counter()
        for plan_id, outline in outlines:
            for mention in reconcile(plan_id, outline, gazetteer, Reviews(), None, ()):
                decisions[mention.decision] += 1
                if mention.decision == "unique":
                    linked[mention.text] += 1
        print(f"{name}: {dict(decisions)}")
        print("  linked: " + ", ".join(f"{text} ×{n}" for text, n in linked.most_common()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
