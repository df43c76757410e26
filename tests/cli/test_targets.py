"""Targets mean what they say: a missing path is a usage error, a target that cannot be
read is an error record and a non-zero exit, and every file is read once however the
targets overlap."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from qscan.cli import main
from qscan.targets import arrange, parse_target
from tests.inventories.conftest import make_cert


def test_arrange_drops_repeats_and_leaves_inner_targets_out_of_outer_walks(tmp_path):
    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    (tmp_path / "a" / "x.pem").write_text("")
    raw = [
        str(tmp_path / "a"),
        str(tmp_path / "a" / "b" / "c"),
        str(tmp_path / "a" / ".." / "a"),
        str(tmp_path / "a" / "x.pem"),
        "example.org:443",
    ]
    arranged = arrange([parse_target(r) for r in raw])
    assert [t.raw for t in arranged.targets] == [raw[0], raw[1], raw[3], raw[4]]
    assert arranged.targets[0].covered == ("b/c", "x.pem")
    assert arranged.targets[1].covered == () and arranged.targets[3].covered == ()
    changes = [(t.raw, kind) for t, kind, _, _ in arranged.changes]
    assert changes == [
        (raw[2], "duplicate-target"),
        (raw[1], "nested-target"),
        (raw[3], "nested-target"),
    ]


def test_a_folder_and_a_file_inside_it_are_each_scanned_once(tmp_path):
    make_cert(tmp_path / "pki" / "leaf.pem", days=30, name="leaf")
    make_cert(tmp_path / "pki" / "keystore" / "ca.pem", days=3650, ca=True, name="ca")
    inner = tmp_path / "pki" / "keystore" / "ca.pem"
    result = CliRunner().invoke(
        main, ["scan", str(tmp_path / "pki"), str(inner), "--format", "json", "-q"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    where = sorted((f["location"]["target"], f["location"]["path"]) for f in doc["findings"])
    assert where == sorted([(str(tmp_path / "pki"), "leaf.pem")] * 2 + [(str(inner), "ca.pem")] * 2)
    assert [(n["target"], n["kind"]) for n in doc["notes"]] == [(str(inner), "nested-target")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_target_that_is_no_regular_file_is_an_error_and_exit_3(tmp_path):
    fifo = tmp_path / "pipe.pem"
    os.mkfifo(fifo)
    result = CliRunner().invoke(main, ["scan", str(fifo), "--format", "json", "-q"])
    assert result.exit_code == 3
    (error,) = json.loads(result.stdout)["errors"]
    assert error["kind"] == "target-unreadable"
    assert f"target {fifo} was not scanned (target-unreadable" in result.stderr


def test_an_unreadable_folder_is_an_error_and_exit_3(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads it anyway: let the folder refuse to list
        real_scandir = os.scandir

        def refuse(path):
            if os.fspath(path) == str(locked):
                raise PermissionError(13, "Permission denied", str(locked))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", refuse)
    try:
        result = CliRunner().invoke(main, ["scan", str(locked), "--format", "json", "-q"])
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 3, result.output
    errors = json.loads(result.stdout)["errors"]
    assert [(e["kind"], e["message"]) for e in errors] == [
        ("target-unreadable", "Permission denied")
    ]


def test_a_dangling_target_from_a_list_is_an_error_record_and_exit_3(tmp_path):
    (tmp_path / "loop").symlink_to("loop")
    listed = tmp_path / "targets.txt"
    listed.write_text(f"{tmp_path / 'loop'}\n")
    result = CliRunner().invoke(main, ["scan", "--targets-file", str(listed), "--format", "json"])
    assert result.exit_code == 3
    assert [e["kind"] for e in json.loads(result.stdout)["errors"]] == ["target-unreadable"]


def test_notes_never_make_a_strict_scan_fail(tmp_path):
    (tmp_path / "README.md").write_text(
        "Example:\n\n-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n"
    )
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--strict", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["errors"] == [] and [n["kind"] for n in doc["notes"]] == ["corrupt-pem"]


def test_duplicate_targets_are_scanned_once(tmp_path):
    make_cert(tmp_path / "a.pem", days=30, name="a")
    result = CliRunner().invoke(
        main, ["scan", str(tmp_path), f"{tmp_path}/", "--format", "json", "-q"]
    )
    doc = json.loads(result.stdout)
    assert len(doc["findings"]) == 2 and doc["notes"][0]["kind"] == "duplicate-target"
    assert doc["targets"] == [str(tmp_path), f"{tmp_path}/"]
    assert Path(doc["notes"][0]["path"]) == Path(f"{tmp_path}/")
