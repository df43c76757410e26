"""The hostile-peer matrix: TLS peers that send endless records or messages, trickle or
only ever retry; STARTTLS servers whose lines never end; SSH peers that trickle, flood or
lie about lengths. Scanned together, every one ends in its error record within a few
--timeout, and nothing is credited that no completed handshake showed."""

from __future__ import annotations

import time

import pytest

from qscan.model import Finding
from qscan.pipeline import collect
from qscan.scan.interface import ScanOptions
from qscan.targets import parse_target
from tests.hostile import peers

TIMEOUT = 1.0
TLS = {
    "endless-ccs": (peers.endless_ccs, "not-tls"),
    "endless-handshake": (peers.endless_handshake, "not-tls"),
    "endless-message": (peers.endless_message, "oversized-response"),
    "trickle": (peers.trickle, "timeout"),
    "hrr-forever": (peers.hrr_forever, "no-tls"),
}
STARTTLS_KIND = {
    "smtp-endless-greeting": "oversized-response",
    "smtp-endless-ehlo": "oversized-response",
    "smtp-slow-lines": "timeout",
    "imap-endless-untagged": "oversized-response",
    "ftp-endless-greeting": "oversized-response",
    "pop3-endless-line": "oversized-response",
}


@pytest.fixture(scope="module")
def matrix():
    """name -> (target, expected error kind), the scan's records and its wall time."""
    served = peers.Peers()
    targets: dict[str, tuple[str, str]] = {}
    try:
        for name, (handler, kind) in TLS.items():
            targets[name] = (f"127.0.0.1:{served.serve(handler)}", kind)
        for name, (scheme, handler) in peers.STARTTLS.items():
            targets[name] = (f"{scheme}://127.0.0.1:{served.serve(handler)}", STARTTLS_KIND[name])
        for name, (handler, kind) in peers.SSH.items():
            targets[name] = (f"ssh://127.0.0.1:{served.serve(handler)}", kind)
        started = time.monotonic()
        findings, errors = collect(
            [parse_target(target) for target, _ in targets.values()],
            ScanOptions(timeout=TIMEOUT, retries=0),
        )
        elapsed = time.monotonic() - started
    finally:
        served.stop()
    return targets, findings, errors, elapsed


def test_the_whole_matrix_ends_within_a_few_timeouts(matrix):
    *_, elapsed = matrix
    assert elapsed < 5 * TIMEOUT + 2


@pytest.mark.parametrize("name", [*TLS, *STARTTLS_KIND, *peers.SSH])
def test_hostile_peer_ends_in_its_error_record(matrix, name):
    targets, findings, errors, _ = matrix
    target, kind = targets[name]
    kinds = [e.kind for e in errors if e.target == target]
    assert kinds == [kind], [(e.kind, e.message) for e in errors if e.target == target]


def test_hello_retry_request_alone_credits_nothing(matrix):
    targets, findings, errors, _ = matrix
    target = targets["hrr-forever"][0]
    assert not [f for f in findings if isinstance(f, Finding) and f.location.target == target]
    (error,) = [e for e in errors if e.target == target]
    assert "HelloRetryRequest" in error.message
