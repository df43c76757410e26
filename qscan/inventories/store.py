"""Scan history in a database: a SQLite file by default, PostgreSQL by URL (SQLAlchemy 2,
one code path for both).

Each ingested inventory becomes one `scan` row per scope (the estate's organisation, or,
without an estate, the set of targets) with its findings and the targets it covered (so
that a target not scanned again is out of scope, not fixed). The natural key (scope,
scanned_at, policy) makes ingesting the same inventory again a no-op, and every ingest runs
in one transaction: a failure half-way leaves the database as it was.

Schema versions: 1 had no targets; 2 adds `qscan_scan_targets` and `qscan_findings.target`.
A version-1 database is migrated when it is opened (its scans keep no targets: the history
block takes them as covering what the newer scan covers, as before).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    case,
    create_engine,
    func,
    select,
    update,
)
from sqlalchemy import text as text_clause
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from qscan.inventories.stream import iter_errors, iter_findings, read_header
from qscan.model import READY, Inventory

SCHEMA_VERSION = "2"
BATCH = 5000
DB_ENV = "QSCAN_HISTORY_DB"

metadata = MetaData()
meta_table = Table(
    "qscan_meta",
    metadata,
    Column("key", String(50), primary_key=True),
    Column("value", String(200), nullable=False),
)
scans = Table(
    "qscan_scans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scope", String(300), nullable=False),
    Column("organisation", String(300), nullable=False),
    Column("scanned_at", String(40), nullable=False),
    Column("policy", String(100), nullable=False),
    Column("scenario", String(100)),
    Column("ingested_at", String(40), nullable=False),
    Column("source", String(1000)),
    Column("tool_version", String(40)),
    Column("findings", Integer, nullable=False, default=0),
    Column("ready", Integer, nullable=False, default=0),
    Column("readiness", Float, nullable=False, default=1.0),
    Column("errors", Integer, nullable=False, default=0),
    Column("wave1", Integer, nullable=False, default=0),
    Column("wave2", Integer, nullable=False, default=0),
    Column("wave3", Integer, nullable=False, default=0),
    Column("wave4", Integer, nullable=False, default=0),
    UniqueConstraint("scope", "scanned_at", "policy", name="uq_qscan_scan"),
)
findings_table = Table(
    "qscan_findings",
    metadata,
    Column("scan_id", Integer, ForeignKey("qscan_scans.id", ondelete="CASCADE"), primary_key=True),
    Column("fingerprint", String(64), primary_key=True),
    Column("system", String(300)),
    Column("algorithm", String(100), nullable=False),
    Column("function", String(40), nullable=False),
    Column("asset", String(40), nullable=False),
    Column("status", String(40), nullable=False),
    Column("severity", String(20), nullable=False),
    Column("rule", String(20)),
    Column("deadline", String(20)),
    Column("score", Integer),
    Column("wave", Integer),
    Column("location", Text),
    Column("target", String(1000)),
)
scan_targets = Table(
    "qscan_scan_targets",
    metadata,
    Column("scan_id", Integer, ForeignKey("qscan_scans.id", ondelete="CASCADE"), primary_key=True),
    Column("target", String(1000), primary_key=True),
)
"""The targets each scan covered: those it listed, less those that failed as a whole."""
Index("ix_qscan_scans_scope", scans.c.scope, scans.c.scanned_at)


class StoreError(RuntimeError):
    """The database cannot be opened or written."""


def default_db() -> str:
    """$QSCAN_HISTORY_DB, else ${XDG_DATA_HOME:-~/.local/share}/qscan/history.db."""
    env = os.environ.get(DB_ENV)
    if env:
        return env
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return str(base / "qscan" / "history.db")


def database_url(db: str) -> str:
    """A SQLAlchemy URL from a URL or a plain file path (a SQLite file)."""
    if "://" not in db:
        path = Path(db).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    url = make_url(db)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


@dataclass(frozen=True)
class Scope:
    """What one history line follows: an organisation, or a fixed set of targets."""

    key: str
    name: str
    scanned_at: str
    policy: str
    scenario: str | None = None


@dataclass(frozen=True)
class IngestResult:
    scope: str
    name: str
    scanned_at: str
    added: bool
    findings: int


def _targets_scope(targets: Iterable[str]) -> tuple[str, str]:
    ordered = sorted(set(targets))
    digest = hashlib.sha256(json.dumps(ordered).encode()).hexdigest()[:16]
    name = ordered[0] if ordered else "(no targets)"
    if len(ordered) > 1:
        name += f" (+{len(ordered) - 1} more)"
    return f"targets:{digest}", name


def scopes_of(header: dict[str, Any]) -> list[Scope]:
    """The scopes in an inventory header (several for a merged inventory)."""
    policy = str(header.get("policy") or "")
    scenario = (header.get("scenario") or {}).get("id") if header.get("scenario") else None
    if isinstance(header.get("organisations"), list) and "aggregates" in header:
        return [
            Scope(
                key=str(org["id"]),
                name=str(org.get("name") or org["id"]),
                scanned_at=str(org.get("scanned_at") or header.get("scanned_at") or ""),
                policy=str(org.get("policy") or policy),
                scenario=((org.get("scenario") or {}).get("id") or scenario),
            )
            for org in header["organisations"]
        ]
    estate = header.get("estate")
    if isinstance(estate, dict) and isinstance(estate.get("organisation"), dict):
        org = estate["organisation"]
        key, name = str(org.get("id")), str(org.get("name") or org.get("id"))
    else:
        key, name = _targets_scope(header.get("targets") or [])
    return [Scope(key, name, str(header.get("scanned_at") or ""), policy, scenario)]


def _header(inventory: Inventory) -> dict[str, Any]:
    return {
        "tool": inventory.tool,
        "scanned_at": inventory.scanned_at,
        "policy": inventory.policy,
        "targets": inventory.targets,
        **inventory.extra,
    }


def scope_of_inventory(inventory: Inventory) -> Scope:
    return scopes_of(_header(inventory))[0]


def _finding_row(scan_id: int, f: dict[str, Any]) -> dict[str, Any]:
    verdict = f.get("verdict") or {}
    priority = f.get("priority") or {}
    loc = f.get("location") or {}
    place = loc.get("path") or f"{loc.get('host')}:{loc.get('port')}"
    return {
        "scan_id": scan_id,
        "fingerprint": str(f["fingerprint"])[:64],
        "system": (f.get("context") or {}).get("system"),
        "algorithm": str(f.get("algorithm"))[:100],
        "function": str(f.get("function"))[:40],
        "asset": str(f.get("asset"))[:40],
        "status": str(verdict.get("status") or "unknown"),
        "severity": str(verdict.get("severity") or "info"),
        "rule": verdict.get("rule"),
        "deadline": verdict.get("deadline"),
        "score": priority.get("score"),
        "wave": priority.get("wave"),
        "location": f"{place} ({loc.get('component')})" if loc.get("component") else place,
        "target": str(loc.get("target") or "")[:1000],
    }


class Store:
    def __init__(self, db: str | None = None) -> None:
        self.url = database_url(db or default_db())
        try:
            self.engine: Engine = create_engine(self.url)
            metadata.create_all(self.engine)
            with self.engine.begin() as conn:
                version = conn.execute(
                    select(meta_table.c.value).where(meta_table.c.key == "schema_version")
                ).scalar()
                if version is None:
                    conn.execute(
                        meta_table.insert().values(key="schema_version", value=SCHEMA_VERSION)
                    )
                elif version == "1":
                    _migrate_from_1(conn)
                elif version != SCHEMA_VERSION:
                    raise StoreError(
                        f"history database has schema version {version}, expected {SCHEMA_VERSION}"
                    )
        except (SQLAlchemyError, ArgumentError) as exc:
            raise StoreError(f"cannot open history database: {exc}") from exc

    def close(self) -> None:
        self.engine.dispose()

    # --- writing ---------------------------------------------------------------------

    def ingest_file(self, path: Path) -> list[IngestResult]:
        header = read_header(path)
        scopes = scopes_of(header)
        return self._ingest(
            scopes,
            header,
            str(path),
            lambda: iter_findings(path),
            lambda: iter_errors(path),
        )

    def ingest_inventory(self, inventory: Inventory, source: str = "") -> list[IngestResult]:
        header = _header(inventory)
        return self._ingest(
            scopes_of(header),
            header,
            source,
            lambda: (f.to_dict() for f in inventory.findings),
            lambda: (e.to_dict() for e in inventory.errors),
        )

    def _ingest(
        self,
        scopes: list[Scope],
        header: dict[str, Any],
        source: str,
        findings: Any,
        errors: Any,
    ) -> list[IngestResult]:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        version = str((header.get("tool") or {}).get("version") or "")
        results: list[IngestResult] = []
        try:
            with self.engine.begin() as conn:
                ids: dict[str, int] = {}
                for scope in scopes:
                    if self._find(conn, scope) is not None:
                        results.append(
                            IngestResult(scope.key, scope.name, scope.scanned_at, False, 0)
                        )
                        continue
                    inserted = conn.execute(
                        scans.insert().values(
                            scope=scope.key,
                            organisation=scope.name,
                            scanned_at=scope.scanned_at,
                            policy=scope.policy,
                            scenario=scope.scenario,
                            ingested_at=now,
                            source=source[:1000],
                            tool_version=version[:40],
                        )
                    ).inserted_primary_key
                    assert inserted is not None  # an INSERT of one row reports its key
                    ids[scope.key] = inserted[0]
                if not ids:
                    return results
                route = _router(scopes)
                insert = self._insert_ignoring_duplicates()
                batch: list[dict[str, Any]] = []
                for finding in findings():
                    key = route(finding)
                    if key not in ids:
                        continue
                    batch.append(_finding_row(ids[key], finding))
                    if len(batch) >= BATCH:
                        conn.execute(insert, batch)
                        batch = []
                if batch:
                    conn.execute(insert, batch)
                errors_by_scope = dict.fromkeys(ids, 0)
                failed: dict[str, set[str]] = {key: set() for key in ids}
                for error in errors():
                    key = route(error)
                    if key in errors_by_scope:
                        errors_by_scope[key] += 1
                        if not error.get("path"):
                            failed[key].add(str(error.get("target") or ""))
                self._record_targets(conn, ids, header, failed)
                for key, scan_id in ids.items():
                    summary = _summary(conn, scan_id)
                    conn.execute(
                        update(scans)
                        .where(scans.c.id == scan_id)
                        .values(**summary, errors=errors_by_scope[key])
                    )
                    scope = next(s for s in scopes if s.key == key)
                    results.append(
                        IngestResult(key, scope.name, scope.scanned_at, True, summary["findings"])
                    )
        except SQLAlchemyError as exc:
            raise StoreError(f"ingest failed, nothing was stored: {exc}") from exc
        return results

    @staticmethod
    def _record_targets(
        conn: Connection, ids: dict[str, int], header: dict[str, Any], failed: dict[str, set[str]]
    ) -> None:
        """The targets each new scan covered: the inventory's targets (a merged inventory
        lists those of all its organisations), less those that failed as a whole (an error
        on the target itself and no finding from it)."""
        listed = {str(t)[:1000] for t in header.get("targets") or []}
        for key, scan_id in ids.items():
            found = set(
                conn.execute(
                    select(findings_table.c.target)
                    .where(findings_table.c.scan_id == scan_id)
                    .distinct()
                ).scalars()
            )
            rows = [
                {"scan_id": scan_id, "target": t} for t in sorted(listed - (failed[key] - found))
            ]
            for start in range(0, len(rows), BATCH):
                conn.execute(scan_targets.insert(), rows[start : start + BATCH])

    def _insert_ignoring_duplicates(self) -> Any:
        """INSERT ... ON CONFLICT DO NOTHING: a fingerprint twice in one scan is stored once,
        without holding the fingerprints in memory."""
        dialect = self.engine.dialect.name
        keys = ["scan_id", "fingerprint"]
        if dialect == "postgresql":
            from sqlalchemy.dialects import postgresql

            return postgresql.insert(findings_table).on_conflict_do_nothing(index_elements=keys)
        if dialect == "sqlite":
            from sqlalchemy.dialects import sqlite

            return sqlite.insert(findings_table).on_conflict_do_nothing(index_elements=keys)
        raise StoreError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL")

    @staticmethod
    def _find(conn: Connection, scope: Scope) -> int | None:
        return conn.execute(
            select(scans.c.id).where(
                scans.c.scope == scope.key,
                scans.c.scanned_at == scope.scanned_at,
                scans.c.policy == scope.policy,
            )
        ).scalar()

    # --- reading ---------------------------------------------------------------------

    def trend(self, scope: str | None = None) -> list[dict[str, Any]]:
        query = select(
            scans.c.id,
            scans.c.scope,
            scans.c.organisation,
            scans.c.scanned_at,
            scans.c.policy,
            scans.c.findings,
            scans.c.ready,
            scans.c.readiness,
            scans.c.errors,
            scans.c.wave1,
            scans.c.wave2,
            scans.c.wave3,
            scans.c.wave4,
        ).order_by(scans.c.scope, scans.c.scanned_at, scans.c.policy)
        if scope is not None:
            query = query.where(scans.c.scope == scope)
        with self.engine.connect() as conn:
            return [_scan_row(row._mapping) for row in conn.execute(query)]

    def trends_by_scope(self) -> dict[str, list[tuple[str, float]]]:
        """(scanned_at, readiness) per scope, oldest first; scans without findings (no
        readiness) are left out."""
        trends: dict[str, list[tuple[str, float]]] = {}
        for row in self.trend():
            if row["readiness"] is not None:
                trends.setdefault(row["scope"], []).append((row["scanned_at"], row["readiness"]))
        return trends

    def previous(self, scope: Scope) -> dict[str, Any] | None:
        """The latest stored scan of the scope before this one (same policy first)."""
        with self.engine.connect() as conn:
            for same_policy in (True, False):
                query = select(scans).where(
                    scans.c.scope == scope.key, scans.c.scanned_at < scope.scanned_at
                )
                if same_policy:
                    query = query.where(scans.c.policy == scope.policy)
                row = conn.execute(
                    query.order_by(scans.c.scanned_at.desc(), scans.c.id.desc()).limit(1)
                ).first()
                if row is not None:
                    return _scan_row(row._mapping)
        return None

    def finding_rows(self, scan_id: int) -> Iterator[tuple[str, str | None, str]]:
        """(fingerprint, target, status) of each finding of a stored scan; the target is
        None for scans stored before targets were recorded (schema 1)."""
        f = findings_table.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(f.fingerprint, f.target, f.status).where(f.scan_id == scan_id)
            )
            yield from ((str(r[0]), r[1], str(r[2])) for r in rows)

    def targets(self, scan_id: int) -> Iterator[str]:
        """The targets a stored scan covered (none for scans stored before schema 2)."""
        with self.engine.connect() as conn:
            yield from conn.execute(
                select(scan_targets.c.target).where(scan_targets.c.scan_id == scan_id)
            ).scalars()

    def counts(self) -> tuple[int, int]:
        """(scans, findings) stored; used by tests and `qscan store trend`."""
        with self.engine.connect() as conn:
            return (
                conn.execute(select(func.count()).select_from(scans)).scalar_one(),
                conn.execute(select(func.count()).select_from(findings_table)).scalar_one(),
            )


def _migrate_from_1(conn: Connection) -> None:
    """Schema 1 -> 2: the findings' targets (a new column; create_all has already made the
    new qscan_scan_targets table). Scans stored before keep no targets."""
    conn.execute(text_clause("ALTER TABLE qscan_findings ADD COLUMN target VARCHAR(1000)"))
    conn.execute(
        update(meta_table).where(meta_table.c.key == "schema_version").values(value=SCHEMA_VERSION)
    )


def _scan_row(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A stored scan as a dictionary; the readiness of a scan without findings is None (n/a:
    the column keeps the 1.0 it was stored with, for databases made before)."""
    out = dict(row)
    if not out.get("findings"):
        out["readiness"] = None
    return out


def _summary(conn: Connection, scan_id: int) -> dict[str, Any]:
    """Counts of the findings stored for one scan (duplicates were skipped by the DB)."""
    f = findings_table.c
    ready = func.sum(case((f.status.in_(READY), 1), else_=0))
    waves = [func.sum(case((f.wave == w, 1), else_=0)) for w in (1, 2, 3)]
    row = conn.execute(select(func.count(), ready, *waves).where(f.scan_id == scan_id)).one()
    total, ready_n = int(row[0]), int(row[1] or 0)
    w1, w2, w3 = (int(v or 0) for v in row[2:])
    return {
        "findings": total,
        "ready": ready_n,
        "readiness": round(ready_n / total, 4) if total else 1.0,
        "wave1": w1,
        "wave2": w2,
        "wave3": w3,
        "wave4": total - w1 - w2 - w3,
    }


def _router(scopes: list[Scope]) -> Any:
    """Which scope a finding or error belongs to (by its organisation in a merged file)."""
    if len(scopes) == 1:
        only = scopes[0].key
        return lambda item: only
    keys = {s.key for s in scopes}

    def route(item: dict[str, Any]) -> str | None:
        org = (item.get("context") or {}).get("organisation_id")
        return org if org in keys else None

    return route
