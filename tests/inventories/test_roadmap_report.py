"""qscan roadmap: league table, overdue, timeline, systems first; HTML/Markdown/CSV;
escaping, offline, NL/EN; rendering from the aggregates alone."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qscan.cli import main
from qscan.inventories.merge import merge
from qscan.inventories.roadmap import build, load
from qscan.inventories.store import Store
from qscan.render.roadmap import csv_table, html, markdown

from .conftest import finding, inventory, write

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def merged(tmp_path: Path) -> Path:
    ahead = inventory(
        [
            finding(n, algorithm="X25519MLKEM768", params={}, context={"system": "site"})
            for n in range(3)
        ]
        + [finding(9, context={"system": "site"})],
        org=("AHEAD", "Ahead Agency"),
        systems=[{"name": "site", "owner": "Web team", "exposure": "internet"}],
    )
    behind = inventory(
        [finding(n, context={"system": "archive"}) for n in range(4)]
        + [
            finding(
                20,
                algorithm="RSA",
                function="signature",
                params={"bits": 1024},
                context={"system": HOSTILE},
            )
        ],
        org=("BEHIND", f"Behind {HOSTILE}"),
        systems=[
            {
                "name": "archive",
                "owner": "Records office",
                "contact": "records@example.org",
                "exposure": "internet",
                "confidentiality_years": 30,
                "criticality": "critical",
            },
            {"name": HOSTILE, "owner": f"=cmd|' /C calc'!A0 {HOSTILE}"},
        ],
    )
    out = tmp_path / "merged.json"
    merge([write(ahead, tmp_path / "ahead.json"), write(behind, tmp_path / "behind.json")], out)
    return out


def roadmap_of(path: Path, **kwargs):
    header, aggregates = load(path)
    return build(header, aggregates, as_of=dt.date(2026, 6, 1), **kwargs)


def test_league_table_ranks_and_counts_overdue(merged: Path) -> None:
    r = roadmap_of(merged)
    assert [row.id for row in r.league] == ["AHEAD", "BEHIND"]
    ahead, behind = r.league
    # issues, not rows: three hybrid groups of one endpoint are one ready issue, its ECDH group
    # another; the archive's four ECDH groups are one issue, the RSA-1024 signature another
    assert ahead.readiness == 0.5 and ahead.rank == 1 and ahead.issues == 2
    assert behind.overdue == 1  # the 1024-bit RSA key is broken today
    assert behind.waves["1"] == 2 and behind.findings == 5
    # wave 4 ("monitor") counts the quantum-ready hybrid issue: never always 0
    assert ahead.waves["4"] == 1 and r.wave_totals["4"] == 1
    later = build(*load(merged), as_of=dt.date(2036, 1, 1))
    assert later.league[1].overdue == 2  # every deadline under NIST IR 8547 has passed


def test_timeline_counts_issues_due_by_each_milestone(merged: Path) -> None:
    r = roadmap_of(merged)
    due = {(m.policy, m.date): m.due for m in r.timeline}
    assert due[("nist-ir-8547", "2030-12-31")] == 1  # P-256 ECDH is 128-bit: 2035
    assert due[("nist-ir-8547", "2035-12-31")] == 3
    assert due[("eu-pqc-roadmap", "2030-12-31")] == 3  # the EU wants key exchange by 2030
    assert due[("cnsa-2.0", "2033-12-31")] == 3
    assert {pid for pid, _ in r.timeline_rows} == {"nist-ir-8547", "eu-pqc-roadmap", "cnsa-2.0"}


def test_systems_first_are_ordered_and_carry_owners(merged: Path) -> None:
    r = roadmap_of(merged)
    first = r.systems_first[0]
    assert first["priority"]["wave"] == 1
    scores = [(s["priority"]["wave"], -s["priority"]["score"]) for s in r.systems_first]
    assert scores == sorted(scores)
    archive = next(s for s in r.systems_first if s["name"] == "archive")
    assert archive["owner"] == "Records office" and archive["contact"] == "records@example.org"
    assert len(roadmap_of(merged, top=1).systems_first) == 1


def test_html_is_self_contained_escaped_and_localised(merged: Path) -> None:
    r = roadmap_of(merged)
    page = html(r, "en")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@media print" in page and "Content-Security-Policy" in page
    assert "League table of organisations" in page and "Records office" in page
    dutch = html(r, "nl")
    assert 'lang="nl"' in dutch and "Ranglijst van organisaties" in dutch
    assert "Systemen die het eerst moeten migreren" in dutch


def test_numbers_and_dates_are_localised(merged: Path) -> None:
    """The roadmap formats its numbers and dates for the language (Babel), as the report
    does: no "19662" next to "1.656"."""
    r = roadmap_of(merged)
    r.totals["findings"] = 19662
    r.totals["issues"] = 1656
    dutch, english = html(r, "nl"), html(r, "en")
    assert "19.662" in dutch and "1.656" in dutch and "19662" not in dutch
    assert "19,662" in english and "1,656" in english
    assert "peildatum 1 jun 2026" in dutch and "as of Jun 1, 2026" in english
    md = markdown(r, "nl")
    assert "19.662 bevindingen" in md and "achterstallig" in md


def test_milestone_labels_follow_the_language(merged: Path) -> None:
    r = roadmap_of(merged)
    labels = {m.label: m.labels["nl"] for m in r.timeline}
    assert labels and all(en != nl for en, nl in labels.items())
    dutch_html, dutch_md = html(r, "nl"), markdown(r, "nl")
    english_md = markdown(r, "en")
    for en, nl in labels.items():
        assert nl in dutch_html and nl in dutch_md and nl not in english_md
        assert en not in dutch_md and en in english_md
    assert [m.label for m in r.timeline] == list(labels)  # the roadmap itself stays English


def test_markdown_escapes_cells(merged: Path) -> None:
    text = markdown(roadmap_of(merged), "en")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "| 1 | Ahead Agency | 50% |" in text
    widths = set()
    for block in re.split(r"\n(?!\|)", text):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        widths = {len(re.findall(r"(?<!\\)\|", line)) for line in rows}
        assert len(widths) <= 1, block  # no cell breaks out of its column


def test_csv_tables_have_stable_columns_and_no_formulas(merged: Path) -> None:
    r = roadmap_of(merged)
    rows = list(csv.reader(io.StringIO(csv_table(r, "organisations"))))
    assert rows[0][:4] == ["rank", "organisation_id", "organisation", "readiness"]
    assert rows[1][1] == "AHEAD"
    systems = list(csv.DictReader(io.StringIO(csv_table(r, "systems"))))
    owners = {s["system"]: s["owner"] for s in systems}
    assert owners[HOSTILE].startswith("'=")
    assert list(csv.reader(io.StringIO(csv_table(r, "timeline"))))[0] == [
        "policy",
        "date",
        "milestone",
        "due",
    ]
    assert list(csv.reader(io.StringIO(csv_table(r, "algorithms"))))[1][0] == "ECDH"
    with pytest.raises(ValueError):
        csv_table(r, "nothing")


def test_roadmap_of_a_single_inventory(tmp_path: Path) -> None:
    inv = inventory(
        [finding(1, context={"system": "s"}), finding(2, context={"system": "s"})],
        org=("ONE", "Only One"),
        systems=[{"name": "s", "owner": "o"}],
    )
    inv.extra["history"] = {
        "previous_scanned_at": "2026-01-01T00:00:00+00:00",
        "new": 1,
        "fixed": 3,
        "unchanged": 1,
        "trend": [
            {"scanned_at": "2026-01-01T00:00:00+00:00", "readiness": 0.1},
            {"scanned_at": "2026-03-01T10:00:00+00:00", "readiness": 0.0},
        ],
    }
    r = roadmap_of(write(inv, tmp_path / "one.json"))
    (row,) = r.league
    assert row.name == "Only One" and row.findings == 2
    assert row.since_last["fixed"] == 3 and row.trend.delta == pytest.approx(-0.1)
    page = html(r)
    assert "since last scan" in page and "<polyline" in page


def test_roadmap_reads_only_the_head_of_a_merged_file(merged: Path, tmp_path: Path) -> None:
    text = merged.read_text()
    cut = text.index('"findings":[')
    head_only = tmp_path / "head-only.json"
    # The findings are cut off half-way (invalid JSON) after a megabyte: never parsed.
    head_only.write_text(text[:cut] + '"findings":[' + '{"fingerprint":"x"},' * 50000)
    r = roadmap_of(head_only)
    assert [row.id for row in r.league] == ["AHEAD", "BEHIND"]


def test_cli_roadmap_formats_and_history(merged: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt in ("html", "md", "csv"):
        out = tmp_path / f"roadmap.{fmt}"
        result = runner.invoke(
            main,
            [
                "roadmap",
                str(merged),
                "--format",
                fmt,
                "--output",
                str(out),
                "--as-of",
                "2026-06-01",
                "--lang",
                "nl",
            ],
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 200
    db = tmp_path / "h.db"
    store = Store(str(db))
    store.ingest_inventory(
        inventory(
            [finding(n) for n in range(4)],
            org=("BEHIND", "Behind"),
            scanned_at="2025-12-01T00:00:00+00:00",
        )
    )
    store.ingest_file(merged)
    store.close()
    result = runner.invoke(
        main, ["roadmap", str(merged), "--history", str(db), "--as-of", "2026-06-01"]
    )
    assert result.exit_code == 0, result.output
    assert "<polyline" in result.output
    bad = runner.invoke(main, ["roadmap", str(merged), "--policy", "nope"])
    assert bad.exit_code == 2 and "unknown policy" in bad.output
    cnsa = runner.invoke(main, ["roadmap", str(merged), "--policy", "cnsa-2.0", "--format", "md"])
    assert "policy **cnsa-2.0**" in cnsa.output
