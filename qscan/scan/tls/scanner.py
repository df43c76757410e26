"""The EndpointScanner for TLS targets (tls://, https://, host:port, and the STARTTLS
schemes smtp, submission, imap, pop3, ftp, ldap, postgres)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from qscan.model import ScanError
from qscan.scan.interface import EndpointScanner, Net, Record, ScanOptions
from qscan.scan.tls.collect import collect, describe
from qscan.scan.tls.findings import endpoint_records
from qscan.scan.tls.probe import Endpoint
from qscan.scan.tls.starttls import StartTLSError
from qscan.scan.tls.wire import NotTLS
from qscan.targets import Target


class TLSScanner(EndpointScanner):
    name = "tls"

    def accepts(self, target: Target) -> bool:
        return target.kind == "tls"

    async def scan(self, target: Target, options: ScanOptions, net: Net) -> AsyncIterator[Record]:
        host, port = target.host or "", target.port or 0
        endpoint = Endpoint(
            net=net,
            host=host,
            port=port,
            scheme=target.scheme or "tls",
            sni=target.sni,
            timeout=options.timeout,
        )
        try:
            results = await collect(endpoint, full=options.profile != "quick")
        except (NotTLS, StartTLSError) as exc:
            kind = "starttls-failed" if isinstance(exc, StartTLSError) else "not-tls"
            yield ScanError(
                target=target.raw, kind=kind, message=describe(exc), host=host, port=port
            )
            return
        except TimeoutError:
            raise TimeoutError(
                f"no answer within {options.timeout:g}s to the first ClientHello"
            ) from None
        for record in endpoint_records(target, results, net.connections[(host, port)]):
            yield record
