"""Where a component was seen (evidence occurrences) and what qscan concluded about it."""

from __future__ import annotations

from typing import Any

from qscan.model import SEVERITIES, Finding, Location, Verdict

_WORST_FIRST = ("classically-broken", "quantum-vulnerable", "unknown", "hybrid", "quantum-safe")
_STATUS_RANK = {status: rank for rank, status in enumerate(_WORST_FIRST)}
_UNKNOWN_RANK = _STATUS_RANK["unknown"]
_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}
_LEAST = len(SEVERITIES)

Place = tuple[str, int, str]
"""An occurrence: location (a path, or host:port), line (0: none) and component."""


def endpoint(loc: Location) -> str:
    host = f"[{loc.host}]" if loc.host and ":" in loc.host else loc.host
    return f"{host}:{loc.port}"


class Places:
    """Occurrence locations. A file path is relative to the scan target, as the scanners
    give it (a file scanned on its own is named once); when the inventory holds files of
    several targets, the target qualifies it, so that equal paths stay apart."""

    def __init__(self, findings: list[Finding]) -> None:
        self.qualify = len({f.location.target for f in findings if f.location.path}) > 1
        self._paths: dict[tuple[str, str], str] = {}

    def place(self, f: Finding) -> Place:
        loc = f.location
        if loc.path is None:
            return (endpoint(loc), 0, loc.component)
        return (self.path(loc), loc.line or 0, loc.component)

    def path(self, loc: Location) -> str:
        path = loc.path or ""
        if not self.qualify:
            return path
        key = (loc.target, path)
        shown = self._paths.get(key)
        if shown is None:
            target = loc.target.replace("\\", "/").rstrip("/")
            if target in ("", "."):
                shown = path
            elif target == path or target.endswith("/" + path):
                shown = target
            else:
                shown = f"{target}/{path}"
            self._paths[key] = shown
        return shown


class Evidence:
    """One component's occurrences and the summary of the verdicts of its findings."""

    __slots__ = ("places", "weak", "status", "severity", "rules", "deadlines")

    def __init__(self) -> None:
        self.places: dict[Place, None] = {}
        self.weak: dict[Place, None] = {}
        """Places shown only where no other occurrence has the same location and line (a
        private key file's storage finding next to the key's own)."""
        self.status: str | None = None
        self.severity: str | None = None
        self.rules: set[str] = set()
        self.deadlines: dict[str, str] = {}

    def add(self, place: Place, verdict: Verdict | None = None, weak: bool = False) -> None:
        (self.weak if weak else self.places)[place] = None
        if verdict is not None:
            self.judge(verdict)

    def judge(self, v: Verdict) -> None:
        if v.status != self.status and (
            self.status is None
            or _STATUS_RANK.get(v.status, _UNKNOWN_RANK)
            < _STATUS_RANK.get(self.status, _UNKNOWN_RANK)
        ):
            self.status = v.status
        if v.severity != self.severity and (
            self.severity is None
            or _SEVERITY_RANK.get(v.severity, _LEAST) < _SEVERITY_RANK.get(self.severity, _LEAST)
        ):
            self.severity = v.severity
        self.rules.add(v.rule)
        if v.deadline and (v.status not in self.deadlines or v.deadline < self.deadlines[v.status]):
            self.deadlines[v.status] = v.deadline

    def occurrences(self) -> list[dict[str, Any]]:
        places = set(self.places)
        if self.weak:
            taken = {(location, line) for location, line, _ in places}
            places.update(p for p in self.weak if (p[0], p[1]) not in taken)
        out = []
        for location, line, context in sorted(places):
            occurrence: dict[str, Any] = {"location": location}
            if line:
                occurrence["line"] = line
            if context:
                occurrence["additionalContext"] = context
            out.append(occurrence)
        return out

    def properties(self) -> list[dict[str, str]]:
        if self.status is None or self.severity is None:
            return []
        props = [
            {"name": "qscan:status", "value": self.status},
            {"name": "qscan:severity", "value": self.severity},
            {"name": "qscan:rules", "value": ",".join(sorted(self.rules))},
        ]
        deadline = self.deadlines.get(self.status)
        if deadline:
            props.append({"name": "qscan:deadline", "value": deadline})
        return props


def component(
    ref: str,
    name: str,
    crypto: dict[str, Any],
    evidence: Evidence,
    properties: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A cryptographic-asset component with its verdict properties and occurrences."""
    out: dict[str, Any] = {
        "type": "cryptographic-asset",
        "bom-ref": ref,
        "name": name,
        "cryptoProperties": crypto,
    }
    shown = evidence.properties() + (properties or [])
    if shown:
        out["properties"] = shown
    occurrences = evidence.occurrences()
    if occurrences:
        out["evidence"] = {"occurrences": occurrences}
    return out
