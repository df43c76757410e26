"""The repository walker: git-aware listing, .gitignore, --exclude, vendored folders,
symlink safety, parallel scanning in order, streaming with bounded work in flight."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from qscan.model import Finding, Location, ScanError, ScanNote
from qscan.scan import files
from qscan.scan.files import PathScanner
from qscan.scan.interface import FileAnalyzer, FileContext, Record, ScanOptions
from qscan.scan.walk import Excludes, FileEntry, walk
from qscan.targets import parse_target


class Marker(FileAnalyzer):
    """One finding per file starting with MARK."""

    name = "marker"

    def wants(self, path: Path, head: bytes) -> bool:
        return head.startswith(b"MARK")

    def analyze(self, data: bytes, ctx: FileContext) -> Iterator[Record]:
        yield Finding(
            algorithm="RSA",
            function="signature",
            asset="key",
            location=Location(target=ctx.target, path=ctx.relpath, line=1),
            identity=ctx.relpath,
        )


class ExitInWorker(Marker):
    """Kills the worker process that reads `die`: the scan must still finish."""

    def __init__(self, parent: int) -> None:
        self.parent = parent

    def analyze(self, data: bytes, ctx: FileContext) -> Iterator[Record]:
        if ctx.relpath.endswith("die") and os.getpid() != self.parent:
            os._exit(3)
        yield from super().analyze(data, ctx)


def listed(root: Path, excludes: tuple[str, ...] = ()) -> list[str]:
    return [i.relpath for i in walk(root, str(root), excludes) if isinstance(i, FileEntry)]


def tree(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"MARK")


def test_gitignore_rules_are_honoured_outside_git(tmp_path):
    tree(
        tmp_path,
        [
            "a.py",
            "debug.log",
            "keep.log",
            "build/out.py",
            "src/x.py",
            "src/gen/y.py",
            "src/gen/z.txt",
        ],
    )
    (tmp_path / ".gitignore").write_text("*.log\n!keep.log\nbuild/\n")
    (tmp_path / "src" / ".gitignore").write_text("gen/*\n!gen/z.txt\n")
    assert sorted(listed(tmp_path)) == [
        ".gitignore",
        "a.py",
        "keep.log",
        "src/.gitignore",
        "src/gen/z.txt",
        "src/x.py",
    ]


def test_excludes_match_names_folders_and_globs(tmp_path):
    tree(tmp_path, ["app.min.js", "app.js", "docs/a/b.md", "build/x.c", "lib/build/y.c", "z.py"])
    assert sorted(listed(tmp_path, ("*.min.js", "docs/**", "build"))) == ["app.js", "z.py"]
    assert Excludes(("src/*",)).match("src/a/b.py")
    assert not Excludes(()).match("anything")


def test_vendored_folders_are_skipped(tmp_path):
    tree(
        tmp_path,
        [
            "node_modules/pkg/index.js",
            "vendor/github.com/x/y.go",
            "third_party/lib.c",
            ".git/config",
            "main.go",
        ],
    )
    assert listed(tmp_path) == ["main.go"]


def test_symlinks_inside_the_tree_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    root = tmp_path / "root"
    tree(outside, ["secret.pem"])
    tree(root, ["in.py", "sub/inner.py"])
    (root / "escape").symlink_to(outside)
    (root / "escape-file").symlink_to(outside / "secret.pem")
    (root / "inside-link").symlink_to(root / "sub")
    (root / "dangling").symlink_to(tmp_path / "nowhere")
    names = listed(root)
    assert "escape/secret.pem" not in names and "escape-file" not in names
    assert sorted(names) == ["in.py", "sub/inner.py"]
    records = [i for i in walk(root, "t", ()) if isinstance(i, ScanError)]
    # a link to nothing misses nothing: a note, not an error
    assert [(type(e), e.kind, e.path) for e in records] == [(ScanNote, "dangling-link", "dangling")]


def test_deep_tree_does_not_recurse(tmp_path):
    path = tmp_path
    for i in range(300):
        path = path / f"d{i % 10}"
    path.mkdir(parents=True)
    (path / "deep.py").write_bytes(b"MARK")
    assert [p.count("/") for p in listed(tmp_path)] == [300]


@pytest.fixture
def git_repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    tree(repo, ["tracked.py", "ignored.log", "sub/tracked.go", "gone.py"])
    (repo / ".gitignore").write_text("*.log\n")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
    }
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "x"]):
        subprocess.run(["git", "-C", str(repo), *cmd], check=True, env=env, capture_output=True)
    (repo / "gone.py").unlink()
    (repo / "new.py").write_bytes(b"MARK")
    (repo / "force.log").write_bytes(b"MARK")
    subprocess.run(
        ["git", "-C", str(repo), "add", "-f", "force.log"], check=True, capture_output=True
    )
    return repo


def test_git_checkout_lists_tracked_and_untracked_files(git_repo):
    names = listed(git_repo)
    assert sorted(names) == [".gitignore", "force.log", "new.py", "sub/tracked.go", "tracked.py"]
    records = list(walk(git_repo, "t", ()))
    assert not [r for r in records if isinstance(r, ScanError)]  # gone.py: silently absent


def test_ignored_folder_inside_a_checkout_is_walked_directly(git_repo):
    work = git_repo / "work"
    tree(work, ["a.py", "b.log"])
    (git_repo / ".gitignore").write_text("*.log\nwork/\n")
    assert sorted(listed(work)) == ["a.py", "b.log"]


def run(root: Path, analyzers: list[FileAnalyzer], **opts) -> list[Record]:
    return list(PathScanner(analyzers).scan(parse_target(str(root)), ScanOptions(**opts)))


def test_parallel_scan_returns_the_serial_result_in_order(tmp_path):
    tree(tmp_path, [f"d{i // 50}/f{i:04d}" for i in range(600)])
    (tmp_path / "big").write_bytes(b"MARK" + b"x" * 200)
    serial = run(tmp_path, [Marker()], workers=1, max_file_size=100)
    parallel = run(tmp_path, [Marker()], workers=2, max_file_size=100)
    assert len(serial) == 601
    assert [getattr(r, "fingerprint", r) for r in serial] == [
        getattr(r, "fingerprint", r) for r in parallel
    ]
    assert [r.kind for r in parallel if isinstance(r, ScanError)] == ["too-large"]


class WhoScanned(Marker):
    """Records which process scanned each file."""

    def analyze(self, data: bytes, ctx: FileContext) -> Iterator[Record]:
        for finding in super().analyze(data, ctx):
            finding.context["pid"] = os.getpid()  # type: ignore[union-attr]
            yield finding


@pytest.mark.parametrize("in_flight", [0, 1000])
def test_the_scanning_process_takes_batches_while_the_pool_is_busy(
    tmp_path, monkeypatch, in_flight
):
    """A pool that is always busy (no batch may be queued) leaves every batch to the scanning
    process; one that is never busy takes them all. The records are the serial ones."""
    tree(tmp_path, [f"f{i:04d}" for i in range(600)])
    serial = run(tmp_path, [Marker()], workers=1)
    monkeypatch.setattr(files, "BATCHES_IN_FLIGHT_PER_WORKER", in_flight)
    monkeypatch.setattr(files, "PIPE_BYTES", 1 << 20)
    parallel = run(tmp_path, [WhoScanned()], workers=2)
    assert [r.fingerprint for r in parallel] == [r.fingerprint for r in serial]
    here = {r.context["pid"] == os.getpid() for r in parallel}
    assert here == ({True} if in_flight == 0 else {False})


def test_scan_streams_with_bounded_work_in_flight(tmp_path):
    tree(tmp_path, [f"f{i:05d}" for i in range(20)])
    consumed = 0
    total = 5000

    def entries() -> Iterator[FileEntry]:
        nonlocal consumed
        for i in range(total):
            consumed += 1
            yield FileEntry(tmp_path / f"f{i % 20:05d}", f"f{i:05d}")

    scanner = PathScanner([Marker()])
    stream = scanner.scan_tree(entries(), str(tmp_path), ScanOptions(workers=2))
    first = next(stream)
    assert isinstance(first, Finding)
    # at most a full window of batches (queued in the pool or scanned here) is read ahead
    limit = files.SMALL_TREE + 2 * files.WINDOW_BATCHES_PER_WORKER * files.BATCH_FILES
    assert consumed <= limit < total
    assert sum(1 for _ in stream) == total - 1


def test_an_abandoned_scan_stops_its_workers(tmp_path):
    tree(tmp_path, [f"f{i:04d}" for i in range(2000)])
    stream = PathScanner([Marker()]).scan(parse_target(str(tmp_path)), ScanOptions(workers=3))
    assert isinstance(next(stream), Finding)
    assert len(multiprocessing.active_children()) == 2
    stream.close()
    assert multiprocessing.active_children() == []


def test_a_dying_worker_does_not_lose_files(tmp_path):
    tree(tmp_path, [f"f{i:04d}" for i in range(400)] + ["zz-die"])
    records = run(tmp_path, [ExitInWorker(os.getpid())], workers=2)
    assert len([r for r in records if isinstance(r, Finding)]) == 401
