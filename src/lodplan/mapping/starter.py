"""``lodplan init``: a starter mapping for a collectivity's table, for a person to confirm.

It reads the table as lodplan will (encoding, delimiter, first line as headers),
recognises the national table of projects (then the mapping is the preset), and
otherwise proposes a role for each column from its header and its values, written
as a commented ``mapping.yaml`` beside a copy of the table, with an ``actors.yaml``
proposing one actor per name the actor columns hold. Nothing is decided silently:
a column whose role it cannot tell is left out of the mapping, so ``lodplan
validate`` lists its cells as unaccounted until the person reads it or ignores it
with a reason; every proposal says why it was made.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lodplan.codelists import bundled_vocabulary, word_key
from lodplan.errors import MappingError
from lodplan.iris import slugify
from lodplan.mapping import decode_bytes
from lodplan.mapping.presets import load_preset, presets_dir
from lodplan.mapping.readers.table_fields import CellError, cell_amount, cell_date
from lodplan.mapping.readers.tabular import consistent_separators
from lodplan.mapping.spreadsheets import XLSX_MEDIA_TYPE, spreadsheet_lines

SEPARATORS = (";", ",", "\t", "|")  # in the order init prefers when several fit
# header words → proposed role, tried in order (a header is compared without accents
# and case); the first match wins
HEADER_ROLES: tuple[tuple[str, dict[str, Any]], ...] = (
    (r"\bdate (du|de|d'|de la) ?(statut|etat|mise a jour|suivi)|\bmis a jour\b",
     {"status-date": True}),
    (r"\b(id|identifiant|uuid|code|numero|n°|ref)\b", {"key": True}),
    (r"\b(axe|orientation|theme|thematique strategique|enjeu|objectif strategique)\b",
     {"level": "axe"}),
    (r"\b(sous[- ]axe|objectif operationnel|sous[- ]objectif)\b", {"level": "sous-objectif"}),
    (r"\bfiche", {"level": "fiche-action"}),
    (r"\b(action|projet|intitule|titre|nom|mesure)\b", {"level": "action"}),
    (r"\b(cible|objectif)\b.*\b(19|20)[0-9]{2}\b", {"property": "indicator-value",
     "value-kind": "cible"}),
    (r"\b(valeur|mesure|reference|realise)\b.*\b(19|20)[0-9]{2}\b",
     {"property": "indicator-value", "value-kind": "mesure"}),
    (r"\b(subvention|financement|aide|fonds|dotation|feder|detr|dsil|crte)\b",
     {"property": "budget", "amount-kind": "financement-prevu"}),
    (r"\bdescription|contenu|detail\b", {"property": "description"}),
    (r"\bresultats? attendus?\b", {"property": "expected-results"}),
    (r"\bmoyens?\b", {"property": "means"}),
    (r"\b(public|cible|beneficiaires?)\b", {"property": "target-audience"}),
    (r"\b(pilote|porteur|responsable|referent)\b", {"property": "actor", "role": "pilote"}),
    (r"\bpartenaires?\b", {"property": "actor", "role": "partenaire"}),
    (r"\bfinanceurs?\b", {"property": "actor", "role": "financeur"}),
    (r"\b(statut|etat)\b", {"property": "status"}),
    (r"\b(avancement|realisation|%)\b", {"property": "completion"}),
    (r"\bphase\b", {"property": "phase"}),
    (r"\bpriorite\b", {"property": "priority"}),
    (r"\b(debut|demarrage|lancement)\b", {"property": "planned-start"}),
    (r"\b(fin|echeance|livraison)\b", {"property": "planned-end"}),
    (r"\b(budget|montant|cout|euros?|€)\b", {"property": "budget"}),
    (r"\bleviers?\b", {"property": "theme", "scheme": "sgpe-lever"}),
    (r"\bcompetences?\b", {"property": "theme", "scheme": "m57-competence"}),
    (r"\b(odd|sdg|objectifs? de developpement durable)\b", {"property": "theme", "scheme": "sdg"}),
    (r"\bthematiques?\b", {"property": "theme", "scheme": "tet-thematique"}),
    (r"\bindicateur\b", {"property": "indicator"}),
)  # fmt: skip
ACTION_KINDS = {"action", "fiche-action"}
PERSONAL = re.compile(r"\b(e-?mail|courriel|telephone|tel|prenom|nom du|nom de la personne)\b")


@dataclass
class ColumnProposal:
    number: int
    header: str
    role: dict[str, Any] | None  # None: left for the person to decide
    why: str
    values: list[str] = field(default_factory=list)  # distinct values seen (a sample)


@dataclass
class Starter:
    directory: Path
    mapping: Path
    actors: Path
    proposals: list[ColumnProposal]
    preset: str | None = None
    new_actors: list[str] = field(default_factory=list)


def read_table(path: Path) -> tuple[list[list[str]], str, str, str]:
    """The rows of a table, its encoding, delimiter and format, read as lodplan reads it."""
    raw = path.read_bytes()
    if path.suffix.lower() == ".xlsx":
        lines = spreadsheet_lines(path, raw)
        return [line.split("\t") for line in lines], "utf-8", "\t", "xlsx"
    text, encoding = decode_bytes(raw, "auto", path)
    lines = [line.removesuffix("\r") for line in text.split("\n") if line.strip()]
    if not lines:
        raise MappingError("the table is empty", file=path)
    fmt = "tsv" if path.suffix.lower() == ".tsv" else "csv"
    separator = _separator(path, lines) if fmt == "csv" else "\t"
    rows = [next(csv.reader([line], delimiter=separator)) for line in lines]
    return rows, ("auto" if encoding != "utf-8" else "utf-8"), separator, fmt


def _separator(path: Path, lines: list[str]) -> str:
    """The first of ; , tab | that splits every line alike (the mapping then declares it)."""
    found = consistent_separators(lines[:20])
    for separator in SEPARATORS:
        if separator in found:
            return separator
    raise MappingError(
        "cannot tell the delimiter (tried ; , tab |): lines have different numbers of cells",
        file=path,
    )


def propose(rows: list[list[str]]) -> list[ColumnProposal]:
    """A role for each column, from its header and its values."""
    header, body = rows[0], rows[1:]
    proposals = []
    taken_levels: set[str] = set()
    for number, name in enumerate(header, start=1):
        values = [row[number - 1].strip() for row in body if len(row) >= number]
        seen = list(dict.fromkeys(v for v in values if v))
        proposals.append(_proposal(number, name.strip(), seen, taken_levels))
    if not any(p.role and "level" in p.role for p in proposals):
        for proposal in proposals:  # no action column found: the first text column
            if proposal.role is None and proposal.values:
                proposal.role = {"level": "action"}
                proposal.why = "no header names the actions: the first column of text"
                break
    return proposals


def _proposal(number: int, name: str, seen: list[str], taken: set[str]) -> ColumnProposal:
    folded = _fold(name)
    sample = seen[:12]
    if not seen:
        return ColumnProposal(number, name, None, "empty column: nothing to publish", sample)
    if PERSONAL.search(folded):
        return ColumnProposal(number, name, {"ignore": "personal data: not published"},
                              "the header names personal data", sample)  # fmt: skip
    for pattern, role in HEADER_ROLES:
        if not re.search(pattern, folded):
            continue
        role = dict(role)
        if "level" in role:
            if role["level"] in taken or ("action" in role["level"] and taken & ACTION_KINDS):
                continue
            taken.add(role["level"])
        checked = _check_values(role, seen, name)
        if checked is not None:
            return ColumnProposal(number, name, role, checked, sample)
    return ColumnProposal(number, name, None, "no role recognised from the header", sample)


def _check_values(role: dict[str, Any], seen: list[str], header: str) -> str | None:
    """Why the values fit the proposed role; None if they do not."""
    prop = role.get("property")
    vocabulary = bundled_vocabulary()
    try:
        if prop in ("planned-start", "planned-end"):
            for value in seen:
                cell_date(value)
            return "dates in every cell"
        if prop == "budget":
            for value in seen:
                cell_amount(value)
            if role.get("amount-kind") == "financement-prevu":
                programme = vocabulary.concept_words("funding-programme").get(word_key(header))
                if programme:
                    role["programme"] = programme.rsplit("/", 1)[-1]
                return (
                    "funding amounts: say who funds (funder: an actor id), and whether "
                    "planned, requested or obtained (amount-kind)"
                )
            return "amounts in every cell"
        if prop == "indicator-value":
            for value in seen:
                cell_amount(value)
            role["date"] = re.findall(r"(?:19|20)[0-9]{2}", header)[-1]
            return f"numbers of an indicator in {role['date']}: check the value kind"
    except CellError:
        return None
    if prop in ("status", "phase", "priority") or prop == "theme":
        scheme = role.get("scheme") or prop
        values, how = _list_items(seen)
        role.update(how)
        words = vocabulary.concept_words(scheme)
        unknown = sorted({v for v in values if word_key(v) not in words})
        if unknown:
            role["values"] = {word: "à-choisir" for word in unknown}
            return (
                f"{len(unknown)} word(s) the list {scheme} does not know: map each to one of "
                f"its values (docs/codelists.md#{scheme})"
            )
        return f"every value is a word of the list {scheme}"
    if prop == "actor":
        items, how = _list_items(seen)
        role.update(how)
        role["names"] = sorted(set(items))
        return f"{len(set(items))} distinct name(s), proposed as actors in actors.yaml"
    if "key" in role:
        return (
            "a distinct value on every row: the key of each action's IRI"
            if len(set(seen)) == len(seen)
            else None
        )
    return "from the header"


def _list_items(seen: list[str]) -> tuple[list[str], dict[str, Any]]:
    """The items of cells that hold lists (a JSON array, or ; / , separated)."""
    if all(v.startswith("[") and v.endswith("]") for v in seen):
        try:
            return [str(i) for v in seen for i in json.loads(v)], {"json-list": True}
        except json.JSONDecodeError:
            pass
    for separator, pattern in ((";", r"\s*;\s*"), ("\n", r"\s*\n\s*")):
        if any(separator in v for v in seen):
            items = [i.strip() for v in seen for i in re.split(pattern, v) if i.strip()]
            return items, {"split": pattern}
    return seen, {}


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def matching_preset(header: list[str]) -> str | None:
    """The preset whose Table Schema has exactly these columns, if any."""
    names = {h.strip() for h in header}
    for schema in sorted(presets_dir().glob("*/schema.json")):
        fields = {f["name"] for f in json.loads(schema.read_text(encoding="utf-8"))["fields"]}
        if fields == names:
            return schema.parent.name
    return None


def write_starter(
    source: Path, out: Path, *, plan_id: str, publisher: str, title: str | None = None
) -> Starter:
    """Write ``out/<plan_id>/mapping.yaml``, a copy of ``source``, and ``out/actors.yaml``."""
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", plan_id):
        raise MappingError("is not an identifier (lower-case letters, digits, '-')",
                           file=source, field="--plan-id")  # fmt: skip
    rows, encoding, separator, fmt = read_table(source)
    directory = out / plan_id
    mapping = directory / "mapping.yaml"
    if mapping.exists():
        raise MappingError("a mapping exists already: move it away first", file=mapping)
    directory.mkdir(parents=True, exist_ok=True)
    copy = directory / source.name
    shutil.copyfile(source, copy)
    preset = matching_preset(rows[0])
    proposals = [] if preset else propose(rows)
    actors_file = out / "actors.yaml"
    sirens = _preset_sirens(preset, rows) if preset else []
    new_actors = _write_actors(actors_file, publisher, proposals, sirens)
    text = _mapping_text(
        copy, plan_id, publisher, title or source.stem, encoding, separator, fmt, proposals, preset
    )
    mapping.write_text(text, encoding="utf-8")
    return Starter(directory, mapping, actors_file, proposals, preset, new_actors)


def _preset_sirens(preset: str, rows: list[list[str]]) -> list[str]:
    """The SIRENs of the columns a preset reads by SIREN or SIRET (the porteurs)."""
    reader = load_preset(preset, file=presets_dir())["reader"]
    header = [h.strip() for h in rows[0]]
    sirens: list[str] = []
    for declared in reader.get("fields", []):
        if declared.get("lookup") != "siren" or declared["column"] not in header:
            continue
        column = header.index(declared["column"])
        for row in rows[1:]:
            digits = re.sub(r"\s", "", row[column]) if column < len(row) else ""
            if re.fullmatch(r"[0-9]{9}(?:[0-9]{5})?", digits) and digits[:9] not in sirens:
                sirens.append(digits[:9])
    return sirens


def _write_actors(
    path: Path, publisher: str, proposals: list[ColumnProposal], sirens: list[str]
) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    data = data or {"lodplan-actors": 1, "actors": {}}
    actors = data.setdefault("actors", {})
    added = []
    wanted = {publisher: publisher}
    for proposal in proposals:
        for name in (proposal.role or {}).get("names", []):
            wanted[slugify(name) or "acteur"] = name
    for actor_id, name in wanted.items():
        if actor_id not in actors:
            actors[actor_id] = {
                "type": "organization",
                "label": {"fr": name},
                "to-confirm": "the label is the name as the table writes it: write the "
                "organisation's full name; its type (organization, or unit with unit-of); "
                "its siren if it has one",
            }
            added.append(actor_id)
    known = {str(a.get("siren")) for a in actors.values() if isinstance(a, dict)}
    for siren in sirens:  # porteurs named by SIRET: one actor each, to name
        if siren not in known:
            label = f"Porteur de SIREN {siren} (à nommer ; le même que {publisher} ?)"
            actors[f"siren-{siren}"] = {
                "type": "organization",
                "label": {"fr": label},
                "siren": siren,
                "to-confirm": "name the organisation of this SIREN (annuaire-entreprises."
                "data.gouv.fr); if it is the publisher, move its siren there and delete this",
            }
            added.append(f"siren-{siren}")
    header = (
        "# Actors of the plans (docs/mapping.md, « actors.yaml »). Written by lodplan init:\n"
        "# check each label (the full name of the organisation), its type (organization, or\n"
        "# unit with unit-of), add its siren if it has one; merge actors that are the same\n"
        "# (an actor named by its SIREN that is the publisher: give the publisher its siren).\n"
        "# lodplan refuses an actor that still has its to-confirm line.\n"
    )
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(header + dumped, "utf-8")
    return added


def _mapping_text(
    copy: Path,
    plan_id: str,
    publisher: str,
    title: str,
    encoding: str,
    separator: str,
    fmt: str,
    proposals: list[ColumnProposal],
    preset: str | None,
) -> str:
    digest = hashlib.sha256(copy.read_bytes()).hexdigest()
    media = {"xlsx": XLSX_MEDIA_TYPE, "csv": "text/csv", "tsv": "text/tab-separated-values"}[fmt]
    head = {
        "lodplan-mapping": 1,
        "plan": {
            "id": plan_id,
            "title": {"fr": title},
            "type": "plan-d-actions",
            "publisher": publisher,
            "language": "fr",
        },
        "source": {
            "file": copy.name,
            "sha256": digest,
            "title": {"fr": copy.name},
            "media-type": media,
            "encoding": encoding,
        },
    }
    out = io.StringIO()
    out.write(
        "# Starter mapping written by `lodplan init`: read every comment, confirm or\n"
        "# correct each proposal, then run `lodplan validate --mappings <folder>` until it\n"
        "# reports no problem. Format: docs/mapping.md; schema: docs/mapping.schema.json.\n"
        "# plan.type: a value of docs/codelists.md#plan-type; add plan.territories,\n"
        "# plan.issued (the day the table states its statuses) if you know them.\n"
    )
    out.write(yaml.safe_dump(head, allow_unicode=True, sort_keys=False))
    if preset is not None:
        title_fr = load_preset(preset, file=copy)["title"]["fr"]
        out.write(f"# the table has exactly the columns of « {title_fr} »: no column mapping\n")
        out.write(yaml.safe_dump({"reader": {"preset": preset}}, allow_unicode=True))
        return out.getvalue()
    out.write(_reader_text(fmt, separator, proposals))
    return out.getvalue()


def _reader_text(fmt: str, separator: str, proposals: list[ColumnProposal]) -> str:
    levels: list[dict[str, Any]] = []
    fields: list[dict[str, Any]] = []
    ignored: dict[str, str] = {}
    undecided: list[ColumnProposal] = []
    key: dict[str, str] | None = None
    personal: list[str] = []
    status_date = next((p.header for p in proposals if p.role and "status-date" in p.role), None)
    for p in proposals:
        role = p.role or {}
        if "status-date" in role:
            continue  # the date-column of the status
        if "key" in role and key is not None:  # a second id: another tool's identifier
            role = {"property": "identifier", "agency": p.header}
        if "level" in role:
            kind = role["level"]
            cls = "Action" if kind in ACTION_KINDS else "Objective"
            levels.append({"column": p.header, "class": cls, "kind": kind, "level-name": p.header})
        elif "key" in role:
            key = {"column": p.header}
        elif "ignore" in role:
            personal.append(p.header)
        elif "property" in role:
            entry: dict[str, Any] = {"column": p.header, "property": role["property"]}
            for name in ("role", "scheme", "split", "json-list", "agency", "amount-kind",
                         "programme", "value-kind", "date"):  # fmt: skip
                if name in role:
                    entry[name] = role[name]
            if role["property"] in ("status", "phase", "completion") and status_date:
                entry["date-column"] = status_date
            if role["property"] == "indicator-value":
                indicators = [q.header for q in proposals if _property(q) == "indicator"]
                indicator = indicators[0] if indicators else None
                if indicator:
                    entry["indicator-column"] = indicator
                else:
                    entry["indicator"] = p.header
            if role["property"] == "actor":
                entry["values"] = {n: slugify(n) or "acteur" for n in role["names"]}
            elif "values" in role:
                entry["values"] = role["values"]
            fields.append(entry)
        else:
            undecided.append(p)
    order = {"axe": 0, "sous-objectif": 1, "action": 2, "fiche-action": 2}
    levels.sort(key=lambda lv: order[lv["kind"]])
    reader: dict[str, Any] = {"type": "tabular", "format": fmt}
    if fmt == "csv":
        reader["separator"] = separator
    reader.update({"header": 1, "levels": levels})
    if key:
        reader["key"] = key
    if fields:
        reader["fields"] = fields
    if ignored:
        reader["ignore-columns"] = ignored
    if personal:  # never published; masked in the published source text
        reader["personal-data"] = personal
    notes = ["# Columns and what lodplan proposes (check each):"]
    for p in proposals:
        shown = ", ".join(p.values[:5]) + (" …" if len(p.values) > 5 else "")
        verdict = _describe(p.role) if p.role else "NOT MAPPED"
        notes.append(f"#  {p.number:>2}. {p.header!r}: {verdict} — {p.why}; e.g. {shown}")
    if undecided:
        notes.append(
            "# Columns NOT MAPPED: `lodplan validate` lists their cells as unaccounted. Give\n"
            "# each a field (reader.fields) or ignore it with its reason (reader.ignore-columns)."
        )
    if any("à-choisir" in str(f.get("values")) for f in fields):
        notes.append("# Replace each « à-choisir » with a value of its list (docs/codelists.md).")
    return "\n".join(notes) + "\n" + yaml.safe_dump({"reader": reader}, allow_unicode=True,
                                                   sort_keys=False, width=100)  # fmt: skip


def _property(proposal: ColumnProposal) -> str | None:
    return (proposal.role or {}).get("property")


def _describe(role: dict[str, Any]) -> str:
    if "level" in role:
        return f"level {role['level']}"
    if "key" in role:
        return "IRI key"
    if "status-date" in role:
        return "date of the status"
    if "ignore" in role:
        return "ignored"
    extra = role.get("role") or role.get("scheme")
    return f"{role['property']}" + (f" ({extra})" if extra else "")


def summary(starter: Starter) -> str:
    lines = [f"wrote {starter.mapping}", f"wrote {starter.actors}"]
    if starter.preset:
        lines.append(f"the table follows the preset {starter.preset}: no column to map")
    else:
        counts = Counter("mapped" if p.role else "not mapped" for p in starter.proposals)
        lines.append(
            f"{len(starter.proposals)} columns: {counts['mapped']} with a proposed role, "
            f"{counts['not mapped']} for you to decide (see the comments in the mapping)"
        )
    if starter.new_actors:
        lines.append(f"{len(starter.new_actors)} actor(s) proposed: check their labels")
    lines.append(f"next: lodplan validate --mappings {starter.directory.parent}")
    return "\n".join(lines)
