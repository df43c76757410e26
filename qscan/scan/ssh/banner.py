"""The identification string exchange (RFC 4253 §4.2): the server's version line, after any
number of other lines, and what it says about the protocol and the software."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qscan.scan.ssh.transport import Transport
from qscan.scan.ssh.wire import SshError

MAX_LINE = 8192
"""Per line; RFC 4253 allows 255 bytes for the version line, real servers stay far below."""
MAX_PRE_LINES = 64
"""Lines a server may send before its version line."""

_SOFTWARE = re.compile(r"^(?P<product>.+?)[_-](?P<version>\d[\w.+~-]*)$")


@dataclass(frozen=True)
class Banner:
    raw: str
    protocol: str
    software: str
    comments: str
    product: str
    version: str | None

    @property
    def ssh1_only(self) -> bool:
        return self.protocol.startswith("1.") and self.protocol != "1.99"


def printable(data: bytes, limit: int = 255) -> str:
    """A display-safe copy of peer text: non-printable bytes become '?', then truncated."""
    text = "".join(chr(b) if 0x20 <= b < 0x7F else "?" for b in data[:limit])
    return text + ("..." if len(data) > limit else "")


def parse_banner(line: bytes) -> Banner:
    if not line.startswith(b"SSH-"):
        raise SshError("ssh-bad-banner", f"not an SSH version line: {printable(line, 80)!r}")
    text = printable(line, MAX_LINE)
    ident, _, comments = text.partition(" ")
    parts = ident.split("-", 2)
    if len(parts) < 3 or not re.fullmatch(r"\d+\.\d+", parts[1]):
        raise SshError("ssh-bad-banner", f"malformed SSH version line: {printable(line, 80)!r}")
    software = parts[2]
    match = _SOFTWARE.match(software)
    return Banner(
        raw=printable(line),
        protocol=parts[1],
        software=software,
        comments=comments,
        product=match["product"] if match else software,
        version=match["version"] if match else None,
    )


async def read_banner(transport: Transport) -> Banner:
    first: bytes | None = None
    for _ in range(MAX_PRE_LINES + 1):
        try:
            line = await transport.read_line(MAX_LINE, "SSH version line")
        except SshError as exc:
            if exc.kind != "connection-closed":
                raise
            if first is not None:
                raise SshError(
                    "ssh-bad-banner", f"not an SSH server, it sent {printable(first, 80)!r}"
                ) from None
            raise SshError("ssh-no-banner", str(exc)) from None
        if line.startswith(b"SSH-"):
            return parse_banner(line)
        if b"\x00" in line:
            raise SshError(
                "ssh-bad-banner", f"binary data instead of an SSH banner: {printable(line, 40)!r}"
            )
        first = line if first is None else first
    raise SshError("ssh-bad-banner", f"no SSH version line within {MAX_PRE_LINES} lines")
