"""`qscan merge`, `roadmap`, `store` and `diff`: commands over saved inventories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import click

from qscan.assess.policy import PolicyError
from qscan.cli.common import fail, lang_option, write_output
from qscan.inventories.merge import merge
from qscan.inventories.roadmap import build, load
from qscan.inventories.stream import InventoryFormatError
from qscan.render.diff import render_diff
from qscan.render.roadmap import CSV_TABLES, FORMATS, csv_table
from qscan.render.trend import render_trend

DB_HELP = (
    "History database: a SQLite file path or a URL such as postgresql://user@host/db "
    "(default: $QSCAN_HISTORY_DB, else ~/.local/share/qscan/history.db)."
)


def _say(quiet: bool) -> Callable[[str], None]:
    def say(message: str) -> None:
        if not quiet:
            click.echo(f"qscan: {message}", err=True)

    return say


inventories_argument = click.argument(
    "inventories",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)


# --- qscan merge -------------------------------------------------------------------------


@click.command("merge")
@inventories_argument
@click.option("--output", required=True, help="Merged inventory file ('-' for stdout).")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@click.option("--verbose", "-v", is_flag=True, help="Progress for every organisation.")
def merge_command(inventories: tuple[Path, ...], output: str, quiet: bool, verbose: bool) -> None:
    """Merge inventories of many organisations (or shards of one estate) into one.

    Findings are de-duplicated by fingerprint within each organisation and keep their
    attribution; totals per organisation, system and algorithm go into "aggregates".
    Inputs are streamed, so thousands of inventories merge in bounded memory.
    """
    say = _say(quiet)
    try:
        aggregates = merge(
            list(inventories),
            None if output == "-" else Path(output),
            progress=say if verbose else None,
        )
    except InventoryFormatError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    t = aggregates["totals"]
    say(
        f"merged {len(inventories)} inventories: {t['organisations']} organisations, "
        f"{t['findings']} findings ({t['duplicates']} duplicates removed), {t['errors']} errors"
    )


# --- qscan roadmap -----------------------------------------------------------------------


@click.command("roadmap")
@click.argument("inventory", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["html", "md", "csv"]), default="html", show_default=True
)
@click.option("--output", default="-", show_default=True, help="Output file; '-' is stdout.")
@lang_option
@click.option("--policy", default=None, help="Policy for 'overdue' (default: the inventory's).")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date for 'overdue' (default: today).",
)
@click.option(
    "--top", type=int, default=25, show_default=True, help="Systems to list under 'migrate first'."
)
@click.option(
    "--table",
    type=click.Choice(CSV_TABLES),
    default="organisations",
    show_default=True,
    help="Which table --format csv writes.",
)
@click.option(
    "--history", "history_db", help="History database for readiness trends per organisation."
)
def roadmap_command(
    inventory: Path,
    fmt: str,
    output: str,
    lang: str,
    policy: str | None,
    as_of: dt.datetime | None,
    top: int,
    table: str,
    history_db: str | None,
) -> None:
    """Migration roadmap of a merged inventory (or a single one): league table of
    organisations, totals per algorithm, waves against policy deadlines, systems first."""
    from qscan.inventories.store import Store, StoreError

    trends = None
    if history_db:
        try:
            store = Store(history_db)
            trends = store.trends_by_scope()
            store.close()
        except StoreError as exc:
            fail(str(exc))
    try:
        header, aggregates = load(inventory)
        roadmap = build(
            header,
            aggregates,
            policy_id=policy,
            as_of=as_of.date() if as_of else None,
            top=top,
            trends=trends,
        )
    except (InventoryFormatError, PolicyError) as exc:
        fail(str(exc))
    rendered = csv_table(roadmap, table) if fmt == "csv" else FORMATS[fmt](roadmap, lang)
    write_output(rendered, output)


# --- qscan store -------------------------------------------------------------------------


@click.group("store")
def store_group() -> None:
    """Scan history: ingest inventories, show readiness over time."""


db_option = click.option("--db", default=None, help=DB_HELP)


@store_group.command("ingest")
@inventories_argument
@db_option
@click.option("--quiet", "-q", is_flag=True)
def store_ingest(inventories: tuple[Path, ...], db: str | None, quiet: bool) -> None:
    """Add inventories (plain or merged) to the history database. Ingesting the same
    inventory again changes nothing; a failed ingest stores nothing."""
    from qscan.inventories.store import Store, StoreError, default_db

    try:
        store = Store(db or default_db())
    except StoreError as exc:
        fail(str(exc))
    try:
        for path in inventories:
            try:
                results = store.ingest_file(path)
            except (StoreError, InventoryFormatError) as exc:
                fail(str(exc))
            for r in results:
                state = f"added, {r.findings} findings" if r.added else "already stored, skipped"
                if not quiet:
                    click.echo(f"{path}: {r.name} ({r.scope}) scanned {r.scanned_at}: {state}")
    finally:
        store.close()


@store_group.command("trend")
@db_option
@click.option("--organisation", "scope", help="Only this organisation id (or targets:... scope).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True
)
def store_trend(db: str | None, scope: str | None, fmt: str) -> None:
    """Readiness over time per organisation."""
    from qscan.inventories.store import Store, StoreError, default_db

    try:
        store = Store(db or default_db())
        rows = store.trend(scope)
        store.close()
    except StoreError as exc:
        fail(str(exc))
    click.echo(render_trend(rows, fmt), nl=False)


# --- qscan diff --------------------------------------------------------------------------


@click.command("diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True
)
@click.option("--output", default="-", show_default=True)
@lang_option
def diff_command(old: Path, new: Path, fmt: str, output: str, lang: str) -> None:
    """New, fixed, unchanged and out-of-scope findings between two inventories (by
    fingerprint). Text and Markdown are in --lang; JSON stays English, like the inventory."""
    from qscan.inventories.history import diff_files

    try:
        diff = diff_files(old, new)
    except InventoryFormatError as exc:
        fail(str(exc))
    write_output(render_diff(diff, fmt, lang), output)


COMMANDS = (merge_command, roadmap_command, store_group, diff_command)
