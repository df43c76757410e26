"""Hostile peers: each yields an error record, and the other endpoints of the scan complete."""

import pytest

from tests.scan.tls.servers import hostile_server, pyopenssl_server

pytestmark = pytest.mark.slow

EXPECTED = {
    "close": ("no-tls", "connection closed"),
    "garbage": ("not-tls", "not a tls record"),
    "stall": ("timeout", "no answer"),
    "silent": ("timeout", "no answer"),
    "reset": ("connection-error", "reset"),
    "alert": ("no-tls", "handshake_failure"),
}


def test_hostile_peers_become_error_records(chains, scan):
    peers = {name: hostile_server(name) for name in EXPECTED}
    good = pyopenssl_server(chains["rsa"])
    try:
        result = scan(good.address, *(p.address for p in peers.values()), timeout=1.0)
    finally:
        for server in (*peers.values(), good):
            server.stop()
    assert result.endpoint(good.port).algorithm == "X25519MLKEM768"
    assert not result.errors_for(good.port)
    for name, server in peers.items():
        kind, text = EXPECTED[name]
        errors = result.errors_for(server.port)
        assert [e.kind for e in errors] == [kind], (name, errors)
        assert text in errors[0].message.lower(), (name, errors[0].message)
        assert not result.at(server.port), name
