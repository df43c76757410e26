"""Where a finding or an error is, as one string for people: the one formatting function
every human-facing output uses (HTML, text, Markdown, CSV, diff), so that a location always
names its repository or target.

- a file in a scanned folder or repository: `repo-a: docs/usage.rst:23`
- a file scanned on its own (the target is the file): `certs/www.pem:1`
- a file under the current folder (target `.`): `docs/usage.rst:23`
- an endpoint: `tls://www.example.org:443`, `ssh://[2001:db8::1]:22`
"""

from __future__ import annotations

from qscan.model import Finding, Location, ScanError


def is_file_target(target: str, path: str) -> bool:
    """True when the target is the file itself: the scanners then give only its name."""
    target = target.replace("\\", "/").rstrip("/")
    path = path.replace("\\", "/")
    return target == path or target.endswith("/" + path)


def endpoint(host: str | None, port: int | None, service: str | None) -> str:
    host = f"[{host}]" if host and ":" in host else host
    return f"{service or 'tls'}://{host}:{port}"


def file_place(target: str, path: str) -> str:
    """A file path qualified by its scan target (see the module docstring)."""
    if target in ("", ".", "./") or target.rstrip("/") == ".":
        return path
    if is_file_target(target, path):
        return target
    return f"{target}: {path}"


def place(finding: Finding) -> str:
    """File (with its target) or endpoint; no line, no component."""
    loc: Location = finding.location
    if loc.path is not None:
        return file_place(loc.target, loc.path)
    return endpoint(loc.host, loc.port, loc.service)


def where(finding: Finding) -> str:
    """The place with the line (files) and the component inside it."""
    loc = finding.location
    text = place(finding)
    if loc.path is not None and loc.line:
        text = f"{text}:{loc.line}"
    return f"{text} ({loc.component})" if loc.component else text


def error_place(error: ScanError) -> str:
    """Where a scan error happened: the file with its target, else the target as given
    (an endpoint with its scheme, a folder)."""
    return file_place(error.target, error.path) if error.path else error.target
