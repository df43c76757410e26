"""Where a finding or an error is, as one string for people: the formatting every
human-facing output uses (HTML, text, Markdown, CSV, diff, the issues' asset labels), so that
a location always names its repository or target (qscan.model.place_text):
`repo-a: docs/usage.rst:23`, `certs/www.pem:1`, `tls://www.example.org:443`.
"""

from __future__ import annotations

from qscan.model import Finding, ScanError, is_file_target, place_text

__all__ = ["error_place", "is_file_target", "place", "where"]


def place(finding: Finding) -> str:
    """File (with its target) or endpoint; no line, no component."""
    loc = finding.location
    return place_text(loc.path, loc.host, loc.port, loc.service, loc.target)


def where(finding: Finding) -> str:
    """The place with the line (files) and the component inside it."""
    loc = finding.location
    text = place_text(loc.path, loc.host, loc.port, loc.service, loc.target, loc.line)
    return f"{text} ({loc.component})" if loc.component else text


def error_place(error: ScanError) -> str:
    """Where a scan error happened: the file with its target, else the target as given
    (an endpoint with its scheme, a folder)."""
    if error.path:
        return place_text(error.path, None, None, None, error.target)
    return error.target
