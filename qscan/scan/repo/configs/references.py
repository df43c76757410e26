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
referenced is one finding."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

from qscan.scan.certs import analyze_bytes
from qscan.scan.interface import FileContext, Record
from qscan.scan.storage import StorageFacts
from qscan.scan.walk import file_in_repository

MAX_REFERENCED = 10 * 1024 * 1024


def referenced_file(
    reference: str, ctx: FileContext, line: int | None, passwords: tuple[str, ...] = ()
) -> list[Record]:
    ref = reference.strip().strip("\"'")
    if not ref or any(c in ref for c in "${}%~"):
        return []
    root = ctx.options.root
    folder = Path(ctx.target).is_dir()
    if folder and root is None:
        return []
    path = Path(ref)
    if not path.is_absolute():
        path = ctx.path.parent / ref
    relpath = ref
    if root is not None:
        resolved, base = path.resolve(), root.resolve()
        if base not in resolved.parents:
            return []
        scanned = Path(ctx.target).resolve() if folder else ctx.path.parent.resolve()
        relpath = Path(os.path.relpath(resolved, scanned)).as_posix()
        path = resolved
    try:
        st = os.stat(path)
    except OSError:
        return []
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_REFERENCED:
        return []
    try:
        data = path.read_bytes()
    except OSError:
        return []
    options = ctx.options
    if passwords:
        options = replace(options, passwords=tuple(options.passwords) + passwords)
    storage = StorageFacts(st.st_mode, file_in_repository(path))
    sub = replace(ctx, path=path, relpath=relpath, options=options, storage=storage)
    records = list(analyze_bytes(data, sub))
    storage.mark(records)
    where = f"{ctx.relpath}:{line}" if line else ctx.relpath
    for record in records:
        context = getattr(record, "context", None)
        if isinstance(context, dict):
            context.setdefault("referenced_from", where)
    return records
