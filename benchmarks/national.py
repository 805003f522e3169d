"""Every EPCI of France through the real path: mapping inputs → ``lodplan build``.

Generates one plan per EPCI of the bundled COG (1,255 by default) as a user would
write it: a folder with ``mapping.yaml`` and the spreadsheet of its fiches actions
(axes, pilotes, partners, statuses with dates, completion, planned dates, budgets
and funders, themes, SDGs, an indicator with reference and target values), the
EPCI as publisher and territory; then runs the real ``lodplan build`` on them,
and prints per phase its wall time, the CPU of the build's processes, their peak
memory (of the whole process tree, sampled: resident memory summed, which counts the
pages forked workers share with the build's process in each of them, and PSS, which
divides them) and the store's size.
Then it changes one cell of one plan and runs the build again (an incremental
rebuild), and bulk-loads the build's own dump into a new pyoxigraph store: the
floor a build is compared with. Ratios are to that floor, measured in the same run.

    .venv/bin/python benchmarks/national.py                  # 1,255 plans
    .venv/bin/python benchmarks/national.py --plans 100      # a first look
    .venv/bin/python benchmarks/national.py --generate-only --plans 20 --out /tmp/n20

Everything goes to ``benchmarks/out/national-<plans>/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from pyoxigraph import RdfFormat, Store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from lodplan.referentials.cog import bundled_cog  # noqa: E402

HEADER = (
    "Code;Axe;Fiche action;Description;Résultats attendus;Moyens;Public cible;Pilote;"
    "Partenaires;Statut;Date du statut;Avancement;Début prévu;Fin prévue;"
    "Budget prévisionnel;Subvention Région;Fonds vert;Thématique;ODD;Indicateur;"
    "Valeur 2019;Cible 2030;Id TeT"
)
AXES = [
    "Bâtiments sobres", "Mobilité durable", "Énergies renouvelables", "Agriculture et alimentation",
    "Eau et biodiversité", "Économie circulaire", "Adaptation au changement climatique",
    "Urbanisme et habitat", "Sensibilisation et mobilisation", "Exemplarité de la collectivité",
]  # fmt: skip
VERBS = ["Rénover", "Créer", "Développer", "Accompagner", "Étendre", "Structurer", "Soutenir",
         "Mettre en place", "Renforcer", "Expérimenter", "Déployer", "Animer"]  # fmt: skip
OBJECTS = [
    "les écoles communautaires", "un réseau de chaleur", "les pistes cyclables",
    "un service de covoiturage", "les jardins partagés", "une plateforme de rénovation",
    "les circuits courts", "la collecte des biodéchets", "les zones d'activités",
    "une centrale photovoltaïque", "les haies bocagères", "la ressource en eau",
    "l'éclairage public", "les équipements sportifs", "un atlas de la biodiversité",
    "les friches industrielles", "le transport à la demande", "les aires de covoiturage",
    "la restauration collective", "un conseil en énergie partagé",
]  # fmt: skip
AUDIENCES = ["Habitants", "Entreprises", "Agriculteurs", "Élèves", "Communes membres",
             "Associations", ""]  # fmt: skip
STATUSES = ["En cours", "Prévue", "Réalisée", "En retard", "En pause", "Abandonnée"]
THEMES = ["Énergie et climat", "Mobilité et transport", "Eau, milieux aquatiques et assainissement",
          "Urbanisme, logement, aménagement, bâtiments", "Agriculture et alimentation",
          "Nature, environnement, air", "Économie circulaire et déchets"]  # fmt: skip
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]  # fmt: skip
PARTNERS = {"ADEME": "ademe", "Région": "region", "ALEC": "alec", "Département": "departement"}

CATALOG = """lodplan-catalog: 1
title: {fr: "Plans climat des intercommunalités (données de test)"}
description: {fr: "Un plan d'actions par EPCI, généré pour mesurer lodplan."}
publisher: {name: {fr: "Banc d'essai lodplan"}}
contact-point: {name: {fr: "Projet lodplan"}, url: https://w3id.org/lodplan}
licence: https://www.etalab.gouv.fr/licence-ouverte-open-licence
themes: [GOVE, REGI]
keywords: ["plan climat"]
"""


def _mapping(plan_id: str, title: str, publisher: str, siren: str) -> str:
    partners = ", ".join(f'"{name}": {ref}' for name, ref in PARTNERS.items())
    return f"""lodplan-mapping: 1
plan:
  id: {plan_id}
  title: {{fr: "{title}"}}
  type: plan-d-actions
  publisher: {publisher}
  language: fr
  issued: 2025-06-30
  territories: [epci:{siren}]
source:
  file: fiches.csv
  title: {{fr: "Tableau des fiches actions"}}
  media-type: text/csv
reader:
  type: tabular
  format: csv
  header: 1
  levels:
    - {{column: Axe, class: Objective, kind: axe, level-name: Axe}}
    - {{column: Fiche action, class: Action, kind: fiche-action, level-name: Fiche action}}
  key: {{column: Code}}
  fields:
    - {{column: Description, property: description}}
    - {{column: Résultats attendus, property: expected-results}}
    - {{column: Moyens, property: means}}
    - {{column: Public cible, property: target-audience}}
    - column: Pilote
      property: actor
      role: pilote
      values: {{"Services techniques": {publisher}-services, "Communauté": {publisher}}}
    - column: Partenaires
      property: actor
      role: partenaire
      split: '\\s*;\\s*'
      values: {{{partners}}}
    - {{column: Statut, property: status, date-column: Date du statut}}
    - {{column: Avancement, property: completion, date-column: Date du statut}}
    - {{column: Début prévu, property: planned-start}}
    - {{column: Fin prévue, property: planned-end}}
    - {{column: Budget prévisionnel, property: budget, amount-kind: budget-previsionnel, nature: investissement}}
    - {{column: Subvention Région, property: budget, amount-kind: financement-obtenu, funder: region}}
    - {{column: Fonds vert, property: budget, amount-kind: financement-obtenu, funder: ademe, programme: fonds-vert}}
    - {{column: Thématique, property: theme, scheme: tet-thematique}}
    - {{column: ODD, property: theme, scheme: sdg, split: '\\s*;\\s*'}}
    - {{column: Indicateur, property: indicator}}
    - {{column: Valeur 2019, property: indicator-value, indicator-column: Indicateur, value-kind: reference, date: "2019"}}
    - {{column: Cible 2030, property: indicator-value, indicator-column: Indicateur, value-kind: cible, date: "2030"}}
    - {{column: Id TeT, property: identifier, agency: Territoires en Transitions}}
"""  # noqa: E501


def _money(rng: random.Random) -> str:
    amount = rng.choice([15, 40, 80, 120, 250, 400, 850, 1200, 3500]) * 1000
    return f"{amount:,}".replace(",", " ") + rng.choice([" €", ""])


def _date(rng: random.Random, year: int) -> str:
    kind = rng.random()
    if kind < 0.4:
        return str(year)
    if kind < 0.7:
        return f"{rng.choice(MONTHS)} {year}"
    return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}"


def _rows(rng: random.Random, count: int, tet_base: int) -> list[str]:
    rows = []
    axes = rng.sample(AXES, k=rng.randint(3, 7))
    per_axis = max(1, count // len(axes))
    titles: set[str] = set()
    for number in range(count):
        axis_index = min(number // per_axis, len(axes) - 1)
        first_of_axis = number % per_axis == 0 and number // per_axis < len(axes)
        title = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        while title in titles:
            title = f"{title} (volet {len(titles) % 9 + 2})"
        titles.add(title)
        indicator = rng.random() < 0.4
        reference = rng.randint(5, 500)
        start = rng.randint(2022, 2027)
        cells = [
            f"{chr(65 + axis_index)}{number + 1}",
            axes[axis_index] if first_of_axis else "",
            title,
            f"{title} sur le territoire, avec un suivi annuel des résultats obtenus.",
            rng.choice(["-30 % de consommation", "100 foyers accompagnés", "", "5 sites équipés"]),
            rng.choice(["Marché public", "Régie", "Convention de partenariat", ""]),
            rng.choice(AUDIENCES),
            rng.choice(["Services techniques", "Communauté"]),
            " ; ".join(rng.sample(list(PARTNERS), k=rng.randint(0, 2))),
            rng.choice(STATUSES),
            f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2023, 2025)}",
            f"{rng.choice([0, 10, 25, 50, 75, 100])} %",
            _date(rng, start),
            _date(rng, start + rng.randint(1, 4)),
            _money(rng),
            _money(rng) if rng.random() < 0.3 else "",
            _money(rng) if rng.random() < 0.2 else "",
            rng.choice(THEMES),
            " ; ".join(str(goal) for goal in rng.sample(range(1, 18), k=rng.randint(1, 3))),
            f"Indicateur de suivi {number + 1} (unités)" if indicator else "",
            str(reference) if indicator else "",
            str(reference * 2) if indicator else "",
            str(tet_base + number),
        ]
        rows.append(";".join(_cell(cell) for cell in cells))
    return rows


def _cell(text: str) -> str:
    return f'"{text}"' if ";" in text else text


def generate(out: Path, plans: int, seed: int = 1250) -> Path:
    """Write ``plans`` EPCI plans (mapping folders) and their actors; the mappings folder."""
    rng = random.Random(seed)
    mappings = out / "mappings"
    if mappings.exists():
        shutil.rmtree(mappings)
    mappings.mkdir(parents=True)
    epcis = sorted(bundled_cog().epcis.values(), key=lambda epci: epci.siren)[:plans]
    actors = ["lodplan-actors: 1", "actors:"]
    for name, ref in PARTNERS.items():
        actors += [f"  {ref}:", "    type: organization", f'    label: {{fr: "{name}"}}']
    for number, epci in enumerate(epcis):
        ref = f"epci-{epci.siren}"
        label = epci.name.replace('"', "'")
        actors += [
            f"  {ref}:", "    type: organization", f'    label: {{fr: "{label}"}}',
            f"    territory: epci:{epci.siren}",
            f"  {ref}-services:", "    type: unit", f"    unit-of: {ref}",
            '    label: {fr: "Services techniques"}',
        ]  # fmt: skip
        folder = mappings / f"pcaet-{epci.siren}"
        folder.mkdir()
        title = f"Plan climat-air-énergie territorial — {label}"
        (folder / "mapping.yaml").write_text(_mapping(folder.name, title, ref, epci.siren))
        count = max(8, min(250, int(rng.lognormvariate(4.2, 0.6))))
        rows = _rows(rng, count, 10_000 * (number + 1))
        (folder / "fiches.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    (mappings / "actors.yaml").write_text("\n".join(actors) + "\n")
    (mappings / "catalog.yaml").write_text(CATALOG)
    return mappings


@dataclass
class Run:
    """One ``lodplan build``: wall time, CPU, peak memory, and when each phase began."""

    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0
    peak_pss_mb: float = 0.0  # shared pages divided among the processes sharing them
    phases: list[tuple[str, float]] = field(default_factory=list)
    status: int = 0


def run_build(mappings: Path, store: Path, cache: Path, log: Path) -> Run:
    command = [sys.executable, "-m", "lodplan", "build", "--mappings", str(mappings),
               "--store", str(store), "--cache", str(cache)]  # fmt: skip
    run = Run()
    start = time.monotonic()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    root = psutil.Process(process.pid)
    samples: list[tuple[float, float]] = []
    cpu_seen: dict[int, float] = {}

    def sample() -> None:
        while process.poll() is None:
            rss = pss = 0
            try:
                for member in [root, *root.children(recursive=True)]:
                    with member.oneshot():
                        # a forked worker's RSS counts every page it shares with its
                        # parent: summed, RSS counts them again; PSS divides them
                        memory = member.memory_full_info()
                        rss, pss = rss + memory.rss, pss + memory.pss
                        times = member.cpu_times()
                        cpu_seen[member.pid] = times.user + times.system
            except psutil.Error:
                pass
            samples.append((rss / 2**20, pss / 2**20))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert process.stderr is not None
    with log.open("w") as written:
        for line in process.stderr:
            written.write(line)
            elapsed = time.monotonic() - start
            phase = _phase(line)
            if phase and (not run.phases or run.phases[-1][0] != phase):
                run.phases.append((phase, elapsed))
    run.status = process.wait()
    run.wall_s = time.monotonic() - start
    sampler.join()
    run.cpu_s = sum(cpu_seen.values())
    run.peak_rss_mb = max((rss for rss, _ in samples), default=0.0)
    run.peak_pss_mb = max((pss for _, pss in samples), default=0.0)
    return run


def _phase(line: str) -> str | None:
    if re.match(r"\[\d+/\d+\]", line):
        return "map and validate plans"
    for start, phase in (
        ("making the downloads", "downloads (dump, per-plan files)"),
        ("making the DCAT catalog", "catalog"),
        ("publishing", "write the store"),
        ("published build", "done"),
    ):
        if line.startswith(start):
            return phase
    return None


def bulk_load_floor(store: Path, scratch: Path) -> tuple[float, int]:
    """Seconds to bulk-load the build's own dump into a new on-disk pyoxigraph store."""
    dump = next((store / "current" / "downloads").glob("*.nq.gz"))
    data = gzip.decompress(dump.read_bytes())
    target = scratch / "floor-store"
    shutil.rmtree(target, ignore_errors=True)
    start = time.monotonic()
    floor = Store(str(target))
    floor.bulk_load(data, format=RdfFormat.N_QUADS)
    floor.flush()
    seconds = time.monotonic() - start
    count = len(floor)
    del floor
    shutil.rmtree(target, ignore_errors=True)
    return seconds, count


def change_one_plan(mappings: Path) -> str:
    folder = sorted(path.parent for path in mappings.glob("*/mapping.yaml"))[0]
    table = folder / "fiches.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("suivi annuel", "suivi trimestriel", 1)
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder.name


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _report(name: str, run: Run, floor_s: float) -> list[str]:
    lines = [
        f"{name}: exit {run.status}, wall {run.wall_s:.1f} s ({run.wall_s / floor_s:.2f}× the "
        f"bulk-load floor), CPU {run.cpu_s:.1f} s, peak RSS of the process tree "
        f"{run.peak_rss_mb:,.0f} MiB summed, {run.peak_pss_mb:,.0f} MiB PSS"
    ]
    if run.phases:
        lines.append(f"  {'start (read referentials, mappings)':<36} {run.phases[0][1]:8.1f} s")
    ends = [*(at for _, at in run.phases[1:]), run.wall_s]
    for (phase, began), end in zip(run.phases, ends, strict=True):
        if phase != "done":
            lines.append(f"  {phase:<36} {end - began:8.1f} s")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=1255)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--generate-only", action="store_true")
    args = parser.parse_args()
    out = args.out or ROOT / "benchmarks" / "out" / f"national-{args.plans}"
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    mappings = generate(out, args.plans)
    print(f"generated {args.plans} plans in {time.monotonic() - started:.1f} s → {mappings}")
    if args.generate_only:
        return 0
    store, cache = out / "store", out / "cache"
    shutil.rmtree(store, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    print(f"load average at start: {os.getloadavg()}; cores: {os.cpu_count()}", flush=True)
    full = run_build(mappings, store, cache, out / "full-build.log")
    if full.status != 0:
        print(f"the full build failed: see {out / 'full-build.log'}")
        return 1
    manifest = json.loads((store / "current" / "manifest.json").read_text())
    triples = sum(manifest["graphs"].values())
    store_mb = _size_mb(store / "current")
    print("\n".join(_report("full build (before the floor is measured)", full, full.wall_s)))
    print(f"{triples:,} triples; store and files {store_mb:,.0f} MiB", flush=True)
    changed = change_one_plan(mappings)
    rebuild = run_build(mappings, store, cache, out / "rebuild.log")
    floor_s, loaded = bulk_load_floor(store, out)
    results = [
        f"{args.plans} plans, {triples:,} triples (floor store loaded {loaded:,} quads); "
        f"store and files on disk {store_mb:,.0f} MiB",
        f"baseline: bulk-loading the build's dump into pyoxigraph: {floor_s:.1f} s",
        *_report("full build", full, floor_s),
        *_report(f"rebuild after one cell of {changed} changed", rebuild, floor_s),
        f"rebuild / full build: {rebuild.wall_s / full.wall_s:.3f}",
        f"load average at end: {os.getloadavg()}",
    ]
    print("\n".join(results))
    (out / "results.txt").write_text("\n".join(results) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
