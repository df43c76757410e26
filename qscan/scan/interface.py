"""The scanner seam: a scanner turns one kind of target into findings and error records.

A scanner observes only; it never judges (that is qscan.assess). Adding a scanner means one
new module implementing one of these classes and one line in qscan.scan.registry.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from qscan.model import Finding, ScanError
from qscan.scan.limits import FILE_TIMEOUT, KdfBudget
from qscan.scan.storage import StorageFacts
from qscan.targets import Target

if TYPE_CHECKING:
    import asyncio

Record = Finding | ScanError


@dataclass(frozen=True)
class ScanOptions:
    max_file_size: int = 50 * 1024 * 1024
    passwords: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    timeout: float = 10.0
    concurrency: int = 64
    per_host: int = 4
    retries: int = 1
    rate: float | None = None
    sni: str | None = None
    profile: str = "full"
    workers: int = 0
    file_timeout: float = FILE_TIMEOUT
    """Seconds one file's analysis may take (plus a second per MiB); 0: no limit."""
    root: Path | None = None
    """The boundary of the scan (a repository root): no file outside it is read, not even
    one a configuration names (an sshd_config's HostKey, an nginx ssl_certificate_key), and
    such references inside it are followed also from a scanned folder."""
    progress: Callable[[str], None] | None = field(default=None, compare=False)


class FileScanner(ABC):
    """Scans paths on the local file system."""

    name: str

    @abstractmethod
    def accepts(self, target: Target) -> bool: ...

    @abstractmethod
    def scan(self, target: Target, options: ScanOptions) -> Iterator[Record]: ...


class Reader(Protocol):
    """The read side of a connection as the engine hands it out (an asyncio.StreamReader
    has the same methods): every read bounded in time and size by the engine."""

    async def read(self, n: int = -1) -> bytes: ...

    async def readexactly(self, n: int) -> bytes: ...

    async def readline(self) -> bytes: ...


class Net(Protocol):
    """The network as an endpoint scanner sees it: connections through the engine
    (qscan.scan.net.engine), which applies the limits and counts them."""

    @property
    def connections(self) -> Mapping[tuple[str, int], int]:
        """Connections opened so far per (host, port)."""
        ...

    def connect(
        self, host: str, port: int, *, timeout: float | None = None
    ) -> AbstractAsyncContextManager[tuple[Reader, asyncio.StreamWriter]]:
        """Open one TCP connection (within the per-host limit, the rate and the timeout)."""
        ...


class EndpointScanner(ABC):
    """Scans network endpoints; run by qscan.scan.net.engine, which owns concurrency,
    per-host limits, rate and retries. Every wait inside must honour options.timeout."""

    name: str

    @abstractmethod
    def accepts(self, target: Target) -> bool: ...

    @abstractmethod
    def scan(self, target: Target, options: ScanOptions, net: Net) -> AsyncIterator[Record]:
        """Open every connection through `net` so that limits and accounting apply."""


@dataclass(frozen=True)
class FileContext:
    """Where a file sits: `target` is the scan target as given, `relpath` the file's path
    relative to it (forward slashes; the file name itself for a single-file target).
    `kdf` is the key-derivation work the file may still spend on password attempts,
    shared by every analyzer of the file and the files it references. `storage` holds the
    file's permission bits and whether it is in a repository, written into its key-storage
    findings (None: not a file on disk, nothing observed)."""

    target: str
    path: Path
    relpath: str
    options: ScanOptions
    kdf: KdfBudget = field(default_factory=KdfBudget, compare=False)
    storage: StorageFacts | None = None


class FileAnalyzer(ABC):
    """Understands one kind of file content (certificates and keys, a config format, a
    programming language). The path scanner reads each file once and offers it to every
    analyzer whose `wants` accepts it."""

    name: str

    @abstractmethod
    def wants(self, path: Path, head: bytes) -> bool:
        """Cheap test on the name and the first bytes of the file."""

    @abstractmethod
    def analyze(self, data: bytes, ctx: FileContext) -> Iterator[Record]: ...

    def relate(self, records: Iterator[Record]) -> Iterator[Record]:
        """A pass over all the records of a path target, in walk order, in the scanning
        process (whichever process analysed each file): for relations across files."""
        return records
