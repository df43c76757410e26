"""History store on SQLite and PostgreSQL: round trip, idempotence, atomic failure,
merged inventories, the history block and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qscan.cli import main
from qscan.inventories.history import history_block
from qscan.inventories.merge import merge
from qscan.inventories.store import Store, database_url, default_db
from qscan.inventories.stream import InventoryFormatError
from qscan.model import Inventory
from qscan.render.trend import render_trend

from .conftest import finding, inventory, write

SYSTEMS = [{"name": "portal", "owner": "Portal team", "exposure": "internet"}]


def agency(
    numbers: range | list[int],
    scanned_at: str,
    org: tuple[str, str] = ("AGY", "Agency"),
    safe: int = 0,
) -> Inventory:
    findings = [finding(n, context={"system": "portal"}) for n in numbers]
    findings += [finding(100 + n, algorithm="X25519MLKEM768", params={}) for n in range(safe)]
    return inventory(findings, org=org, systems=SYSTEMS, scanned_at=scanned_at)


@pytest.fixture
def store(db_url: str):
    s = Store(db_url)
    yield s
    s.close()


def test_round_trip_and_trend(store: Store, tmp_path: Path) -> None:
    first = write(agency(range(6), "2026-01-10T08:00:00+00:00"), tmp_path / "q1.json")
    second = write(agency(range(2, 6), "2026-04-10T08:00:00+00:00", safe=4), tmp_path / "q2.json")
    (r1,) = store.ingest_file(first)
    (r2,) = store.ingest_file(second)
    assert (r1.added, r1.findings, r1.scope, r1.name) == (True, 6, "AGY", "Agency")
    assert (r2.added, r2.findings) == (True, 8)
    rows = store.trend("AGY")
    assert [(r["scanned_at"][:10], r["findings"], r["readiness"]) for r in rows] == [
        ("2026-01-10", 6, 0.0),
        ("2026-04-10", 8, 0.5),
    ]
    # no confidentiality_years in the estate: key exchange reaches wave 2 at most
    assert rows[1]["wave2"] == 4 and rows[1]["wave4"] == 4
    assert len({fp for fp, _, _ in store.finding_rows(rows[0]["id"])}) == 6
    assert set(store.targets(rows[0]["id"])) == {"web.example.org:443"}


def test_ingesting_the_same_inventory_twice_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = write(agency(range(5), "2026-01-10T08:00:00+00:00"), tmp_path / "inv.json")
    store.ingest_file(path)
    before = store.counts()
    (again,) = store.ingest_file(path)
    assert not again.added
    assert store.counts() == before == (1, 5)
    copy = tmp_path / "reformatted.json"
    copy.write_text(json.dumps(json.loads(path.read_text())))  # same content, other bytes
    store.ingest_file(copy)
    assert store.counts() == before


def test_a_failed_ingest_leaves_the_database_unchanged(store: Store, tmp_path: Path) -> None:
    store.ingest_file(write(agency(range(3), "2026-01-10T08:00:00+00:00"), tmp_path / "ok.json"))
    before = store.counts()
    big = agency(range(6000), "2026-02-10T08:00:00+00:00")  # more than one insert batch
    text = (write(big, tmp_path / "big.json")).read_text()
    cut = text.index('"fingerprint"', len(text) * 9 // 10)
    broken = tmp_path / "truncated.json"
    broken.write_text(text[:cut])
    with pytest.raises(InventoryFormatError):
        store.ingest_file(broken)
    assert store.counts() == before
    assert [r["scanned_at"][:10] for r in store.trend()] == ["2026-01-10"]


def test_merged_inventory_is_stored_per_organisation(store: Store, tmp_path: Path) -> None:
    a = write(agency(range(4), "2026-01-10T08:00:00+00:00"), tmp_path / "a.json")
    b = write(
        agency(range(3), "2026-01-11T08:00:00+00:00", org=("BUR", "Bureau"), safe=1),
        tmp_path / "b.json",
    )
    merged = tmp_path / "merged.json"
    merge([a, b], merged)
    results = store.ingest_file(merged)
    assert {(r.scope, r.findings) for r in results} == {("AGY", 4), ("BUR", 4)}
    assert {r["scope"]: r["readiness"] for r in store.trend()} == {"AGY": 0.0, "BUR": 0.25}
    # The same organisations' own inventories are the same scans: nothing new.
    assert [r.added for r in store.ingest_file(a)] == [False]


def test_inventories_without_an_estate_follow_their_targets(store: Store, tmp_path: Path) -> None:
    plain = inventory([finding(1), finding(2)], scanned_at="2026-01-01T00:00:00+00:00")
    later = inventory([finding(1)], scanned_at="2026-02-01T00:00:00+00:00")
    store.ingest_inventory(plain)
    store.ingest_inventory(later)
    rows = store.trend()
    assert len({r["scope"] for r in rows}) == 1
    assert (
        rows[0]["scope"].startswith("targets:") and rows[0]["organisation"] == "web.example.org:443"
    )


def test_history_block_since_last_scan(store: Store) -> None:
    store.ingest_inventory(agency(range(6), "2026-01-10T08:00:00+00:00"))
    assert history_block(store, agency(range(6), "2026-01-10T08:00:00+00:00")) is None
    now = agency(range(3, 9), "2026-04-10T08:00:00+00:00", safe=2)
    block = history_block(store, now)
    assert block["previous_scanned_at"] == "2026-01-10T08:00:00+00:00"
    assert (block["new"], block["fixed"], block["unchanged"]) == (5, 3, 3)
    assert block["trend"] == [
        {"scanned_at": "2026-01-10T08:00:00+00:00", "readiness": 0.0},
        {"scanned_at": "2026-04-10T08:00:00+00:00", "readiness": 0.25},
    ]


def _estate(findings: list, scanned_at: str, errors: list | None = None) -> Inventory:
    return inventory(
        findings, org=("AGY", "Agency"), systems=SYSTEMS, scanned_at=scanned_at, errors=errors
    )


def _split_estate() -> tuple[Inventory, list]:
    """A scan of two endpoints (web: 4 findings, gone: 3), and the findings of a later
    scan of web alone: one fixed, three unchanged, one new and ready."""
    before = [finding(n) for n in range(4)] + [
        finding(10 + n, host="gone.example.org") for n in range(3)
    ]
    after = [finding(n) for n in range(1, 4)] + [finding(20, algorithm="X25519MLKEM768", params={})]
    return _estate(before, "2026-01-10T08:00:00+00:00"), after


def test_history_block_keeps_targets_not_scanned_again_apart(store: Store) -> None:
    """A target the new scan did not cover is out of scope, not fixed, as `qscan diff`
    counts it; the readiness change counts only what both scans covered."""
    before, after = _split_estate()
    store.ingest_inventory(before)
    block = history_block(store, _estate(after, "2026-04-10T08:00:00+00:00"))
    assert (block["new"], block["fixed"], block["unchanged"], block["out_of_scope"]) == (1, 1, 3, 3)
    assert block["out_of_scope_targets"] == [{"target": "gone.example.org:443", "findings": 3}]
    assert block["readiness"] == {
        "old": 0.0,
        "new": 0.25,
        "delta_points": 25.0,
        "findings_compared": {"old": 4, "new": 4},
    }
    assert block["targets_recorded"] is True


def test_a_target_that_failed_as_a_whole_is_out_of_scope(store: Store) -> None:
    from qscan.model import ScanError

    before, after = _split_estate()
    store.ingest_inventory(before)
    failed = ScanError(target="gone.example.org:443", kind="timeout", message="no answer")
    now = _estate(after, "2026-04-10T08:00:00+00:00", errors=[failed])
    now.targets.append("gone.example.org:443")
    block = history_block(store, now)
    assert (block["fixed"], block["out_of_scope"]) == (1, 3)
    # ... and the scan that failed does not count the target as covered when stored
    store.ingest_inventory(now)
    (_, latest) = store.trend("AGY")
    assert set(store.targets(latest["id"])) == {"web.example.org:443"}


def test_a_schema_1_store_is_migrated_and_its_scans_still_compare(db_url: str) -> None:
    """A database written before targets were recorded: opened, it gets the new table and
    column and schema version 2; its old scans compare as before (what is gone is fixed),
    scans stored after it compare by target."""
    from sqlalchemy import create_engine, text

    from qscan.inventories.store import SCHEMA_VERSION, database_url

    before, after = _split_estate()
    first = Store(db_url)
    first.ingest_inventory(before)
    first.close()
    engine = create_engine(database_url(db_url))
    with engine.begin() as conn:  # back to what schema 1 stored
        conn.execute(text("DROP TABLE qscan_scan_targets"))
        conn.execute(text("ALTER TABLE qscan_findings DROP COLUMN target"))
        conn.execute(text("UPDATE qscan_meta SET value = '1' WHERE key = 'schema_version'"))
    engine.dispose()
    migrated = Store(db_url)
    try:
        with migrated.engine.connect() as conn:
            version = conn.execute(
                text("SELECT value FROM qscan_meta WHERE key = 'schema_version'")
            ).scalar()
        assert version == SCHEMA_VERSION == "2"
        now = _estate(after, "2026-04-10T08:00:00+00:00")
        block = history_block(migrated, now)
        assert block["targets_recorded"] is False
        assert (block["new"], block["fixed"], block["unchanged"], block["out_of_scope"]) == (
            1,
            4,
            3,
            0,
        )
        migrated.ingest_inventory(now)
        later = _estate([finding(n) for n in range(2, 4)], "2026-07-10T08:00:00+00:00")
        assert history_block(migrated, later)["targets_recorded"] is True
    finally:
        migrated.close()
    assert Store(db_url).counts() == (2, 11)  # opening a version-2 store changes nothing


def test_a_store_from_a_newer_qscan_is_refused(db_url: str) -> None:
    from sqlalchemy import create_engine, text

    from qscan.inventories.store import StoreError, database_url

    Store(db_url).close()
    engine = create_engine(database_url(db_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE qscan_meta SET value = '9' WHERE key = 'schema_version'"))
    engine.dispose()
    with pytest.raises(StoreError, match="schema version 9, expected 2"):
        Store(db_url)


def test_a_scan_with_nothing_found_has_no_readiness(store: Store) -> None:
    store.ingest_inventory(agency([], "2026-01-10T08:00:00+00:00"))
    (row,) = store.trend("AGY")
    assert row["findings"] == 0 and row["readiness"] is None
    assert "n/a ready" in render_trend([row], "text")
    assert store.trends_by_scope() == {}
    block = history_block(store, agency([], "2026-04-10T08:00:00+00:00"))
    assert block["previous_readiness"] is None and block["trend"][-1]["readiness"] is None


def test_cli_store_ingest_trend_and_report_history(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    q1 = write(agency(range(4), "2026-01-10T08:00:00+00:00"), tmp_path / "q1.json")
    q2 = write(agency(range(2, 6), "2026-04-10T08:00:00+00:00", safe=4), tmp_path / "q2.json")
    out = runner.invoke(main, ["store", "ingest", str(q1), "--db", db_url])
    assert out.exit_code == 0, out.output
    assert "Agency (AGY) scanned 2026-01-10T08:00:00+00:00: added, 4 findings" in out.output
    again = runner.invoke(main, ["store", "ingest", str(q1), "--db", db_url])
    assert "already stored, skipped" in again.output
    report = tmp_path / "report.json"
    out = runner.invoke(
        main, ["report", str(q2), "--history", db_url, "--format", "json", "--output", str(report)]
    )
    assert out.exit_code == 0, out.output
    history = json.loads(report.read_text())["history"]
    assert (history["new"], history["fixed"], history["unchanged"]) == (6, 2, 2)
    runner.invoke(main, ["store", "ingest", str(q2), "--db", db_url])
    trend = runner.invoke(main, ["store", "trend", "--db", db_url])
    assert trend.exit_code == 0
    assert "Agency (AGY)" in trend.output and "50% ready" in trend.output
    as_json = json.loads(
        runner.invoke(main, ["store", "trend", "--db", db_url, "--format", "json"]).output
    )
    assert [r["readiness"] for r in as_json] == [0.0, 0.5]
    md = runner.invoke(main, ["store", "trend", "--db", db_url, "--format", "md"]).output
    assert md.splitlines()[0].startswith("| organisation | scanned at |")


def test_cli_scan_with_history_records_and_compares(
    cert_scanner: None, db_url: str, tmp_path: Path
) -> None:
    from .conftest import make_cert

    make_cert(tmp_path / "certs/a.pem", name="a")
    runner = CliRunner()
    args = ["scan", str(tmp_path / "certs"), "--history", db_url, "--format", "json", "-q"]
    first = runner.invoke(main, [*args, "--output", str(tmp_path / "1.json")])
    assert first.exit_code == 0, first.output
    assert "history" not in json.loads((tmp_path / "1.json").read_text())
    make_cert(tmp_path / "certs/b.pem", name="b")
    import time

    time.sleep(1.1)  # scanned_at has one-second resolution
    second = runner.invoke(main, [*args, "--output", str(tmp_path / "2.json")])
    assert second.exit_code == 0, second.output
    history = json.loads((tmp_path / "2.json").read_text())["history"]
    assert (history["new"], history["fixed"], history["unchanged"]) == (1, 0, 1)
    assert len(history["trend"]) == 2


def test_database_urls_and_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert database_url(str(tmp_path / "h.db")) == f"sqlite:///{tmp_path / 'h.db'}"
    assert database_url("postgresql://u@db.example/qscan").startswith("postgresql+psycopg://u@")
    monkeypatch.setenv("QSCAN_HISTORY_DB", "sqlite:////tmp/x.db")
    assert default_db() == "sqlite:////tmp/x.db"
    monkeypatch.delenv("QSCAN_HISTORY_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db() == str(tmp_path / "xdg" / "qscan" / "history.db")


def test_unreachable_database_is_a_usage_error(tmp_path: Path) -> None:
    inv = write(agency(range(1), "2026-01-10T08:00:00+00:00"), tmp_path / "inv.json")
    out = CliRunner().invoke(
        main, ["store", "ingest", str(inv), "--db", "postgresql://nobody@127.0.0.1:1/none"]
    )
    assert out.exit_code == 2 and "cannot open history database" in out.output


def test_a_fingerprint_repeated_in_one_inventory_is_stored_once(store: Store) -> None:
    (result,) = store.ingest_inventory(
        inventory([finding(1), finding(1), finding(2)], scanned_at="2026-05-01T00:00:00+00:00")
    )
    assert result.findings == 2
    assert store.counts() == (1, 2)
