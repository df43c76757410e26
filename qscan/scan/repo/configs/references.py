"""Certificate and key files a configuration points to (ssl_certificate, HostKey,
SSLCertificateFile, crt, smtpd_tls_cert_file, keystoreFile), scanned by the certificate
scanner when the configuration file itself is the scan target (`qscan scan
/etc/nginx/nginx.conf`). Findings keep the path as written, and a
stored key the facts of its own file (mode, repository), not of the configuration.

When a folder is scanned without a root, the walker reads what is inside it, and a path
outside it (the scanning machine's /etc/ssh/ssh_host_rsa_key named by a repository's
sshd_config) is not the repository's and is not read. With a scan root
(`ScanOptions.root`, `--root`: a pre-commit hook's repository) references are followed from
folders and files alike, but only to files inside the root; their paths are then relative
to the scanned folder, as the walk would give them, so that a file both walked and
referenced is one finding.

The TLS analyzers also need what a named file holds (the key type of a server certificate,
DH parameters, the text of an included file) where its findings are the walker's to report:
`ReferencedFiles` reads each file once under the same boundary, and says why one is not
read."""

from __future__ import annotations

import glob
import os
import re
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path

from qscan.model import Text, text_key
from qscan.scan.certs import analyze_bytes
from qscan.scan.interface import FileContext, Record
from qscan.scan.storage import StorageFacts
from qscan.scan.walk import file_in_repository

MAX_REFERENCED = 10 * 1024 * 1024
_NOT_PLAIN = "${}%~"
_GLOB = "*?["


@dataclass(frozen=True)
class Reference:
    """Where a reference leads under the scan's boundary: the file to read (None, with the
    reason, when it is not read), its path for findings, and whether its findings belong to
    the configuration's output (not when the walk of a scanned folder reports them)."""

    path: Path | None
    relpath: str
    report: bool
    reason: Text | None = None


def resolve(reference: str, ctx: FileContext) -> Reference:
    ref = reference.strip().strip("\"'")
    if not ref or any(c in ref for c in _NOT_PLAIN):
        return Reference(None, ref, False, text_key("reference.not-plain", ref=ref))
    path = Path(ref)
    if not path.is_absolute():
        path = ctx.path.parent / ref
    root = ctx.options.root
    folder = Path(ctx.target).is_dir()
    if root is None and not folder:
        return Reference(path, ref, True)
    resolved = path.resolve()
    scanned = Path(ctx.target).resolve() if folder else ctx.path.parent.resolve()
    base = root.resolve() if root is not None else scanned
    if base not in resolved.parents:
        where = text_key("reference.scan-root" if root is not None else "reference.scanned-folder")
        return Reference(None, ref, False, text_key("reference.outside", ref=ref, where=where))
    relpath = Path(os.path.relpath(resolved, scanned)).as_posix()
    return Reference(resolved, relpath, root is not None)


def _read(path: Path) -> tuple[bytes | None, Text | None, os.stat_result | None]:
    """(contents, why not, stat) of a regular file of at most MAX_REFERENCED bytes."""
    try:
        st = os.stat(path)
    except OSError:
        return None, text_key("reference.unreadable"), None
    if not stat.S_ISREG(st.st_mode):
        return None, text_key("reference.not-regular"), None
    if st.st_size > MAX_REFERENCED:
        return None, text_key("reference.too-large"), None
    try:
        return path.read_bytes(), None, st
    except OSError:
        return None, text_key("reference.unreadable"), None


@dataclass
class Loaded:
    """A named file as the certificate scanner sees it: its records, or None with the
    reason it was not read."""

    reference: Reference
    records: list[Record] | None
    reason: Text | None = None
    reported: bool = False


@dataclass
class ReferencedFiles:
    """The files one configuration names, each read once."""

    ctx: FileContext
    _loaded: dict[tuple[str, tuple[str, ...]], Loaded] = field(default_factory=dict)

    def load(self, reference: str, passwords: tuple[str, ...] = ()) -> Loaded:
        key = (reference, passwords)
        if key not in self._loaded:
            self._loaded[key] = self._load(resolve(reference, self.ctx), passwords)
        return self._loaded[key]

    def report(
        self, reference: str, line: int | None, passwords: tuple[str, ...] = ()
    ) -> list[Record]:
        """The file's records where they belong to the configuration's output, once."""
        if not resolve(reference, self.ctx).report:
            return []
        loaded = self.load(reference, passwords)
        if loaded.records is None or loaded.reported:
            return []
        loaded.reported = True
        where = f"{self.ctx.relpath}:{line}" if line else self.ctx.relpath
        for record in loaded.records:
            context = getattr(record, "context", None)
            if isinstance(context, dict):
                context.setdefault("referenced_from", where)
        return loaded.records

    def texts(self, pattern: str) -> tuple[list[str] | None, Text | None]:
        """The texts of the files an include names (a glob pattern), or None and why they
        are not all read (one outside the boundary, a missing file). A pattern that matches
        nothing in a folder that is there (an empty conf.d) includes nothing."""
        ref = pattern.strip().strip("\"'")
        base = str(Path(ref) if Path(ref).is_absolute() else self.ctx.path.parent / ref)
        first = next((i for i, c in enumerate(base) if c in _GLOB), None)
        names = [base] if first is None else sorted(glob.glob(base))
        if not names:
            folder = Path(base[:first] + "x").parent
            if resolve(str(folder), self.ctx).path is None or not folder.is_dir():
                return None, text_key("reference.no-match", ref=ref)
        texts: list[str] = []
        for name in names:
            target = resolve(name, self.ctx)
            if target.path is None:
                return None, target.reason
            data, why, _ = _read(target.path)
            if data is None:
                return None, text_key("reference.file", ref=ref, why=why)
            texts.append(data.decode("utf-8", "replace"))
        return texts, None

    def _load(self, target: Reference, passwords: tuple[str, ...]) -> Loaded:
        if target.path is None:
            return Loaded(target, None, target.reason)
        data, why, st = _read(target.path)
        if data is None or st is None:
            return Loaded(target, None, text_key("reference.file", ref=target.relpath, why=why))
        options = self.ctx.options
        if passwords:
            options = replace(options, passwords=tuple(options.passwords) + passwords)
        storage = StorageFacts(st.st_mode, file_in_repository(target.path))
        sub = replace(
            self.ctx, path=target.path, relpath=target.relpath, options=options, storage=storage
        )
        records = list(analyze_bytes(data, sub))
        storage.mark(records)
        return Loaded(target, records)


def referenced_file(
    reference: str, ctx: FileContext, line: int | None, passwords: tuple[str, ...] = ()
) -> list[Record]:
    """The records of one named file where they belong to the configuration's output."""
    return ReferencedFiles(ctx).report(reference, line, passwords)


def sets(texts: list[str], names: tuple[str, ...], *, ignore_case: bool = False) -> bool:
    """Whether a line of one of the texts starts with one of the directive names."""
    flags = re.MULTILINE | (re.IGNORECASE if ignore_case else 0)
    pattern = re.compile(rf"^\s*(?:{'|'.join(map(re.escape, names))})\s", flags)
    return any(pattern.search(text) for text in texts)
