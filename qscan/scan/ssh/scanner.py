"""The SSH endpoint scanner: banner and KEXINIT from one connection, then one key exchange
per host key type, up to the server's reply, to inventory every host key. Never
authenticates; every connection goes through the engine's Net (limits, accounting) and
ends at options.timeout at the latest."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from qscan.model import Finding, Location, ScanError, Text, text_key
from qscan.protocols import ssh as data
from qscan.scan.interface import EndpointScanner, Net, Record, ScanOptions
from qscan.scan.ssh.banner import Banner, read_banner
from qscan.scan.ssh.hostkeys import parse_host_key
from qscan.scan.ssh.kex import SUPPORTED, client_kex
from qscan.scan.ssh.kexinit import KexInit, negotiate, parse_kexinit
from qscan.scan.ssh.transport import Transport
from qscan.scan.ssh.wire import SshError
from qscan.targets import Target
from qscan.version import __version__

CLIENT_BANNER = f"SSH-2.0-qscan_{__version__}\r\n".encode("ascii")
STRICT_KEX_SERVER = "kex-strict-s-v00@openssh.com"


@dataclass
class Session:
    """What one connection got before it ended (a failure keeps what came before it)."""

    banner: Banner | None = None
    kexinit: KexInit | None = None
    host_key_algorithm: str | None = None
    host_key_blob: bytes | None = None
    error: SshError | None = None


async def run_session(
    net: Net,
    target: Target,
    options: ScanOptions,
    want: str | None,
    on_kexinit: Callable[[KexInit], None] | None = None,
) -> Session:
    """Connect, read banner and KEXINIT; with `want` (a host key algorithm, or "" for the
    first one the server offers) also run a key exchange up to the host key. `on_kexinit`
    hears the server's KEXINIT as soon as it arrives, before the key exchange."""
    session = Session()
    async with net.connect(target.host or "", target.port or 22) as (reader, writer):
        transport = Transport(reader, writer, options.timeout)
        try:
            transport.write(CLIENT_BANNER)
            session.banner = await read_banner(transport)
            if session.banner.ssh1_only:
                return session
            payload = await transport.read_message({20}, "KEXINIT")
            session.kexinit = server = parse_kexinit(payload)
            if on_kexinit is not None:
                on_kexinit(server)
            if want is None:
                return session
            algorithm = (want or server.host_key[0]) if server.host_key else None
            method = negotiate(list(SUPPORTED), server.kex)
            if algorithm is None or method is None:
                return session
            session.host_key_algorithm = algorithm
            kex = client_kex(method)
            transport.send(_client_kexinit(server, method, algorithm).encode())
            session.host_key_blob = await kex.host_key(transport)
        except SshError as exc:
            session.error = exc
    return session


def _client_kexinit(server: KexInit, method: str, host_key_algorithm: str) -> KexInit:
    """Offer exactly one kex method and host key algorithm, and echo the server's own
    cipher, MAC and compression lists so that negotiation cannot fail on them."""
    return KexInit(
        kex=[method],
        host_key=[host_key_algorithm],
        ciphers_c2s=server.ciphers_c2s,
        ciphers_s2c=server.ciphers_s2c,
        macs_c2s=server.macs_c2s,
        macs_s2c=server.macs_s2c,
        compression_c2s=server.compression_c2s,
        compression_s2c=server.compression_s2c,
        languages_c2s=[],
        languages_s2c=[],
    )


def host_key_groups(algorithms: list[str]) -> list[list[str]]:
    """Host key algorithms grouped by the key (or certificate) type they are served with,
    in server order: rsa-sha2-512, rsa-sha2-256 and ssh-rsa all fetch the same RSA key."""
    groups: dict[str, list[str]] = {}
    for name in algorithms:
        spec = data.lookup(data.HOST_KEY, name)
        groups.setdefault(spec.key_type if spec and spec.key_type else name, []).append(name)
    return list(groups.values())


class SshScanner(EndpointScanner):
    name = "ssh"

    def accepts(self, target: Target) -> bool:
        return target.kind == "ssh"

    async def scan(self, target: Target, options: ScanOptions, net: Net) -> AsyncIterator[Record]:
        base = Location(target=target.raw, host=target.host, port=target.port, service="ssh")
        first, fetched = await _sessions(net, target, options)
        if first.banner is None or (first.kexinit is None and not first.banner.ssh1_only):
            yield _error(
                target, first.error or SshError("ssh-protocol-error", "no KEXINIT"), first.banner
            )
            return
        banner = first.banner
        if first.kexinit is None:
            yield data.protocol_finding(
                base,
                [],
                protocol_version=banner.protocol,
                evidence=banner.raw,
                context=_banner_context(banner),
            )
            return
        server = first.kexinit
        for finding in _algorithm_findings(server, banner, base):
            yield finding
        for record in _host_key_records(target, base, server, [first, *fetched]):
            yield record


async def _sessions(
    net: Net, target: Target, options: ScanOptions
) -> tuple[Session, list[Session]]:
    """The first session (banner, KEXINIT, the first host key) and, started the moment its
    KEXINIT arrives, one session per further host key type."""
    announced: asyncio.Future[KexInit] = asyncio.get_running_loop().create_future()

    def on_kexinit(server: KexInit) -> None:
        if not announced.done():
            announced.set_result(server)

    first_task = asyncio.ensure_future(run_session(net, target, options, "", on_kexinit))
    follow_ups: list[asyncio.Future[Session]] = []
    try:
        started: set[asyncio.Future[Any]] = {first_task, announced}
        await asyncio.wait(started, return_when=asyncio.FIRST_COMPLETED)
        if announced.done():
            server = announced.result()
            if negotiate(list(SUPPORTED), server.kex) is not None:
                follow_ups = [
                    asyncio.ensure_future(_fetch(net, target, options, group[0]))
                    for group in host_key_groups(server.host_key)[1:]
                ]
        first = await first_task
        return first, list(await asyncio.gather(*follow_ups))
    except BaseException:
        for task in (first_task, *follow_ups):
            task.cancel()
        raise


def _banner_context(banner: Banner) -> dict[str, object]:
    context: dict[str, object] = {
        "banner": banner.raw,
        "software": banner.software,
        "product": banner.product,
        "software_version": banner.version,
        "ssh1_supported": banner.protocol == "1.99",
    }
    if banner.comments:
        context["comments"] = banner.comments[:200]
    version = data.openssh_version(banner.software)
    if version:
        context["openssh_version"] = version
        pq_kex = data.openssh_pq_kex(version)
        if pq_kex:
            context["openssh_pq_kex"] = pq_kex
    return context


def _algorithm_findings(server: KexInit, banner: Banner, base: Location) -> list[Finding]:
    strict = STRICT_KEX_SERVER in server.kex
    cbc = any(
        (spec := data.lookup(data.CIPHERS, name)) is not None and spec.params.get("mode") == "CBC"
        for name in server.ciphers_c2s + server.ciphers_s2c
    )
    context = {
        **_banner_context(banner),
        "strict_kex": strict,
        "ext_info": "ext-info-s" in server.kex,
    }
    findings = [
        data.protocol_finding(
            base, server.kex, protocol_version="2.0", evidence=banner.raw, context=context
        ),
        *data.kex_findings(server.kex, base),
        *data.host_key_algorithm_findings(server.host_key, base),
    ]
    for builder, c2s, s2c, extra in (
        (data.cipher_findings, server.ciphers_c2s, server.ciphers_s2c, {"strict_kex": strict}),
        (
            data.mac_findings,
            server.macs_c2s,
            server.macs_s2c,
            {"strict_kex": strict, "cbc_offered": cbc},
        ),
        (data.compression_findings, server.compression_c2s, server.compression_s2c, {}),
    ):
        findings += builder(c2s, base, context=extra)
        findings += [
            f
            for f in builder(s2c, base, context={**extra, "direction": "server-to-client"})
            if f.params["ssh_name"] not in c2s
        ]
    return findings


def _host_key_records(
    target: Target, base: Location, server: KexInit, sessions: list[Session]
) -> Iterator[Record]:
    if not server.host_key:
        return
    if negotiate(list(SUPPORTED), server.kex) is None:
        yield ScanError(
            target=target.raw,
            kind="ssh-unsupported-kex",
            message="host keys not retrieved: qscan implements none of the offered key exchange methods "
            + ",".join(server.kex)[:300],
            host=target.host,
            port=target.port,
            texts={"message": text_key("ssh.unsupported-kex", methods=",".join(server.kex)[:300])},
        )
        return
    by_algorithm = {s.host_key_algorithm: s for s in sessions if s.host_key_algorithm}
    seen: set[str] = set()
    for group in host_key_groups(server.host_key):
        session = next((by_algorithm[a] for a in group if a in by_algorithm), None)
        if session is None or session.host_key_blob is None:
            error = (
                session.error if session and session.error else SshError("ssh-host-key", "no reply")
            )
            yield _error(
                target,
                error,
                None,
                prefix=f"host key for {group[0]} not retrieved: ",
                text=text_key("ssh.host-key-missing", algorithm=group[0], detail=str(error)),
            )
            continue
        try:
            key = parse_host_key(session.host_key_blob)
        except SshError as exc:
            yield _error(
                target,
                exc,
                None,
                prefix=f"host key for {group[0]}: ",
                text=text_key("ssh.host-key-bad", algorithm=group[0], detail=str(exc)),
            )
            continue
        if key.fingerprint_sha256 in seen:
            continue
        seen.add(key.fingerprint_sha256)
        yield data.host_key_finding(key, base, host_key_algorithms=group)


async def _fetch(net: Net, target: Target, options: ScanOptions, algorithm: str) -> Session:
    try:
        session = await run_session(net, target, options, algorithm)
    except (OSError, TimeoutError) as exc:
        session = Session(error=SshError("connection-error", str(exc) or type(exc).__name__))
    session.host_key_algorithm = algorithm
    return session


def _error(
    target: Target,
    exc: SshError,
    banner: Banner | None,
    prefix: str = "",
    text: Text | None = None,
) -> ScanError:
    """The error record of a failed session; `text` is the message key of the prefix and
    the exception's text."""
    detail = f" (banner {banner.raw!r})" if banner else ""
    if banner:
        text = text_key("ssh.banner", message=text or str(exc), banner=repr(banner.raw))
    return ScanError(
        target=target.raw,
        kind=exc.kind,
        message=f"{prefix}{exc}{detail}",
        host=target.host,
        port=target.port,
        texts=None if text is None else {"message": text},
    )
