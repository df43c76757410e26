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

from qscan.configfile import ConfigError, line_of, load_yaml
from qscan.model import Finding

_REQUIRED = ("justification", "owner", "expires")
_CONDITIONS = ("rule", "fingerprint", "path", "endpoint")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class WaiverError(ConfigError):
    """A waivers file that cannot be read or does not follow the format."""


def _printable(text: str, limit: int = 80) -> str:
    clean = "".join(ch if ch.isprintable() else "?" for ch in text[: limit + 1])
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


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
        """For warnings on stderr: each field shortened, without control characters."""
        what = ", ".join(
            f"{k} {_printable(getattr(self, k))}" for k in _CONDITIONS if getattr(self, k)
        )
        owner = _printable(self.owner)
        return f"waiver #{self.index} ({what}; owner {owner}; expires {self.expires})"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in _CONDITIONS if getattr(self, k)}
        out.update(
            justification=self.justification,
            owner=self.owner,
            expires=self.expires.isoformat(),
            index=self.index,
        )
        return out


_TEXT_MAX = 1000
"""Characters of one waiver field (a justification is a sentence, a glob a path)."""


def parse_waivers(
    data: Any, source: str = "waivers", root: yaml.Node | None = None
) -> tuple[Waiver, ...]:
    """The waivers of a parsed file; `root` (its YAML nodes) gives problems their line."""
    prefix: list[Any] = ["waivers"] if isinstance(data, dict) else []
    entries = data.get("waivers") if isinstance(data, dict) else data
    if entries is None:
        return ()
    if not isinstance(entries, list):
        raise WaiverError(source, "expected a list under 'waivers'", line_of(root, prefix))
    return tuple(
        _waiver(raw, index, source, root, [*prefix, index - 1])
        for index, raw in enumerate(entries, start=1)
    )


def _waiver(raw: Any, index: int, source: str, root: yaml.Node | None, at: list[Any]) -> Waiver:
    def fail(message: str, key: str | None = None) -> WaiverError:
        line = line_of(root, at if key is None else [*at, key])
        return WaiverError(source, f"waiver #{index}: {message}", line)

    if not isinstance(raw, dict):
        raise fail("expected a mapping")
    unknown = set(raw) - {*_REQUIRED, *_CONDITIONS}
    if unknown:
        raise fail(f"unknown keys {sorted(map(str, unknown))}", str(sorted(map(str, unknown))[0]))
    missing = [k for k in _REQUIRED if raw.get(k) is None or not str(raw[k]).strip()]
    if missing:
        raise fail(f"missing {', '.join(missing)}")
    if not any(raw.get(k) for k in _CONDITIONS):
        raise fail(f"needs at least one of {', '.join(_CONDITIONS)}")
    text: dict[str, str | None] = {}
    for key in (*_CONDITIONS, "justification", "owner"):
        value = raw.get(key)
        if value is None or value == "":
            text[key] = None
        elif not isinstance(value, str):
            raise fail(f"{key} must be text, not {type(value).__name__}", key)
        elif len(value) > _TEXT_MAX:
            raise fail(f"{key} is longer than {_TEXT_MAX} characters", key)
        else:
            text[key] = value.strip()
    expires = _date(raw["expires"])
    if expires is None:
        raise fail(f"expires must be a date (YYYY-MM-DD), not {_short(raw['expires'])}", "expires")
    return Waiver(
        justification=text["justification"] or "",
        owner=text["owner"] or "",
        expires=expires,
        rule=text["rule"].upper() if text["rule"] else None,
        fingerprint=text["fingerprint"],
        path=text["path"],
        endpoint=text["endpoint"],
        index=index,
    )


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:  # 2027-02-30, year 0000
        return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def load_waivers(path: Path) -> tuple[Waiver, ...]:
    data, root = load_yaml(path, "waivers file")
    return parse_waivers(data, str(path), root)
