"""Waivers: accepted risks that the CI gate does not count, each with an owner and an expiry.

A waivers file is YAML:

    waivers:
      - rule: QS201                  # optional: only findings of this rule
        path: "vendor/**"            # optional: glob on the finding's file path
        endpoint: "*.example.org:443"  # optional: glob on host:port of an endpoint finding
        fingerprint: 3f2a...         # optional: exactly one finding
        justification: "vendored library, replaced in Q3"
        owner: "team-payments"
        expires: 2027-06-30

Every condition given must hold, and at least one of rule, path, endpoint or fingerprint is
required. A waiver applies up to and including its `expires` day; after that it stops
applying (the finding counts again) and the gate reports it as expired.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from qscan.model import Finding

_REQUIRED = ("justification", "owner", "expires")
_CONDITIONS = ("rule", "fingerprint", "path", "endpoint")


class WaiverError(ValueError):
    """A waivers file that cannot be read or does not follow the format."""


def glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate a path glob: `**` spans folders, `*` and `?` stay inside one segment."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


@dataclass(frozen=True)
class Waiver:
    justification: str
    owner: str
    expires: dt.date
    rule: str | None = None
    fingerprint: str | None = None
    path: str | None = None
    endpoint: str | None = None
    index: int = 0
    """Position in the waivers file (1-based), for messages."""

    @cached_property
    def _path_re(self) -> re.Pattern[str] | None:
        return glob_regex(self.path) if self.path else None

    @cached_property
    def _endpoint_re(self) -> re.Pattern[str] | None:
        return glob_regex(self.endpoint) if self.endpoint else None

    def expired(self, today: dt.date) -> bool:
        return today > self.expires

    def matches(self, finding: Finding) -> bool:
        loc = finding.location
        if self.fingerprint and finding.fingerprint != self.fingerprint:
            return False
        if self.rule and (finding.verdict is None or finding.verdict.rule != self.rule):
            return False
        if self._path_re is not None and (
            loc.path is None or not self._path_re.match(loc.path.lstrip("./"))
        ):
            return False
        return not (
            self._endpoint_re is not None
            and (loc.host is None or not self._endpoint_re.match(f"{loc.host}:{loc.port}"))
        )

    def describe(self) -> str:
        what = ", ".join(f"{k} {getattr(self, k)}" for k in _CONDITIONS if getattr(self, k))
        return f"waiver #{self.index} ({what}; owner {self.owner}; expires {self.expires})"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in _CONDITIONS if getattr(self, k)}
        out.update(
            justification=self.justification,
            owner=self.owner,
            expires=self.expires.isoformat(),
            index=self.index,
        )
        return out


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise WaiverError(f"{where}: expires must be a date (YYYY-MM-DD), not {value!r}") from None


def parse_waivers(data: Any, source: str = "waivers") -> tuple[Waiver, ...]:
    entries = data.get("waivers") if isinstance(data, dict) else data
    if entries is None:
        return ()
    if not isinstance(entries, list):
        raise WaiverError(f"{source}: expected a list under 'waivers'")
    waivers = []
    for index, raw in enumerate(entries, start=1):
        where = f"{source}: waiver #{index}"
        if not isinstance(raw, dict):
            raise WaiverError(f"{where}: expected a mapping")
        unknown = set(raw) - {*_REQUIRED, *_CONDITIONS}
        if unknown:
            raise WaiverError(f"{where}: unknown keys {sorted(unknown)}")
        missing = [k for k in _REQUIRED if not str(raw.get(k) or "").strip()]
        if missing:
            raise WaiverError(f"{where}: missing {', '.join(missing)}")
        if not any(raw.get(k) for k in _CONDITIONS):
            raise WaiverError(f"{where}: needs at least one of {', '.join(_CONDITIONS)}")
        waivers.append(
            Waiver(
                justification=str(raw["justification"]).strip(),
                owner=str(raw["owner"]).strip(),
                expires=_date(raw["expires"], where),
                rule=str(raw["rule"]).upper() if raw.get("rule") else None,
                fingerprint=str(raw["fingerprint"]) if raw.get("fingerprint") else None,
                path=str(raw["path"]) if raw.get("path") else None,
                endpoint=str(raw["endpoint"]) if raw.get("endpoint") else None,
                index=index,
            )
        )
    return tuple(waivers)


def load_waivers(path: Path) -> tuple[Waiver, ...]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WaiverError(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise WaiverError(f"{path}: not valid YAML ({exc})") from None
    return parse_waivers(data, str(path))
