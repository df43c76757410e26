"""SSH wire encoding (RFC 4251 §5): byte, boolean, uint32, uint64, string, mpint, name-list,
read with bounds checks so that hostile input raises SshError instead of IndexError."""

from __future__ import annotations

import struct


class SshError(Exception):
    """A protocol problem with one endpoint; `kind` becomes the ScanError kind."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def malformed(message: str) -> SshError:
    return SshError("ssh-malformed-packet", message)


class Buffer:
    """A cursor over one message payload."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def remaining(self) -> int:
        return len(self.data) - self.pos

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise malformed(
                f"field of {n} bytes runs past the end of a {len(self.data)}-byte message"
            )
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def byte(self) -> int:
        return self.take(1)[0]

    def boolean(self) -> bool:
        return self.byte() != 0

    def uint32(self) -> int:
        return struct.unpack(">I", self.take(4))[0]

    def uint64(self) -> int:
        return struct.unpack(">Q", self.take(8))[0]

    def string(self) -> bytes:
        return self.take(self.uint32())

    def mpint(self) -> int:
        return int.from_bytes(self.string(), "big", signed=True)

    def name_list(self) -> list[str]:
        raw = self.string()
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            raise malformed("name-list is not US-ASCII") from None
        if any(ord(c) < 0x21 or ord(c) > 0x7E for c in text.replace(",", "")):
            raise malformed("name-list holds control characters or spaces")
        return [n for n in text.split(",") if n]


def u32(value: int) -> bytes:
    return struct.pack(">I", value)


def string(value: bytes | str) -> bytes:
    data = value.encode("ascii") if isinstance(value, str) else value
    return u32(len(data)) + data


def mpint(value: int) -> bytes:
    if value == 0:
        return u32(0)
    length = (value.bit_length() + 8) // 8
    return string(value.to_bytes(length, "big", signed=True))


def name_list(names: list[str] | tuple[str, ...]) -> bytes:
    return string(",".join(names))
