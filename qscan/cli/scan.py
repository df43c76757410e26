"""`qscan scan`, `report` and `baseline`: scan targets or an estate, render a saved
inventory again, and the CI gate around both."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from qscan.api import load_inventory
from qscan.assess.baseline import dump_baseline
from qscan.assess.engine import assess
from qscan.assess.gate import GateConfig, GateConfigError, apply_gate, build_config
from qscan.assess.policy import PolicyError, get_policy
from qscan.assess.rules import RuleError
from qscan.assess.scenario import Scenario, ScenarioError, book, get_scenario
from qscan.cli.common import (
    check_output,
    fail,
    lang_option,
    read_password_file,
    write_output,
)
from qscan.configfile import ConfigError
from qscan.estate import EstateError, load_estate, parse_shard
from qscan.i18n import plural
from qscan.model import DEFAULT_POLICY, SEVERITIES, Inventory
from qscan.pipeline import scan as run_scan
from qscan.pipeline import scan_estate
from qscan.render import RENDERERS, RenderOptions, render_chunks
from qscan.render.gate_failure import failure_lines
from qscan.scan.interface import ScanOptions
from qscan.scan.limits import ENDPOINT_TIMEOUTS, FILE_TIMEOUT
from qscan.targets import Target, TargetError, parse_target, read_targets_file, under_root
from qscan.version import __version__

SCAN_EPILOG = """\b
Examples:
  qscan scan certs/                                  terminal summary of a folder
  qscan scan examples --format html --output report.html
  qscan scan . --format json --output inv.json --format html --output report.html
  qscan scan example.org:443 smtp://mail.example.org:25 ssh://git.example.org
  qscan scan . --fail-on high --format sarif --output qscan.sarif

\b
Exit codes: 0 clean, 1 a counted finding at or above --fail-on (or matching
--fail-on-status), 2 usage or configuration error (a path given here that does not
exist), 3 scan incomplete: a target could not be scanned at all (missing from
--targets-file or the estate, unreadable, unsupported), or with --strict any error.
Findings in --baseline or covered by a valid --waivers entry do not count.
"""


def scenario_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--crqc-year",
        type=int,
        help="Custom year a cryptographically relevant quantum computer is assumed (overrides --scenario).",
    )(func)
    return click.option(
        "--scenario",
        "scenario_id",
        type=click.Choice(sorted(book().scenarios)),
        help=f"CRQC scenario for migration priority (rules/scenarios.yaml; default {book().default}).",
    )(func)


def resolve_scenario(scenario_id: str | None, crqc_year: int | None) -> Scenario:
    try:
        return get_scenario(scenario_id, crqc_year)
    except ScenarioError as exc:
        fail(str(exc))


def estate_inventory(
    estate_path: Path,
    shard: str | None,
    options: ScanOptions,
    policy: str,
    scenario: Scenario,
) -> Inventory:
    """`qscan scan --estate FILE [--shard K/N]`."""
    try:
        estate = load_estate(estate_path)
        parts = parse_shard(shard) if shard else None
    except EstateError as exc:  # each problem on a line of its own, with its file and line
        fail(str(exc).replace("\n", "\nqscan: error: "))
    except ValueError as exc:
        fail(str(exc))
    return scan_estate(estate, options, policy, scenario, parts)


def with_scenario(inventory: Inventory, scenario: Scenario, policy: str | None) -> Inventory:
    """Re-assess a saved inventory under another CRQC scenario (`qscan report --scenario`)."""
    inventory.extra["scenario"] = scenario.to_dict()
    return assess(inventory, policy)


def apply_history(inventory: Inventory, db: str, record: bool) -> None:
    """Put `extra["history"]` from the store; with `record`, store this inventory too."""
    from qscan.inventories.history import history_block
    from qscan.inventories.store import Store, StoreError

    try:
        store = Store(db)
        try:
            block = history_block(store, inventory)
            if block is not None:
                inventory.extra["history"] = block
            if record:
                store.ingest_inventory(inventory, source="qscan scan")
        finally:
            store.close()
    except StoreError as exc:
        fail(str(exc))


class Progress:
    """Progress lines on stderr, only when stderr is a terminal (or --verbose)."""

    def __init__(self, verbose: bool, quiet: bool) -> None:
        self.enabled = not quiet and (verbose or sys.stderr.isatty())

    def __call__(self, message: str) -> None:
        if self.enabled:
            click.echo(f"qscan: {message}", err=True)


def require_paths(targets: list[Target]) -> None:
    """A path given on the command line that does not exist is a usage error (exit 2),
    before anything is scanned. (Targets from --targets-file or an estate become error
    records instead, and the scan goes on.)"""
    missing = [t.raw for t in targets if t.kind == "path" and t.path and not t.path.exists()]
    if missing:
        fail(f"no such file or directory: {', '.join(missing)}")


def _passwords(password_file: Path | None) -> tuple[str, ...]:
    found: list[str] = []
    if password_file is not None:
        found += read_password_file(password_file)
    env = os.environ.get("QSCAN_PASSWORDS")
    if env:
        found += env.split(os.pathsep)
    return tuple(p for p in found if p)


def _outputs(formats: tuple[str, ...], outputs: tuple[str, ...]) -> list[tuple[str, str]]:
    """Pair each --format with the --output at the same position ('-' is stdout)."""
    formats = formats or ("text",)
    if len(outputs) > len(formats):
        fail("more --output than --format options")
    if len(formats) > 1 and len(outputs) < len(formats):
        fail("with several --format options give one --output for each, in the same order")
    pairs = list(zip(formats, outputs or ("-",), strict=False))
    if sum(1 for _, out in pairs if out == "-") > 1:
        fail("only one format can go to stdout")
    for _, out in pairs:
        check_output(out)
    return pairs


def write_outputs(inventory: Inventory, pairs: list[tuple[str, str]], lang: str) -> None:
    for fmt, out in pairs:
        color = out == "-" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        write_output(render_chunks(fmt, inventory, RenderOptions(lang=lang, color=color)), out)


def gate(inventory: Inventory, config: GateConfig) -> int:
    """Evaluate the CI gate (recorded on the inventory for the outputs); on stderr, warn
    about expired and unused waivers and, when it fails, say why."""
    result = apply_gate(inventory, config)
    for message in result.messages():
        click.echo(f"qscan: warning: {message}", err=True)
    for line in failure_lines(result):
        click.echo(f"qscan: {line}", err=True)
    return result.exit_code


def _gate_config(
    fail_on: str | None,
    fail_on_status: tuple[str, ...],
    baseline: Path | None,
    waivers: Path | None,
    strict: bool,
) -> GateConfig:
    try:
        return build_config(fail_on, fail_on_status, baseline, waivers, strict)
    except GateConfigError as exc:
        fail(str(exc))
        raise AssertionError("unreachable") from exc


def gate_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--fail-on, --fail-on-status, --baseline and --waivers (scan and report)."""
    options = [
        click.option(
            "--fail-on",
            type=click.Choice(SEVERITIES[:-1]),
            help="Exit 1 when a counted finding is at or above this severity.",
        ),
        click.option(
            "--fail-on-status",
            multiple=True,
            metavar="STATUS[:FUNCTION]",
            help="Exit 1 when a counted finding has this status, optionally only for one "
            "function (e.g. quantum-vulnerable:key-exchange). Repeatable.",
        ),
        click.option(
            "--baseline",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Baseline (or earlier inventory): its findings do not count.",
        ),
        click.option(
            "--waivers",
            type=click.Path(dir_okay=False, path_type=Path),
            help="YAML waivers (rule / fingerprint / path glob, owner, expires).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _check_policy(policy: str) -> None:
    try:
        get_policy(policy)
    except PolicyError as exc:
        fail(str(exc))


format_option = click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(sorted(RENDERERS)),
    help="Output format; repeat together with --output for several.",
)
output_option = click.option(
    "--output",
    "outputs",
    multiple=True,
    help="Output file for the --format at the same position; '-' is stdout.",
)
policy_option = click.option(
    "--policy",
    default=DEFAULT_POLICY,
    show_default=True,
    help="Policy timeline for deadlines and verdicts (see `qscan rules policies`).",
)
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
verbose_option = click.option(
    "--verbose", "-v", is_flag=True, help="Progress even when not a terminal."
)


@click.command(epilog=SCAN_EPILOG)
@click.argument("targets", nargs=-1)
@click.option(
    "--targets-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="One target per line; '#' comments.",
)
@format_option
@output_option
@policy_option
@lang_option
@gate_options
@click.option(
    "--strict", is_flag=True, help="Exit 3 when any target could not be scanned completely."
)
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keystore passwords to try, one per line (also QSCAN_PASSWORDS).",
)
@click.option(
    "--max-file-size",
    type=click.IntRange(min=1),
    default=50 * 1024 * 1024,
    show_default=True,
    help="Skip (and record) files above this many bytes.",
)
@click.option("--exclude", multiple=True, help="Glob of paths to skip (repeatable).")
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Repository root (a pre-commit hook: --root . FILE...): file targets inside it are "
    "scanned as its files, with repository-relative paths; no file outside it is read, not "
    "even one a configuration names.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Processes reading files in parallel (0: one per CPU).",
)
@click.option("--sni", help="Server name to send instead of the target's host name.")
@click.option(
    "--file-timeout",
    type=click.FloatRange(min=0, max=86400),
    default=FILE_TIMEOUT,
    show_default=True,
    help="Seconds one file's analysis may take (plus one per MiB); then it is recorded as "
    "timeout and the scan goes on. 0: no limit.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, max=3600, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds for every connect, and for each connection's dialogue; an endpoint's whole "
    f"scan ends after {ENDPOINT_TIMEOUTS} times this.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1, max=100_000),
    default=64,
    show_default=True,
    help="Endpoints scanned at once (lowered to what the file-descriptor limit holds).",
)
@click.option(
    "--per-host",
    type=click.IntRange(min=1, max=1000),
    default=4,
    show_default=True,
    help="Connections at once to one host.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0, max=100),
    default=1,
    show_default=True,
    help="Retries of a timed-out or reset endpoint.",
)
@click.option(
    "--rate",
    type=click.FloatRange(min=0, min_open=True),
    help="At most this many new connections per second.",
)
@click.option(
    "--profile",
    type=click.Choice(["quick", "full"]),
    default="full",
    show_default=True,
    help="TLS: quick skips suite enumeration below TLS 1.2, curves and signature schemes.",
)
@click.option(
    "--estate",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Estate file (YAML): scan every system's targets and attribute findings (docs/estate.md).",
)
@click.option("--shard", help="K/N: scan only the K-th of N deterministic parts of the estate.")
@scenario_options
@click.option(
    "--history",
    "history_db",
    help='History database: compare with the last scan ("since last scan") and record this one.',
)
@quiet_option
@verbose_option
def scan(
    targets: tuple[str, ...],
    targets_file: Path | None,
    formats: tuple[str, ...],
    outputs: tuple[str, ...],
    policy: str,
    lang: str,
    fail_on: str | None,
    fail_on_status: tuple[str, ...],
    baseline: Path | None,
    waivers: Path | None,
    strict: bool,
    password_file: Path | None,
    max_file_size: int,
    exclude: tuple[str, ...],
    root: Path | None,
    workers: int,
    sni: str | None,
    file_timeout: float,
    timeout: float,
    concurrency: int,
    per_host: int,
    retries: int,
    rate: float | None,
    profile: str,
    estate: Path | None,
    shard: str | None,
    scenario_id: str | None,
    crqc_year: int | None,
    history_db: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Scan TARGETS (paths and endpoints) and write the assessed inventory."""
    _check_policy(policy)
    scenario = resolve_scenario(scenario_id, crqc_year)
    gate_config = _gate_config(fail_on, fail_on_status, baseline, waivers, strict)
    try:
        raw = list(targets) + (read_targets_file(targets_file) if targets_file else [])
    except ConfigError as exc:
        fail(str(exc))
    if estate and raw:
        fail("give either TARGETS or --estate (the estate file lists the targets)")
    if shard and not estate:
        fail("--shard splits an estate: use it with --estate")
    if shard and history_db:
        fail(
            "--history records whole scans: merge the shards, then `qscan store ingest` the result"
        )
    if not raw and not estate:
        fail("no targets given (paths, host:port, tls://, smtp://, ssh://, or --targets-file)")
    try:
        parsed = [parse_target(t, sni=sni) for t in raw]
        if root is not None:
            parsed = under_root(parsed, root)
    except TargetError as exc:
        fail(str(exc))
    require_paths(parsed[: len(targets)])
    pairs = _outputs(formats, outputs)
    options = ScanOptions(
        max_file_size=max_file_size,
        passwords=_passwords(password_file),
        excludes=exclude,
        timeout=timeout,
        concurrency=concurrency,
        per_host=per_host,
        retries=retries,
        rate=rate,
        sni=sni,
        workers=workers,
        root=root,
        file_timeout=file_timeout,
        profile=profile,
        progress=Progress(verbose, quiet),
    )
    try:
        if estate:
            inventory = estate_inventory(estate, shard, options, policy, scenario)
        else:
            inventory = run_scan(parsed, options, policy, scenario=scenario)
    except RuleError as exc:
        fail(f"rule pack: {exc}")
    if history_db:
        apply_history(inventory, history_db, record=True)
    code = gate(inventory, gate_config)
    write_outputs(inventory, pairs, lang)
    sys.exit(code)


@click.command()
@click.argument("inventory", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@format_option
@output_option
@click.option("--policy", default=None, help="Re-assess under another policy before rendering.")
@lang_option
@scenario_options
@click.option(
    "--history", "history_db", help="History database: show changes since the last stored scan."
)
@gate_options
def report(
    inventory: Path,
    formats: tuple[str, ...],
    outputs: tuple[str, ...],
    policy: str | None,
    lang: str,
    fail_on: str | None,
    scenario_id: str | None,
    crqc_year: int | None,
    history_db: str | None,
    fail_on_status: tuple[str, ...],
    baseline: Path | None,
    waivers: Path | None,
) -> None:
    """Render a saved JSON inventory again, in any format."""
    inv = _load_inventory(inventory)
    if policy:
        _check_policy(policy)
    if scenario_id or crqc_year:
        with_scenario(inv, resolve_scenario(scenario_id, crqc_year), policy)
    elif policy:
        assess(inv, policy)
    if history_db:
        apply_history(inv, history_db, record=False)
    gate_config = _gate_config(fail_on, fail_on_status, baseline, waivers, False)
    code = gate(inv, gate_config)
    write_outputs(inv, _outputs(formats, outputs), lang)
    sys.exit(code)


def _load_inventory(path: Path) -> Inventory:
    try:
        return load_inventory(path)
    except OSError as exc:
        fail(f"{path}: cannot read the inventory: {exc.strerror or exc}")
    except RecursionError:
        fail(f"{path}: not a valid qscan inventory (nested too deeply)")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        fail(f"{path}: not a valid qscan inventory ({_first_line(exc)})")


def _first_line(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


@click.group()
def baseline() -> None:
    """Record the findings known today, so that --baseline fails only on new ones."""


@baseline.command("create")
@click.argument("targets", nargs=-1)
@click.option(
    "--inventory",
    "inventories",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Take the findings of a saved JSON inventory (repeatable) instead of scanning.",
)
@click.option("--exclude", multiple=True, help="Glob of paths to skip while scanning.")
@click.option(
    "--output",
    default="qscan-baseline.json",
    show_default=True,
    help="Baseline file to write; '-' is stdout.",
)
@policy_option
@quiet_option
@verbose_option
def baseline_create(
    targets: tuple[str, ...],
    inventories: tuple[Path, ...],
    exclude: tuple[str, ...],
    output: str,
    policy: str,
    quiet: bool,
    verbose: bool,
) -> None:
    """Write the fingerprints of every finding of TARGETS (or of --inventory files)."""
    if not targets and not inventories:
        fail("give targets to scan or --inventory files")
    check_output(output)
    _check_policy(policy)
    combined = Inventory(policy=policy, tool={"name": "qscan", "version": __version__})
    for path in inventories:
        inv = _load_inventory(path)
        combined.findings += inv.findings
        combined.scanned_at = max(combined.scanned_at, inv.scanned_at)
    if targets:
        try:
            parsed = [parse_target(t) for t in targets]
        except TargetError as exc:
            fail(str(exc))
        require_paths(parsed)
        options = ScanOptions(excludes=exclude, progress=Progress(verbose, quiet))
        scanned = run_scan(parsed, options, policy)
        combined.findings += scanned.findings
        combined.scanned_at = max(combined.scanned_at, scanned.scanned_at)
    write_output(dump_baseline(combined), output)
    if output != "-":
        count = plural(len(combined.findings), "finding", "findings")
        click.echo(f"qscan: baseline of {count} written to {output}", err=True)


COMMANDS = (scan, report, baseline)
