"""The walker and PathScanner: bad input becomes error records, the scan goes on."""

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from qscan.model import Finding, Location, ScanError, ScanNote
from qscan.scan import files
from qscan.scan.files import PathScanner
from qscan.scan.interface import FileAnalyzer, FileContext, Record, ScanOptions
from qscan.targets import parse_target


class MarkerAnalyzer(FileAnalyzer):
    """Reports one finding per file that starts with MARK (one per line with MANY); raises
    on BOOM; never ends on LOOP (however hard it tries to swallow exceptions)."""

    name = "marker"

    def wants(self, path: Path, head: bytes) -> bool:
        return head.startswith((b"MARK", b"BOOM", b"LOOP", b"MANY"))

    def analyze(self, data: bytes, ctx: FileContext) -> Iterator[Record]:
        if data.startswith(b"BOOM"):
            raise ValueError("analyzer exploded")
        if data.startswith(b"LOOP"):
            while True:
                try:
                    time.sleep(0.01)
                except Exception:
                    continue
        for line in range(data.count(b"\n") if data.startswith(b"MANY") else 1):
            yield Finding(
                algorithm="RSA",
                function="signature",
                asset="key",
                location=Location(target=ctx.target, path=ctx.relpath, line=line + 1),
            )


def run(path: Path, **opts):
    scanner = PathScanner([MarkerAnalyzer()])
    records = list(scanner.scan(parse_target(str(path)), ScanOptions(**opts)))
    return (
        [r for r in records if isinstance(r, Finding)],
        [r for r in records if isinstance(r, ScanError)],
    )


def test_walk_finds_nested_files_with_relative_paths(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "one").write_bytes(b"MARK")
    (tmp_path / "two").write_bytes(b"MARK")
    (tmp_path / "other").write_bytes(b"nothing")
    findings, errors = run(tmp_path)
    assert sorted(f.location.path for f in findings) == ["a/b/one", "two"]
    assert errors == []


def test_symlink_loop_is_recorded_and_scan_completes(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "loop").symlink_to(tmp_path)
    (tmp_path / "d" / "f").write_bytes(b"MARK")
    findings, errors = run(tmp_path)
    assert [f.location.path for f in findings] == ["d/f"]
    assert any(e.kind == "symlink-loop" for e in errors)


def test_self_referencing_symlink(tmp_path):
    (tmp_path / "self").symlink_to(tmp_path / "self")
    (tmp_path / "f").write_bytes(b"MARK")
    findings, errors = run(tmp_path)
    assert len(findings) == 1
    assert [e.kind for e in errors] == ["symlink-loop"]


def test_too_large_and_empty_files(tmp_path):
    (tmp_path / "big").write_bytes(b"MARK" + b"x" * 100)
    (tmp_path / "empty").write_bytes(b"")
    findings, errors = run(tmp_path, max_file_size=50)
    assert findings == []
    assert [(e.kind, e.path) for e in errors] == [("too-large", "big")]
    _, errors = run(tmp_path / "empty")
    assert [e.kind for e in errors] == ["empty"]


def test_non_utf8_file_name(tmp_path):
    raw = os.fsencode(str(tmp_path)) + b"/caf\xe9"
    with open(raw, "wb") as fh:
        fh.write(b"MARK")
    findings, _ = run(tmp_path)
    assert len(findings) == 1
    assert findings[0].location.path == "caf\ufffd"
    findings[0].location.path.encode("utf-8")


def test_analyzer_crash_becomes_error_and_other_files_scan(tmp_path):
    (tmp_path / "bad").write_bytes(b"BOOM")
    (tmp_path / "good").write_bytes(b"MARK")
    findings, errors = run(tmp_path)
    assert [f.location.path for f in findings] == ["good"]
    assert [(e.kind, e.path) for e in errors] == [("analyzer-error", "bad")]


def test_unreadable_directory_is_recorded(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "f").write_bytes(b"MARK")
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    findings, errors = run(tmp_path)
    assert len(findings) == 1
    assert [(e.kind, e.path) for e in errors] == [("unreadable", "locked")]


def test_missing_target(tmp_path):
    _, errors = run(tmp_path / "nope")
    assert [e.kind for e in errors] == ["not-found"]


def test_excludes(tmp_path):
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "x").write_bytes(b"MARK")
    (tmp_path / "y").write_bytes(b"MARK")
    findings, _ = run(tmp_path, excludes=("vendor",))
    assert [f.location.path for f in findings] == ["y"]


def test_file_over_its_budget_is_a_timeout_and_the_scan_goes_on(tmp_path):
    (tmp_path / "a-loop").write_bytes(b"LOOP")
    (tmp_path / "b-good").write_bytes(b"MARK")
    started = time.monotonic()
    findings, errors = run(tmp_path, file_timeout=0.3, workers=1)
    assert time.monotonic() - started < 5
    assert [f.location.path for f in findings] == ["b-good"]
    assert [(e.kind, e.path) for e in errors] == [("timeout", "a-loop")]
    assert "--file-timeout" in errors[0].message


def test_budget_in_workers_and_for_one_file_leaves_sigalrm_as_it_was(tmp_path):
    for n in range(files.SMALL_TREE + 50):
        (tmp_path / f"f{n:03}").write_bytes(b"MARK")
    (tmp_path / "f100").write_bytes(b"LOOP")
    before = signal.getsignal(signal.SIGALRM)
    findings, errors = run(tmp_path, file_timeout=0.3, workers=2)
    assert len(findings) == files.SMALL_TREE + 49
    assert [(e.kind, e.path) for e in errors] == [("timeout", "f100")]
    findings, errors = run(tmp_path / "f100", file_timeout=0.3)
    assert [e.kind for e in errors] == ["timeout"]
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_records_of_one_file_are_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_RECORDS_PER_FILE", 5)
    (tmp_path / "many").write_bytes(b"MANY" + b"\n" * 50)
    findings, errors = run(tmp_path)
    assert len(findings) == 5
    assert [e.kind for e in errors] == ["too-many-records"]


def test_budget_ends_a_file_read_off_the_main_thread(tmp_path):
    """`scan_async` reads files in a thread, where no timer signal arrives: its files go to
    worker processes, whose budget ends a file that never would, in a tree and alone."""
    (tmp_path / "a-loop").write_bytes(b"LOOP")
    (tmp_path / "b-good").write_bytes(b"MARK")
    outcome: dict[str, tuple] = {}

    def scan_both() -> None:
        outcome["tree"] = run(tmp_path, file_timeout=0.3, workers=1)
        outcome["file"] = run(tmp_path / "a-loop", file_timeout=0.3)

    started = time.monotonic()
    thread = threading.Thread(target=scan_both, daemon=True)
    thread.start()
    thread.join(timeout=20)
    assert not thread.is_alive(), "a file off the main thread ran past its budget"
    assert time.monotonic() - started < 20
    findings, errors = outcome["tree"]
    assert [f.location.path for f in findings] == ["b-good"]
    assert [(e.kind, e.path) for e in errors] == [("timeout", "a-loop")]
    findings, errors = outcome["file"]
    assert [e.kind for e in errors] == ["timeout"]


def test_a_dangling_link_in_a_folder_is_a_note_and_named_alone_an_error(tmp_path):
    """Debian's /etc/modules-load.d/modules.conf points to ../modules, which a container may
    not have: nothing is missed, so a folder scan notes it; named as the target, it is the
    target that cannot be read."""
    (tmp_path / "good").write_bytes(b"MARK")
    (tmp_path / "modules.conf").symlink_to("../modules")
    scanner = PathScanner([MarkerAnalyzer()])
    records = list(scanner.scan(parse_target(str(tmp_path)), ScanOptions(workers=1)))
    notes = [r for r in records if isinstance(r, ScanNote)]
    assert [(n.kind, n.path) for n in notes] == [("dangling-link", "modules.conf")]
    assert "../modules" in notes[0].message
    assert not [r for r in records if type(r) is ScanError]
    assert [r.location.path for r in records if isinstance(r, Finding)] == ["good"]
    _, errors = run(tmp_path / "modules.conf")
    assert errors and errors[0].kind in ("dangling-link", "target-unreadable")
    assert not isinstance(errors[0], ScanNote)
