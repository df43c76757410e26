"""The TLS endpoint scanner: a wire-level probe (our own ClientHello builder and server message
parsers) for versions, groups (incl. ML-KEM hybrids), suites, curves, DH sizes and signature
schemes, plus one real pyOpenSSL handshake for the certificate chain."""

from qscan.scan.tls.scanner import TLSScanner

__all__ = ["TLSScanner"]
