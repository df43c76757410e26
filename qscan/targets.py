"""Parse scan targets: paths and endpoint URLs (DESIGN.md "The contract")."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from qscan.configfile import ConfigError, read_text
from qscan.model import Text, text_key

# Scheme -> (protocol family, default port). STARTTLS schemes upgrade a plaintext session.
SCHEMES: dict[str, tuple[str, int]] = {
    "tls": ("tls", 443),
    "https": ("tls", 443),
    "smtp": ("tls", 25),
    "submission": ("tls", 587),
    "smtps": ("tls", 465),
    "imap": ("tls", 143),
    "imaps": ("tls", 993),
    "pop3": ("tls", 110),
    "pop3s": ("tls", 995),
    "ftp": ("tls", 21),
    "ftps": ("tls", 990),
    "ldap": ("tls", 389),
    "ldaps": ("tls", 636),
    "postgres": ("tls", 5432),
    "postgresql": ("tls", 5432),
    "ssh": ("ssh", 22),
}

_ENDPOINT = re.compile(
    r"^(?:(?P<scheme>[a-z][a-z0-9+.-]*)://)?(?P<host>\[[^\]]+\]|[^\s:/\[\]]+)(?::(?P<port>\d{1,5}))?/?$"
)


class TargetError(ValueError):
    """A target string that is neither an existing path nor a valid endpoint."""


@dataclass(frozen=True)
class Target:
    raw: str
    kind: str  # "path" | "tls" | "ssh"
    path: Path | None = None
    host: str | None = None
    port: int | None = None
    scheme: str | None = None
    sni: str | None = None
    files: tuple[str, ...] = ()
    """Of a folder target, only these files (paths relative to it, forward slashes): the
    files of one commit, scanned as the repository's own with repository-relative paths."""
    covered: tuple[str, ...] = ()
    """Paths inside this (folder) target, relative to it, that other targets of the same scan
    cover: its walk leaves them out (see `arrange`)."""

    @property
    def service(self) -> str | None:
        return self.scheme

    @property
    def display(self) -> str:
        if self.kind == "path":
            return str(self.path)
        host = f"[{self.host}]" if self.host and ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def parse_target(raw: str, sni: str | None = None) -> Target:
    """A path if it exists or looks like one; an endpoint if it has a port or a scheme."""
    text = raw.strip()
    if not text:
        raise TargetError("empty target")
    if "://" not in text and (Path(text).exists() or "/" in text or text.startswith(".")):
        return Target(raw=raw, kind="path", path=Path(text))
    match = _ENDPOINT.match(text)
    if not match:
        raise TargetError(f"not a path or endpoint: {raw!r}")
    scheme = (match["scheme"] or "").lower()
    if scheme and scheme not in SCHEMES:
        raise TargetError(f"unknown scheme {scheme!r} in {raw!r}")
    if not scheme and not match["port"]:
        raise TargetError(f"{raw!r} does not exist as a path; an endpoint needs a port or a scheme")
    host = match["host"].strip("[]")
    if match["host"].startswith("["):
        try:
            ipaddress.IPv6Address(host)
        except ValueError as exc:
            raise TargetError(f"bad IPv6 literal in {raw!r}") from exc
    kind, default_port = SCHEMES[scheme or "tls"]
    port = int(match["port"]) if match["port"] else default_port
    if not 0 < port < 65536:
        raise TargetError(f"port out of range in {raw!r}")
    return Target(
        raw=raw, kind=kind, host=host, port=port, scheme=scheme or "tls", sni=sni or _sni(host)
    )


def under_root(targets: list[Target], root: Path) -> list[Target]:
    """Path targets that are files inside `root` become one folder target, `root` limited to
    those files (so their findings carry repository-relative paths and the commit is scanned
    as one); folders and endpoints stay as they are. A path outside `root` is a TargetError."""
    base = root.resolve()
    files: list[str] = []
    out: list[Target] = []
    for target in targets:
        if target.kind != "path" or target.path is None:
            out.append(target)
            continue
        folder = target.path.is_dir()
        # a file's own name is kept (a symlink is not followed; the walk skips it)
        resolved = (
            target.path.resolve() if folder else target.path.parent.resolve() / target.path.name
        )
        if resolved != base and base not in resolved.parents:
            raise TargetError(f"{target.raw} is outside --root {root}")
        if folder:
            out.append(target)
        else:
            files.append(resolved.relative_to(base).as_posix())
    if files:
        out.insert(0, Target(raw=str(root), kind="path", path=root, files=tuple(files)))
    return out


@dataclass(frozen=True)
class Arranged:
    """A target list with every file read once: `targets` to scan, and what changed, as
    (target, kind, message, its message key) for a note: a path listed again
    ("duplicate-target"), a path inside another target ("nested-target")."""

    targets: list[Target]
    changes: list[tuple[Target, str, str, Text]]


def arrange(targets: Sequence[Target]) -> Arranged:
    """A path target that names the same file or folder as an earlier one (however it is
    spelt) is dropped; one inside a folder target stays a target of its own and the folder's
    walk leaves it out, so that its findings belong to the more specific target (and, in an
    estate, to the system that lists it)."""
    first: dict[Path, Target] = {}
    changes: list[tuple[Target, str, str, Text]] = []
    kept: list[Target] = []
    for target in targets:
        real = _real(target)
        if real is not None and real in first:
            message = f"the same as {first[real].raw}: scanned once"
            said = text_key("target.duplicate", first=first[real].raw)
            changes.append((target, "duplicate-target", message, said))
            continue
        if real is not None:
            first[real] = target
        kept.append(target)
    out = []
    for target in kept:
        real = _real(target)
        if real is None:
            out.append(target)
            continue
        inner = [(r, t) for r, t in first.items() if real in r.parents]
        for _, t in inner:
            message = f"inside {target.raw}: scanned once, as a target of its own"
            said = text_key("target.nested", outer=target.raw)
            changes.append((t, "nested-target", message, said))
        covered = tuple(sorted(os.path.relpath(r, real).replace(os.sep, "/") for r, _ in inner))
        out.append(replace(target, covered=covered) if covered else target)
    return Arranged(out, changes)


def _real(target: Target) -> Path | None:
    """Where a path target really is; a symlink loop stays as written (its scan reports it)."""
    if target.kind != "path" or target.path is None:
        return None
    try:
        return target.path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(target.path))


def _sni(host: str) -> str | None:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host
    return None


def read_targets_file(path: Path) -> list[str]:
    """One target per line; blank lines and '#' comments ignored. ConfigError (naming the
    line) for a file that cannot be read or a line that is no target."""
    lines = []
    for number, line in enumerate(read_text(path, "targets file").splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            parse_target(text)
        except TargetError as exc:
            raise ConfigError(str(path), str(exc), number) from None
        lines.append(text)
    return lines
