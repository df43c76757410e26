"""Just enough of the Java object serialization stream format (Java Object Serialization
Specification, chapter 6) to read a JCEKS sealed secret key and a SecretKeySpec: objects with
primitive, String and byte[] fields. Never instantiates anything."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

from qscan.scan.limits import MAX_JAVA_DEPTH

MAGIC = b"\xac\xed\x00\x05"
TC_NULL, TC_REFERENCE, TC_CLASSDESC, TC_OBJECT, TC_STRING, TC_ARRAY = range(0x70, 0x76)
TC_BLOCKDATA, TC_ENDBLOCKDATA = 0x77, 0x78
TC_BLOCKDATALONG, TC_LONGSTRING = 0x7A, 0x7C
SC_WRITE_METHOD, SC_SERIALIZABLE = 0x01, 0x02
BASE_HANDLE = 0x7E0000
_PRIMITIVE = {
    "B": ">b",
    "C": ">H",
    "D": ">d",
    "F": ">f",
    "I": ">i",
    "J": ">q",
    "S": ">h",
    "Z": ">?",
}


class JavaSerError(ValueError):
    """A stream this reader does not understand."""


@dataclass
class ClassDesc:
    name: str
    flags: int
    fields: list[tuple[str, str, str | None]]
    """(type code, field name, class name for object fields)"""
    super: ClassDesc | None


@dataclass
class JavaObject:
    class_name: str
    fields: dict[str, Any] = field(default_factory=dict)


class Reader:
    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos
        self.handles: list[Any] = []
        self.depth = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise JavaSerError("truncated Java serialization stream")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> Any:
        size = struct.calcsize(fmt)
        return struct.unpack(fmt, self.take(size))[0]

    def utf(self) -> str:
        return self.take(self.unpack(">H")).decode("utf-8", "replace")

    def stream(self) -> Any:
        """Read the stream header and one top-level object."""
        if self.take(4) != MAGIC:
            raise JavaSerError("not a Java serialization stream")
        self.handles = []
        return self.content()

    def content(self) -> Any:
        """One content element; objects, arrays and class descriptors nest at most
        MAX_JAVA_DEPTH deep."""
        if self.depth >= MAX_JAVA_DEPTH:
            raise JavaSerError(f"objects nested deeper than {MAX_JAVA_DEPTH}")
        self.depth += 1
        try:
            return self._content()
        finally:
            self.depth -= 1

    def _content(self) -> Any:
        tag = self.take(1)[0]
        if tag == TC_NULL:
            return None
        if tag == TC_REFERENCE:
            handle = self.unpack(">i") - BASE_HANDLE
            if not 0 <= handle < len(self.handles):
                raise JavaSerError("bad back reference")
            return self.handles[handle]
        if tag == TC_STRING:
            value = self.utf()
            self.handles.append(value)
            return value
        if tag == TC_LONGSTRING:
            value = self.take(self.unpack(">q")).decode("utf-8", "replace")
            self.handles.append(value)
            return value
        if tag == TC_CLASSDESC:
            return self._class_desc()
        if tag == TC_ARRAY:
            return self._array()
        if tag == TC_OBJECT:
            return self._object()
        raise JavaSerError(f"unsupported serialization tag 0x{tag:02x}")

    def _class_desc(self) -> ClassDesc:
        name = self.utf()
        self.take(8)  # serialVersionUID
        desc = ClassDesc(name=name, flags=0, fields=[], super=None)
        self.handles.append(desc)
        desc.flags = self.take(1)[0]
        for _ in range(self.unpack(">H")):
            code = chr(self.take(1)[0])
            field_name = self.utf()
            class_name = self.content() if code in "L[" else None
            desc.fields.append((code, field_name, class_name))
        self._skip_annotation()
        parent = self.content()
        desc.super = parent if isinstance(parent, ClassDesc) else None
        return desc

    def _skip_annotation(self) -> None:
        while True:
            tag = self.data[self.pos] if self.pos < len(self.data) else None
            if tag is None:
                raise JavaSerError("truncated class annotation")
            if tag == TC_ENDBLOCKDATA:
                self.pos += 1
                return
            if tag == TC_BLOCKDATA:
                self.pos += 1
                self.take(self.take(1)[0])
            elif tag == TC_BLOCKDATALONG:
                self.pos += 1
                self.take(self.unpack(">i"))
            else:
                self.content()

    def _array(self) -> Any:
        desc = self.content()
        if not isinstance(desc, ClassDesc):
            raise JavaSerError("array without a class")
        size = self.unpack(">i")
        code = desc.name[1:2]
        if code in _PRIMITIVE:  # kept as its bytes (byte[] is what JCEKS needs)
            value: Any = self.take(size * struct.calcsize(_PRIMITIVE[code]))
        else:
            value = [self.content() for _ in range(size)]
        self.handles.append(value)
        return value

    def _object(self) -> JavaObject:
        desc = self.content()
        if not isinstance(desc, ClassDesc):
            raise JavaSerError("object without a class")
        obj = JavaObject(desc.name)
        self.handles.append(obj)
        chain: list[ClassDesc] = []
        current: ClassDesc | None = desc
        while current is not None:
            if len(chain) >= MAX_JAVA_DEPTH or any(c is current for c in chain):
                raise JavaSerError(
                    f"class {desc.name!r} has a circular or endless superclass chain"
                )
            chain.append(current)
            current = current.super
        for cls in reversed(chain):
            if not cls.flags & SC_SERIALIZABLE:
                continue
            for code, name, _ in cls.fields:
                obj.fields[name] = (
                    self.unpack(_PRIMITIVE[code]) if code in _PRIMITIVE else self.content()
                )
            if cls.flags & SC_WRITE_METHOD:
                self._skip_annotation()
        return obj
