"""Every format through `qscan report`, several outputs in one run, gate recorded in each."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from qscan.cli import main
from qscan.render import RENDERERS


def test_report_every_format(tmp_path: Path, plain_inventory):
    saved = tmp_path / "inv.json"
    saved.write_text(json.dumps(plain_inventory.to_dict()), encoding="utf-8")
    args = ["report", str(saved), "--lang", "nl", "--fail-on", "critical"]
    outputs = {}
    for fmt in sorted(RENDERERS):
        outputs[fmt] = tmp_path / f"out.{fmt}"
        args += ["--format", fmt, "--output", str(outputs[fmt])]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 1
    assert {"cbom", "csv", "html", "json", "md", "sarif", "text"} <= set(RENDERERS)
    assert json.loads(outputs["json"].read_text())["gate"]["exit_code"] == 1
    assert "laten de controle falen" in outputs["html"].read_text()
    assert json.loads(outputs["cbom"].read_text())["specVersion"] == "1.6"
    assert json.loads(outputs["sarif"].read_text())["version"] == "2.1.0"
    assert outputs["csv"].read_text().startswith("fingerprint,")
    assert "CI-controle" in outputs["md"].read_text()


def test_json_output_to_a_file_and_to_stdout_is_the_inventory(tmp_path: Path, plain_inventory):
    saved = tmp_path / "inv.json"
    saved.write_text(plain_inventory.to_json(), encoding="utf-8")
    written = tmp_path / "again.json"
    runner = CliRunner()
    to_file = runner.invoke(
        main, ["report", str(saved), "--format", "json", "--output", str(written)]
    )
    to_stdout = runner.invoke(main, ["report", str(saved), "--format", "json", "--output", "-"])
    assert to_file.exit_code == to_stdout.exit_code == 0
    assert written.read_text(encoding="utf-8") == to_stdout.output
    assert json.loads(to_stdout.output)["findings"] == json.loads(saved.read_text())["findings"]
