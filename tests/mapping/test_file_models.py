"""Mapping files checked against their typed models, and the JSON Schema editors use."""

from __future__ import annotations

import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from lodplan.build import check_plans
from lodplan.errors import MappingError
from lodplan.mapping.file_models import mapping_json_schema
from lodplan.mapping.spec import load_mapping
from tests.conftest import TEST_BASE

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLE = FIXTURES / "example-mappings"
MAPPING_FILES = sorted(
    [*ROOT.glob("mappings/*/mapping.yaml"), *FIXTURES.glob("*-mappings/*/mapping.yaml")]
)


class TextDates(yaml.SafeLoader):
    """YAML as an editor's schema checker sees it: dates are strings."""


TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def as_json(value):
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def test_the_published_json_schema_is_up_to_date():
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import mapping_schema
    finally:
        sys.path.pop(0)
    published = (ROOT / "docs" / "mapping.schema.json").read_text(encoding="utf-8")
    assert published == mapping_schema.rendered(), "run python tools/mapping_schema.py"


@pytest.mark.parametrize("path", MAPPING_FILES, ids=lambda p: p.parent.name)
def test_every_mapping_is_valid_for_the_json_schema_editors_use(path):
    data = as_json(yaml.load(path.read_text(encoding="utf-8"), Loader=TextDates))
    jsonschema.Draft202012Validator(mapping_json_schema()).validate(data)
    load_mapping(path)


def test_the_json_schema_refuses_what_lodplan_refuses():
    validator = jsonschema.Draft202012Validator(mapping_json_schema())
    data = as_json(yaml.load((EXAMPLE / "exempleville-plan-climat" / "mapping.yaml").read_text(),
                             Loader=TextDates))  # fmt: skip
    data["reader"]["ignore"][0]["lines"] = ["1-x"]
    data["plan"]["publisher"] = "Exempleville"
    errors = sorted(".".join(map(str, e.absolute_path)) for e in validator.iter_errors(data))
    assert "plan.publisher" in errors
    assert any(e.startswith("reader.ignore.0.lines.0") or e == "reader" for e in errors)


def copy_example(tmp_path: Path) -> Path:
    copy = tmp_path / "mappings"
    shutil.copytree(EXAMPLE, copy)
    return copy / "exempleville-plan-climat" / "mapping.yaml"


def test_every_problem_of_a_mapping_file_is_reported_at_once_with_its_path(tmp_path):
    mapping = copy_example(tmp_path)
    text = mapping.read_text(encoding="utf-8")
    text = text.replace("  language: fr\n", "  language: fr\n  colour: blue\n", 1)
    text = text.replace(
        "{lines: [1], reason: column headers}", "{lines: [1], pattern: '(', reason: x}"
    )
    text = text.replace("kind: axe,", "kind: Axe,")
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(mapping)
    message = str(caught.value)
    assert "3 problems" in message
    assert "'plan.colour': unknown key" in message
    assert "'reader.ignore[0].pattern': '(' is not a regular expression" in message
    assert "'reader.levels[0].kind': 'Axe' is not an identifier" in message


def test_a_range_of_lines_is_read_alike_by_every_reader(tmp_path):
    mapping = copy_example(tmp_path)
    text = "\n".join(line for line in mapping.read_text().splitlines() if "sha256" not in line)
    table = mapping.parent / "actions.tsv"
    table.write_text("Plan climat d'Exempleville — tableau de suivi\n" + table.read_text())
    ranged = "{lines: ['1-2'], reason: title and column headers}"
    mapping.write_text(text.replace("{lines: [1], reason: column headers}", ranged))
    checked = check_plans(mapping.parent.parent, TEST_BASE)
    assert checked.ok, checked.render_problems()
    assert checked.plans[0].coverage.count("ignored") == 2


def test_every_preset_reader_section_is_valid_for_the_models():
    from lodplan.mapping.file_models import TabularReader
    from lodplan.mapping.presets import load_preset, preset_names

    assert len(preset_names()) >= 2
    for name in preset_names():
        TabularReader.model_validate(load_preset(name, file=ROOT)["reader"])


def test_the_outline_schema_is_up_to_date_and_every_outline_is_valid_for_it():
    import sys

    from lodplan.mapping.file_models import outline_json_schema

    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import mapping_schema
    finally:
        sys.path.pop(0)
    published = (ROOT / "docs" / "outline.schema.json").read_text(encoding="utf-8")
    assert published == mapping_schema.rendered_outline(), "run python tools/mapping_schema.py"
    validator = jsonschema.Draft202012Validator(outline_json_schema())
    outlines = sorted(ROOT.glob("mappings/*/outline.yaml"))
    assert len(outlines) == 2
    for path in outlines:
        data = as_json(yaml.load(path.read_text(encoding="utf-8"), Loader=TextDates))
        validator.validate(data)


def test_every_problem_of_an_outline_is_reported_at_once(tmp_path):
    from lodplan.mapping.file_models import check_outline_file

    data = {
        "lodplan-outline": 1,
        "items": [
            {"label": "Axe 1", "lines": [1, 2], "quote": "x", "colour": "red"},
            {"label": "", "lines": 3, "quote": "y", "dates": [{"start": "2024-01-01"}]},
        ],
    }
    with pytest.raises(MappingError) as caught:
        check_outline_file(data, tmp_path / "outline.yaml")
    message = str(caught.value)
    assert "3 problems" in message
    assert "'items[0].colour': unknown key" in message
    assert "'items[1].label': must not be empty" in message
    assert "'items[1].dates[0].text': is required" in message
