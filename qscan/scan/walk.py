"""Which files a path target holds: git-aware, `.gitignore`-honouring, symlink-safe, lazy.

In a git checkout the file list comes from `git ls-files` (tracked plus untracked files
that are not ignored), streamed as git prints it. Elsewhere, and when the target is itself
ignored by an enclosing repository, a depth-first walk honours every `.gitignore` below the
root. Either way `--exclude` globs and vendored folders are skipped, and symlinks inside
the tree are not followed: one pointing out of the root would make qscan read what is not
the target's (`/etc`, `/proc`), one pointing inside it names what the walk reaches anyway;
a link loop or a dangling link is reported. The target itself may be a symlink. Every file
carries whether it is in a checkout (what the hygiene rules ask of a stored private key).
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import shutil
import stat
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from qscan.model import TARGET_UNREADABLE, ScanError, ScanNote, Text, text_key
from qscan.scan.records import os_error_text

if TYPE_CHECKING:
    import pathspec

# Folders of third-party or generated material: not the organisation's own configuration or
# code, and often huge (node_modules). Matched against every path segment.
VENDORED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "bower_components",
        "jspm_packages",
        "vendor",
        "third_party",
        "third-party",
        "thirdparty",
        "__pycache__",
        "site-packages",
        ".venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".gradle",
        ".terraform",
    }
)


class FileEntry(NamedTuple):
    """A file to scan: its file system path (a string; a Path is accepted too), its path
    relative to the target, for display, and whether it is in a git checkout (tracked, or
    untracked and not ignored). A named tuple of plain values is what pickles fastest on
    the way to a worker process."""

    path: str | Path
    relpath: str
    in_repository: bool = False


WalkItem = FileEntry | ScanError


class Excludes:
    """`--exclude` globs, matched against the relative path, the file name and every parent
    folder (so `build`, `build/*`, `*.min.js` and `docs/**` all do what one expects)."""

    def __init__(self, globs: Sequence[str]) -> None:
        parts = [fnmatch.translate(g.strip().strip("/")) for g in globs if g.strip().strip("/")]
        self._regex = re.compile("|".join(parts)) if parts else None

    def __bool__(self) -> bool:
        return self._regex is not None

    def match(self, relpath: str) -> bool:
        if self._regex is None:
            return False
        match = self._regex.match
        if match(relpath):
            return True
        segments = relpath.split("/")
        for i in range(len(segments)):
            if match(segments[i]) or (i and match("/".join(segments[: i + 1]))):
                return True
        return False


def vendored(relpath: str) -> bool:
    return any(segment in VENDORED_DIRS for segment in relpath.split("/")[:-1])


def _display(rel: str) -> str:
    """The path as valid UTF-8 (undecodable bytes of a file name become U+FFFD)."""
    if rel.isascii():
        return rel
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return rel


class _Walker:
    def __init__(
        self, root: Path, target: str, excludes: Excludes, covered: Sequence[str] = ()
    ) -> None:
        self.root = root
        self.target = target
        self.excludes = excludes
        self.covered = frozenset(covered)
        """Paths other targets of the scan read (qscan.targets.arrange): left out here."""
        self.skipping = bool(excludes) or bool(covered)

    def error(self, kind: str, message: str, rel: str, text: Text | None) -> ScanError:
        """An error record (a note for a dangling link); `text` is the message key of the
        message."""
        texts = None if text is None else {"message": text}
        record = ScanNote if kind == DANGLING_LINK else ScanError
        return record(target=self.target, kind=kind, message=message, path=rel or ".", texts=texts)

    def classify(self, path: str) -> tuple[str, os.stat_result] | None:
        """('file' | 'dir', stat) for a regular file or folder worth visiting, else None.

        Symlinks are not followed: one pointing outside the root would read what is not
        the target's (a repository cannot make qscan read /etc or /proc), one pointing
        inside it names what the walk reaches anyway. A link that loops (to itself or to
        a folder above it) or dangles is reported."""
        try:
            st = os.lstat(path)
        except OSError as exc:
            raise _Unreadable(exc) from exc
        if stat.S_ISLNK(st.st_mode):
            self._check_link(Path(path))
            return None
        if stat.S_ISDIR(st.st_mode):
            return "dir", st
        if stat.S_ISREG(st.st_mode):
            return "file", st
        return None

    @staticmethod
    def _check_link(path: Path) -> None:
        try:
            real = path.resolve(strict=True)
        except RuntimeError as exc:  # Python < 3.13 reports a loop this way
            raise _Unreadable(OSError(errno.ELOOP, "Too many levels of symbolic links")) from exc
        except FileNotFoundError as exc:  # a dangling link: nothing behind it to miss
            raise _Dangling(exc, path) from exc
        except OSError as exc:  # a loop: what it names cannot be read
            raise _Unreadable(exc) from exc
        try:
            above = path.parent.resolve()
        except (OSError, RuntimeError):
            return
        if real == above or real in above.parents:
            raise _Unreadable(
                OSError(errno.ELOOP, "symlink to a folder above it (a loop); skipped"),
                text_key("walk.symlink-above"),
            )

    def skip(self, rel: str) -> bool:
        if self.covered and (
            rel in self.covered or any(rel.startswith(f"{c}/") for c in self.covered)
        ):
            return True
        return self.excludes.match(rel)


class _Unreadable(Exception):
    def __init__(self, exc: OSError, text: Text | None = None) -> None:
        super().__init__(exc)
        self.exc = exc
        self.text = text or os_error_text(exc)
        """The message key of `message`."""

    @property
    def kind(self) -> str:
        return "symlink-loop" if self.exc.errno == errno.ELOOP else "unreadable"

    @property
    def message(self) -> str:
        return self.exc.strerror or str(self.exc)


DANGLING_LINK = "dangling-link"


def dangling_link(path: str | Path) -> tuple[str, Text]:
    """The message of a symbolic link whose target does not exist, and its message key."""
    points_to = os.readlink(path)
    return (
        f"symbolic link to {points_to}, which does not exist: nothing to scan",
        text_key("file.dangling-link", target=points_to),
    )


class _Dangling(_Unreadable):
    """A link to nothing: recorded as a note in a folder (nothing was missed)."""

    def __init__(self, exc: OSError, path: Path) -> None:
        message, text = dangling_link(path)
        super().__init__(exc, text)
        self._message = message

    @property
    def kind(self) -> str:
        return DANGLING_LINK

    @property
    def message(self) -> str:
        return self._message


class _Ignores:
    """The `.gitignore` files in force for one folder: deepest first, as git applies them."""

    def __init__(self, chain: tuple[tuple[str, pathspec.GitIgnoreSpec], ...] = ()) -> None:
        self.chain = chain

    def below(self, folder: str, rel: str, has_gitignore: bool = True) -> _Ignores:
        lines: list[str] = []
        names = ((".gitignore",) if has_gitignore else ()) + (
            (".git/info/exclude",) if not rel else ()
        )
        for name in names:
            try:
                with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as fh:
                    lines += fh.read().splitlines()
            except OSError:
                continue
        if not lines:
            return self
        try:
            import pathspec  # only for trees with .gitignore files (10 ms to import)

            spec = pathspec.GitIgnoreSpec.from_lines(lines)
        except (ValueError, TypeError):
            return self
        return _Ignores(((rel, spec), *self.chain))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        for base, spec in self.chain:
            sub = rel[len(base) + 1 :] if base else rel
            result = spec.check_file(sub + "/" if is_dir else sub)
            if result.include is not None:
                return bool(result.include)
        return False


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name


def walk_tree(
    root: Path,
    target: str,
    excludes: Excludes,
    covered: Sequence[str] = (),
    in_repository: bool = False,
) -> Iterator[WalkItem]:
    """Depth-first walk in name order, honouring `.gitignore` files below the root. Files
    are in a repository when the root is (`in_repository`) or when a folder above them in
    the walk holds a `.git` (a checkout inside the tree: its ignored files are not walked)."""
    walker = _Walker(root, target, excludes, covered)
    seen: set[tuple[int, int]] = set()
    try:
        st = os.stat(root)
    except OSError as exc:
        yield walker.error(TARGET_UNREADABLE, exc.strerror or str(exc), "", os_error_text(exc))
        return
    stack: list[tuple[str, str, os.stat_result, _Ignores, bool]] = [
        (str(root), "", st, _Ignores(), in_repository)
    ]
    while stack:
        folder, rel, st, ignores, in_repo = stack.pop()
        if (st.st_dev, st.st_ino) in seen:
            yield walker.error(
                "symlink-loop",
                "folder already visited through a symlink; skipped",
                _display(rel),
                text_key("walk.visited"),
            )
            continue
        seen.add((st.st_dev, st.st_ino))
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=_entry_name)
        except OSError as exc:
            kind = "unreadable" if rel else TARGET_UNREADABLE  # the target folder itself
            yield walker.error(kind, exc.strerror or str(exc), _display(rel), os_error_text(exc))
            continue
        names = {e.name for e in entries}
        ignores = ignores.below(folder, rel, ".gitignore" in names)
        in_repo = in_repo or ".git" in names
        subdirs: list[tuple[str, str, os.stat_result, _Ignores, bool]] = []
        for entry in entries:
            name = entry.name
            child = f"{rel}/{name}" if rel else name
            shown = _display(child)
            try:
                if entry.is_symlink():
                    walker.classify(entry.path)
                    continue
                is_dir = entry.is_dir(follow_symlinks=False)
                if not is_dir and not entry.is_file(follow_symlinks=False):
                    continue  # FIFOs, sockets, devices
                child_st = entry.stat(follow_symlinks=False) if is_dir else None
            except _Unreadable as exc:
                yield walker.error(exc.kind, exc.message, shown, exc.text)
                continue
            except OSError as exc:
                unreadable = _Unreadable(exc)
                yield walker.error(unreadable.kind, unreadable.message, shown, unreadable.text)
                continue
            if is_dir and name in VENDORED_DIRS:
                continue
            if (walker.skipping and walker.skip(shown)) or (
                ignores.chain and ignores.ignored(shown, is_dir)
            ):
                continue
            if is_dir:
                assert child_st is not None
                subdirs.append((entry.path, child, child_st, ignores, in_repo))
            else:
                yield FileEntry(entry.path, shown, in_repo)
        stack.extend(reversed(subdirs))


CHECKOUT = "checkout"
IGNORED = "ignored"
UNKNOWN = "unknown"


def git_state(root: Path) -> str:
    """CHECKOUT when root is inside a git work tree and not itself ignored by it, IGNORED
    when it is ignored by one, UNKNOWN when git cannot say: not installed, no work tree, or
    a work tree git refuses to read (another user's, see git's `safe.directory`)."""
    if shutil.which("git") is None:
        return UNKNOWN
    try:
        inside = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
            capture_output=True,
            timeout=30,
        )
        if inside.returncode != 0 or inside.stdout.strip() != b"true":
            return UNKNOWN
        ignored = subprocess.run(
            ["git", "-C", str(root), "check-ignore", "-q", "."], capture_output=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN
    return {0: IGNORED, 1: CHECKOUT}.get(ignored.returncode, UNKNOWN)


def git_dir_above(path: Path) -> bool:
    """Whether path or a folder above it holds a `.git` (a folder, or a file in a linked
    work tree or submodule)."""
    absolute = Path(os.path.abspath(path))
    return any(os.path.lexists(folder / ".git") for folder in (absolute, *absolute.parents))


def file_in_repository(path: Path) -> bool:
    """Whether a single file is in a git checkout, tracked or untracked and not ignored.
    No git call unless a `.git` is found above the file (a symlink counts where it points),
    then one `git ls-files`; where git cannot tell, a `.git` above the file means yes."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a link loop: the file is not read, an error says why
        return False
    if not git_dir_above(real.parent):
        return False
    if shutil.which("git") is None:
        return True
    try:
        listed = subprocess.run(
            [
                "git",
                "-C",
                str(real.parent),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
                "--",
                f":(literal){real.name}",
            ],
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return True
    return listed.returncode != 0 or bool(listed.stdout)


def _git_paths(root: Path) -> Iterator[bytes]:
    proc = subprocess.Popen(
        [
            "git",
            "-C",
            str(root),
            "-c",
            "core.quotePath=off",
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
            "--deduplicate",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    try:
        pending = b""
        while chunk := proc.stdout.read(1 << 16):
            pending += chunk
            *names, pending = pending.split(b"\0")
            yield from names
        if pending:
            yield pending
    finally:
        proc.stdout.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def walk_git(
    root: Path, target: str, excludes: Excludes, covered: Sequence[str] = ()
) -> Iterator[WalkItem]:
    """The files git knows in the checkout (tracked, plus untracked but not ignored).
    Submodules and symlinked folders inside the root are walked as plain trees."""
    walker = _Walker(root, target, excludes, covered)
    for raw in _git_paths(root):
        rel = _display(os.fsdecode(raw))
        if vendored(rel) or walker.skip(rel):
            continue
        path = os.path.join(root, os.fsdecode(raw))
        try:
            kind = walker.classify(path)
        except _Unreadable as exc:
            if exc.exc.errno != errno.ENOENT:  # deleted from the work tree, still in the index
                yield walker.error(exc.kind, exc.message, rel, exc.text)
            continue
        if kind is None:
            continue
        if kind[0] == "file":
            yield FileEntry(path, rel, True)
            continue
        inside = [c[len(rel) + 1 :] for c in walker.covered if c.startswith(f"{rel}/")]
        for item in walk_tree(Path(path), target, excludes, inside, in_repository=True):
            if isinstance(item, FileEntry):
                yield FileEntry(item.path, f"{rel}/{item.relpath}", True)
            else:
                item.path = f"{rel}/{item.path}" if item.path not in (None, ".") else rel
                yield item


def walk_files(
    root: Path, target: str, files: Sequence[str], excludes: Sequence[str]
) -> Iterator[WalkItem]:
    """The listed files of root (paths relative to it), with the walk's rules: vendored
    folders and `--exclude` globs skipped, symlinks not followed, a missing file reported."""
    walker = _Walker(root, target, Excludes(excludes))
    in_repository = git_dir_above(root.resolve())
    for rel in files:
        if vendored(rel) or walker.skip(rel):
            continue
        path = os.path.join(root, rel)
        try:
            kind = walker.classify(path)
        except _Unreadable as exc:
            yield walker.error(exc.kind, exc.message, rel, exc.text)
            continue
        if kind is not None and kind[0] == "file":
            yield FileEntry(path, rel, in_repository)


def walk(
    root: Path, target: str, excludes: Sequence[str], covered: Sequence[str] = ()
) -> Iterator[WalkItem]:
    """Every file under root worth scanning, lazily, with unreadable parts as ScanErrors;
    `covered` paths (relative to root) are left out. Each file says whether it is in a git
    checkout: the walker knows it from git, or from a `.git` above the root or in the tree
    when git cannot say."""
    globs = Excludes(excludes)
    state = git_state(root)
    if state == CHECKOUT:
        return walk_git(root, target, globs, covered)
    in_repository = state == UNKNOWN and git_dir_above(root)
    return walk_tree(root, target, globs, covered, in_repository)
