"""The CI gate: thresholds, status conditions, baselines and waivers, through the CLI too."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qscan.assess.baseline import Baseline, BaselineError, dump_baseline, load_baseline
from qscan.assess.engine import assess
from qscan.assess.gate import (
    EXIT_FINDINGS,
    EXIT_INCOMPLETE,
    EXIT_OK,
    GateConfig,
    GateConfigError,
    StatusCondition,
    apply_gate,
    build_config,
    evaluate,
)
from qscan.assess.waivers import WaiverError, glob_regex, parse_waivers
from qscan.cli import main
from qscan.model import Finding, Inventory, Location

TODAY = dt.date(2026, 11, 20)


def _code_finding(path: str, line: int, algorithm: str = "MD5") -> Finding:
    return Finding(
        algorithm=algorithm,
        function="hash",
        asset="algorithm",
        location=Location(target="repo", component="java MessageDigest", path=path, line=line),
        evidence=f'MessageDigest.getInstance("{algorithm}")',
        identity=f'MessageDigest.getInstance("{algorithm}")',
    )


def _inv(*findings: Finding) -> Inventory:
    return assess(Inventory(findings=list(findings), scanned_at="2026-11-20T10:00:00+00:00"))


def test_fail_on_severity_threshold(plain_inventory):
    assert evaluate(plain_inventory, GateConfig(fail_on="critical")).exit_code == EXIT_FINDINGS
    low_only = _inv(
        Finding(
            algorithm="Ed25519",
            function="signature",
            asset="key",
            location=Location(target="t", component="ssh host key", host="h", port=22),
        )
    )
    assert evaluate(low_only, GateConfig(fail_on="medium")).exit_code == EXIT_OK
    assert evaluate(low_only, GateConfig(fail_on="low")).exit_code == EXIT_FINDINGS
    assert evaluate(low_only, GateConfig()).exit_code == EXIT_OK


def test_fail_on_status_limited_to_a_function(plain_inventory):
    kex = StatusCondition.parse("quantum-vulnerable:key-exchange")
    result = evaluate(plain_inventory, GateConfig(fail_on_status=(kex,)))
    assert result.exit_code == EXIT_FINDINGS
    assert {f.algorithm for f in result.failing} == {"X25519", "ECDH"}
    assert all(f.function == "key-exchange" for f in result.failing)
    only_sig = _inv(
        Finding(
            algorithm="Ed25519",
            function="signature",
            asset="key",
            location=Location(target="t", component="ssh host key", host="h", port=22),
        )
    )
    assert evaluate(only_sig, GateConfig(fail_on_status=(kex,))).exit_code == EXIT_OK
    broad = StatusCondition.parse("quantum-vulnerable")
    assert evaluate(only_sig, GateConfig(fail_on_status=(broad,))).exit_code == EXIT_FINDINGS


@pytest.mark.parametrize("bad", ["quantum-broken", "quantum-vulnerable:signing", ""])
def test_bad_status_condition(bad):
    with pytest.raises(GateConfigError):
        StatusCondition.parse(bad)


def test_baseline_new_finding_fails_moved_code_does_not(tmp_path):
    before = _inv(_code_finding("src/a.java", 10))
    path = tmp_path / "qscan-baseline.json"
    path.write_text(dump_baseline(before), encoding="utf-8")
    baseline = load_baseline(path)
    assert len(baseline) == 1

    moved = _inv(_code_finding("src/a.java", 250))
    result = evaluate(moved, GateConfig(fail_on="high", baseline=baseline))
    assert result.exit_code == EXIT_OK
    assert result.known == 1 and result.new == []

    grown = _inv(_code_finding("src/a.java", 250), _code_finding("src/b.java", 3, "SHA-1"))
    result = evaluate(grown, GateConfig(fail_on="high", baseline=baseline))
    assert result.exit_code == EXIT_FINDINGS
    assert [f.location.path for f in result.failing] == ["src/b.java"]
    assert [f.location.path for f in result.new] == ["src/b.java"]


def test_baseline_file_is_stable_and_readable(tmp_path, plain_inventory):
    doc = json.loads(dump_baseline(plain_inventory))
    assert doc["schema"] == "qscan/baseline@1"
    assert list(doc["fingerprints"]) == sorted(doc["fingerprints"])
    entry = doc["fingerprints"][plain_inventory.findings[-2].fingerprint]
    assert "line" not in json.dumps(entry) and entry["rule"] == "QS302"
    # an earlier inventory works as a baseline too
    inv_path = tmp_path / "inv.json"
    inv_path.write_text(json.dumps(plain_inventory.to_dict()), encoding="utf-8")
    assert len(load_baseline(inv_path)) == len(plain_inventory.findings)
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "other"}', encoding="utf-8")
    with pytest.raises(BaselineError):
        load_baseline(bad)


def _waivers(text: str):
    import yaml

    return parse_waivers(yaml.safe_load(text))


def test_waiver_by_rule_and_path_glob():
    inv = _inv(_code_finding("vendor/lib/x/a.java", 1), _code_finding("src/a.java", 1))
    waivers = _waivers(
        """
waivers:
  - rule: qs302
    path: "vendor/**"
    justification: vendored, replaced with the next upgrade
    owner: team-a
    expires: 2027-01-31
"""
    )
    result = evaluate(inv, GateConfig(fail_on="high", waivers=waivers, today=TODAY))
    assert [f.location.path for f in result.failing] == ["src/a.java"]
    assert list(result.waived.values())[0].owner == "team-a"
    assert result.unused == []


def test_waiver_by_fingerprint_and_endpoint(plain_inventory):
    x25519 = next(f for f in plain_inventory.findings if f.algorithm == "X25519")
    waivers = _waivers(
        f"""
- fingerprint: {x25519.fingerprint}
  justification: hybrid group rolled out in Q1
  owner: team-web
  expires: 2027-03-31
- endpoint: "legacy.*:443"
  rule: QS101
  justification: CRM is decommissioned in 2027
  owner: team-crm
  expires: "2027-06-30"
"""
    )
    kex = StatusCondition.parse("quantum-vulnerable:key-exchange")
    result = evaluate(
        plain_inventory, GateConfig(fail_on_status=(kex,), waivers=waivers, today=TODAY)
    )
    assert result.exit_code == EXIT_OK
    assert len(result.waived) == 2


def test_expired_waiver_stops_applying_and_is_reported(plain_inventory):
    waivers = _waivers(
        """
- rule: QS500
  justification: test key, to be removed
  owner: team-web
  expires: 2026-11-19
- rule: QS999
  justification: never matches
  owner: nobody
  expires: 2030-01-01
"""
    )
    # valid the day it expires
    on_the_day = evaluate(
        plain_inventory,
        GateConfig(
            fail_on_status=(StatusCondition.parse("classically-broken:key-storage"),),
            waivers=waivers,
            today=dt.date(2026, 11, 19),
        ),
    )
    assert on_the_day.exit_code == EXIT_OK
    result = apply_gate(
        plain_inventory,
        GateConfig(
            fail_on_status=(StatusCondition.parse("classically-broken:key-storage"),),
            waivers=waivers,
            today=TODAY,
        ),
    )
    assert result.exit_code == EXIT_FINDINGS
    assert [w.index for w in result.expired_waivers()] == [1]
    assert result.expired[1] == 1
    assert [w.index for w in result.unused] == [2]
    messages = result.messages()
    assert "has expired" in messages[0] and "matched no finding" in messages[1]
    gate = plain_inventory.extra["gate"]
    assert gate["expired_waivers"][0]["owner"] == "team-web"
    assert gate["exit_code"] == 1 and gate["unused_waivers"] == [2]


@pytest.mark.parametrize(
    "text, message",
    [
        ("- rule: QS101\n  owner: a\n  expires: 2027-01-01\n", "missing justification"),
        ("- justification: x\n  owner: a\n  expires: 2027-01-01\n", "at least one of"),
        ("- rule: QS1\n  justification: x\n  owner: a\n  expires: soon\n", "must be a date"),
        ("- rule: QS1\n  justification: x\n  owner: a\n  expiry: 2027-01-01\n", "unknown keys"),
        ("waivers: 3\n", "expected a list"),
    ],
)
def test_malformed_waivers(text, message):
    with pytest.raises(WaiverError, match=message):
        _waivers(text)


def test_glob():
    assert glob_regex("vendor/**").match("vendor/a/b.c")
    assert glob_regex("**/test_*.py").match("test_x.py")
    assert glob_regex("**/test_*.py").match("a/b/test_x.py")
    assert not glob_regex("src/*.py").match("src/a/b.py")
    assert glob_regex("src/?.py").match("src/a.py")


def test_strict_exit_code_for_errors(plain_inventory):
    assert evaluate(plain_inventory, GateConfig(strict=True)).exit_code == EXIT_INCOMPLETE
    assert evaluate(plain_inventory, GateConfig(strict=True, fail_on="high")).exit_code == 1


def test_build_config_errors(tmp_path):
    with pytest.raises(GateConfigError, match="cannot read"):
        build_config(baseline=tmp_path / "missing.json")
    bad = tmp_path / "w.yaml"
    bad.write_text("- [unclosed", encoding="utf-8")
    with pytest.raises(GateConfigError, match="not valid YAML"):
        build_config(waivers=bad)


# --- through the command line -------------------------------------------------------


@pytest.fixture
def saved(tmp_path: Path, plain_inventory) -> Path:
    path = tmp_path / "inv.json"
    path.write_text(json.dumps(plain_inventory.to_dict()), encoding="utf-8")
    return path


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_exit_codes(saved, tmp_path):
    out = str(tmp_path / "o.json")
    assert _run("report", str(saved), "--format", "json", "--output", out).exit_code == 0
    assert (
        _run(
            "report", str(saved), "--format", "json", "--output", out, "--fail-on", "critical"
        ).exit_code
        == 1
    )
    result = _run(
        "report", str(saved), "--format", "json", "--output", out, "--fail-on-status", "hybrid:kex"
    )
    assert result.exit_code == 2 and "unknown function" in result.output
    result = _run(
        "report",
        str(saved),
        "--format",
        "json",
        "--output",
        out,
        "--baseline",
        str(tmp_path / "none.json"),
    )
    assert result.exit_code == 2


def test_cli_baseline_create_then_gate(saved, tmp_path):
    baseline = tmp_path / "qscan-baseline.json"
    result = _run("baseline", "create", "--inventory", str(saved), "--output", str(baseline))
    assert result.exit_code == 0, result.output
    out = str(tmp_path / "o.json")
    result = _run(
        "report",
        str(saved),
        "--format",
        "json",
        "--output",
        out,
        "--fail-on",
        "low",
        "--baseline",
        str(baseline),
    )
    assert result.exit_code == 0
    written = json.loads(Path(out).read_text(encoding="utf-8"))
    assert written["gate"]["baseline"]["known"] == 16 and written["gate"]["baseline"]["new"] == []


def test_cli_expired_waiver_fails_with_warning(saved, tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - path: '**'\n    justification: all accepted\n    owner: ciso\n    expires: 2020-01-01\n",
        encoding="utf-8",
    )
    args = ("report", str(saved), "--format", "json", "--output", str(tmp_path / "o.json"))
    gate = ("--fail-on", "critical", "--waivers", str(waivers))
    result = _run(*args, *gate)
    assert result.exit_code == 1
    assert "waiver #1" in result.output and "has expired" in result.output
    waivers.write_text(waivers.read_text().replace("2020-01-01", "2099-01-01"), encoding="utf-8")
    result = _run(*args, *gate)
    # every critical finding of the sample is in a file, so a valid "**" waiver covers them
    assert result.exit_code == 0, result.output


def test_inventory_with_gate_still_matches_the_schema(
    plain_inventory, validate_inventory, tmp_path
):
    waivers = parse_waivers(
        [{"rule": "QS500", "justification": "x", "owner": "o", "expires": "2020-01-01"}]
    )
    path = tmp_path / "b.json"
    path.write_text(dump_baseline(plain_inventory), encoding="utf-8")
    apply_gate(
        plain_inventory,
        GateConfig(fail_on="high", baseline=load_baseline(path), waivers=waivers, today=TODAY),
    )
    doc = json.loads(json.dumps(plain_inventory.to_dict()))
    validate_inventory(doc)
    assert Inventory.from_dict(doc).extra["gate"]["fail_on"] == "high"


def test_waivers_apply_to_baseline_findings_too():
    """An accepted risk stays accepted when it is also in the baseline: it is waived (SARIF
    suppressions, the HTML flag, the Markdown count) and the waiver is not "unused"."""
    old = _code_finding("vendor/lib/a.java", 1)
    new = _code_finding("src/a.java", 2, algorithm="SHA-1")
    inv = _inv(old, new)
    waivers = _waivers(
        """
- path: "vendor/**"
  justification: vendored, replaced with the next upgrade
  owner: team-a
  expires: 2027-01-31
"""
    )
    config = GateConfig(
        fail_on="high",
        baseline=Baseline(frozenset({old.fingerprint})),
        waivers=waivers,
        today=TODAY,
    )
    result = apply_gate(inv, config)
    assert set(result.waived) == {old.fingerprint}
    assert result.known == 1 and [f.fingerprint for f in result.new] == [new.fingerprint]
    assert result.unused == [] and result.messages() == []
    gate = inv.extra["gate"]
    assert gate["waived"] == {old.fingerprint: 1}
    from qscan.render import RENDERERS, RenderOptions
    from qscan.render.view import build_view

    assert build_view(inv).gate.flags[old.fingerprint] == "waived"
    assert "1 finding is waived" in RENDERERS["md"](inv, RenderOptions())
    assert "1 bevinding valt onder een ontheffing" in RENDERERS["md"](inv, RenderOptions("nl"))


def test_failing_gate_says_why_on_stderr(saved, tmp_path):
    """Outputs go to files, so the CI log shows only stderr: the reason, counts by rule and
    the first locations, with correct plurals."""
    out = str(tmp_path / "o.json")
    result = CliRunner().invoke(
        main, ["report", str(saved), "--format", "json", "--output", out, "--fail-on", "high"]
    )
    assert result.exit_code == 1
    stderr = result.stderr
    lines = [line.removeprefix("qscan: ") for line in stderr.splitlines()]
    failing = json.loads(Path(out).read_text())["gate"]["failing"]
    count = len(failing)
    assert lines[0].startswith(f"gate failed: {count} findings fail (severity high or above)")
    rule_lines = [line for line in lines if line.startswith("  QS") and "×" in line]
    assert sum(int(line.split("×")[1].split()[0]) for line in rule_lines) == count
    where = lines.index("first locations:")
    located = lines[where + 1 : where + 6]
    assert len(located) == min(5, count)
    assert all(line.startswith("  QS") for line in located)
    assert "  QS500 keys/id_rsa:1 (PEM private key)" in located
    assert count == 6 and lines[where + 6] == "  … and 1 more finding (see the reports)"


def test_one_failing_finding_is_singular(tmp_path):
    inv = _inv(_code_finding("src/a.java", 7))
    path = tmp_path / "inv.json"
    path.write_text(json.dumps(inv.to_dict()), encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "report",
            str(path),
            "--format",
            "json",
            "--output",
            str(tmp_path / "o.json"),
            "--fail-on",
            "high",
        ],
    )
    assert result.exit_code == 1
    assert "qscan: gate failed: 1 finding fails (severity high or above)\n" in result.stderr
    assert "qscan: location:\nqscan:   QS302 repo: src/a.java:7 (java MessageDigest)\n" in (
        result.stderr
    )
