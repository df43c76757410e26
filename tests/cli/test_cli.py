import json

import pytest
from click.testing import CliRunner

from qscan.assess.engine import assess
from qscan.cli import main
from qscan.model import Finding, Inventory, Location, ScanError


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def saved_inventory(tmp_path):
    inv = Inventory(
        findings=[
            Finding(
                algorithm="RSA",
                function="signature",
                asset="certificate",
                location=Location(
                    target="certs", path="leaf.pem", line=1, component="certificate public key"
                ),
                params={"bits": 2048},
                context={"subject": 'CN=<script>alert("x")</script>'},
            ),
            Finding(
                algorithm="ECDH",
                function="key-exchange",
                asset="protocol",
                location=Location(
                    target="h:443",
                    host="h",
                    port=443,
                    service="tls",
                    component="tls1.3 supported group",
                ),
                params={"curve": "P-256"},
            ),
        ],
        errors=[
            ScanError(target="h2:443", kind="timeout", message="no answer", host="h2", port=443)
        ],
        targets=["certs", "h:443", "h2:443"],
        scanned_at="2026-11-29T00:00:00+00:00",
        tool={"name": "qscan", "version": "test"},
    )
    path = tmp_path / "inv.json"
    path.write_text(json.dumps(assess(inv).to_dict()))
    return path


def test_version_and_help(runner):
    assert runner.invoke(main, ["--version"]).output.startswith("qscan, version")
    out = runner.invoke(main, ["scan", "--help"]).output
    assert "Examples:" in out and "Exit codes" in out


def test_rules_list_and_show(runner):
    out = runner.invoke(main, ["rules", "list"]).output
    assert "QS101" in out and "QS205" in out
    shown = runner.invoke(main, ["rules", "show", "qs205"])
    assert shown.exit_code == 0 and "Why" in shown.output and "Fix" in shown.output
    assert runner.invoke(main, ["rules", "show", "QS999"]).exit_code == 2
    variants = runner.invoke(main, ["rules", "show", "QS420"]).output
    assert 'Fix when {"context": {"openssh_pq_kex": "mlkem768x25519-sha256"}}' in variants
    data = json.loads(runner.invoke(main, ["rules", "list", "--format", "json"]).output)
    assert {"id", "severity", "title"} <= data[0].keys()
    assert "cnsa-2.0" in runner.invoke(main, ["rules", "policies"]).output


@pytest.mark.parametrize(
    "args",
    [
        ["scan"],
        ["scan", "gopher://h:70"],
        ["scan", ".", "--policy", "no-such-policy"],
        ["scan", ".", "--format", "json", "--format", "html"],
        ["scan", ".", "--format", "json", "--output", "-", "--format", "html", "--output", "-"],
    ],
)
def test_usage_errors_exit_2(runner, args):
    result = runner.invoke(main, args)
    assert result.exit_code == 2, result.output


def test_scan_writes_schema_valid_json_and_records_errors(runner, tmp_path, validate_inventory):
    (tmp_path / "empty-dir").mkdir()
    listed = tmp_path / "targets.txt"
    listed.write_text(f"{tmp_path / 'missing'}\n")
    args = ["scan", str(tmp_path / "empty-dir"), "--targets-file", str(listed)]
    result = runner.invoke(main, [*args, "--format", "json", "--output", "-"])
    # a listed target that does not exist: an error record, the scan goes on, exit 3
    assert result.exit_code == 3, result.output
    doc = json.loads(result.stdout)
    validate_inventory(doc)
    assert [e["kind"] for e in doc["errors"]] == ["not-found"]
    assert doc["notes"] == []
    assert "was not scanned (not-found" in runner.invoke(main, [*args, "-q"]).stderr


@pytest.mark.parametrize("missing", ["./does-not-exist", "no/such/folder", "/no/such/file.pem"])
def test_a_missing_path_on_the_command_line_is_a_usage_error(runner, tmp_path, missing):
    result = runner.invoke(main, ["scan", str(tmp_path), missing, "--fail-on", "low"])
    assert result.exit_code == 2
    assert f"no such file or directory: {missing}" in result.stderr
    assert "quantum-ready" not in result.output
    create = runner.invoke(main, ["baseline", "create", missing, "--output", "-"])
    assert create.exit_code == 2


def test_several_outputs(runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        main,
        [
            "scan",
            str(tmp_path),
            "--format",
            "json",
            "--output",
            str(out / "i.json"),
            "--format",
            "html",
            "--output",
            str(out / "r.html"),
            "--format",
            "text",
            "--output",
            "-",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (out / "i.json").exists() and (out / "r.html").exists()
    assert "findings:" in result.output


def test_report_rerenders_and_escapes(runner, saved_inventory, tmp_path, validate_inventory):
    html = tmp_path / "r.html"
    result = runner.invoke(
        main, ["report", str(saved_inventory), "--format", "html", "--output", str(html)]
    )
    assert result.exit_code == 0, result.output
    text = html.read_text()
    assert "<script>alert" not in text and "&lt;script&gt;" in text
    again = runner.invoke(
        main,
        [
            "report",
            str(saved_inventory),
            "--format",
            "json",
            "--output",
            "-",
            "--policy",
            "cnsa-2.0",
        ],
    )
    doc = json.loads(again.output)
    validate_inventory(doc)
    assert doc["policy"] == "cnsa-2.0"
    assert {f["verdict"]["deadline"] for f in doc["findings"]} == {"2033-12-31"}


def test_fail_on_exit_code(runner, saved_inventory):
    assert (
        runner.invoke(
            main, ["report", str(saved_inventory), "--fail-on", "high", "--format", "text"]
        ).exit_code
        == 1
    )
    assert (
        runner.invoke(
            main, ["report", str(saved_inventory), "--fail-on", "critical", "--format", "text"]
        ).exit_code
        == 0
    )


def test_report_rejects_non_inventory(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    assert runner.invoke(main, ["report", str(bad)]).exit_code == 2


def test_text_output_neutralises_control_characters(runner, tmp_path):
    inv = Inventory(
        findings=[
            Finding(
                algorithm="RSA",
                function="signature",
                asset="certificate",
                location=Location(target="t", path="evil\x1b[2Jname.pem"),
                params={"bits": 1024},
            )
        ],
        scanned_at="2026-11-29T00:00:00+00:00",
    )
    path = tmp_path / "i.json"
    path.write_text(json.dumps(assess(inv).to_dict()))
    out = runner.invoke(main, ["report", str(path), "--format", "text"]).output
    assert "\x1b" not in out


def test_every_command_is_listed_with_its_module_and_loaded_only_when_used():
    import subprocess
    import sys
    from importlib import import_module

    from qscan.cli import FAMILIES

    for family in set(FAMILIES.values()):
        for command in import_module(f"qscan.cli.{family}").COMMANDS:
            assert FAMILIES[command.name] == family
    assert sorted(FAMILIES) == main.list_commands(None)
    probe = (
        "import sys; from qscan.cli import main; main.get_command(None, 'scan'); "
        "print('qscan.cli.inventories' in sys.modules, 'jinja2' in sys.modules)"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert loaded.stdout.split() == ["False", "False"]


def test_help_lists_every_command(runner):
    from qscan.cli import FAMILIES

    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    assert all(f"  {name} " in result.output for name in FAMILIES)
    assert runner.invoke(main, ["no-such-command"]).exit_code == 2
