import pytest

from qscan.targets import TargetError, parse_target, read_targets_file


@pytest.mark.parametrize(
    ("raw", "kind", "host", "port", "scheme", "sni"),
    [
        ("example.org:443", "tls", "example.org", 443, "tls", "example.org"),
        ("tls://example.org", "tls", "example.org", 443, "tls", "example.org"),
        ("[::1]:8443", "tls", "::1", 8443, "tls", None),
        ("tls://[2001:db8::1]:443", "tls", "2001:db8::1", 443, "tls", None),
        ("127.0.0.1:4433", "tls", "127.0.0.1", 4433, "tls", None),
        ("smtp://mail.example.org", "tls", "mail.example.org", 25, "smtp", "mail.example.org"),
        ("smtp://mail.example.org:587", "tls", "mail.example.org", 587, "smtp", "mail.example.org"),
        ("imap://h:143", "tls", "h", 143, "imap", "h"),
        ("ldap://h", "tls", "h", 389, "ldap", "h"),
        ("postgres://db:5432", "tls", "db", 5432, "postgres", "db"),
        ("ssh://git.example.org", "ssh", "git.example.org", 22, "ssh", "git.example.org"),
        ("ssh://[::1]:2222", "ssh", "::1", 2222, "ssh", None),
    ],
)
def test_endpoints(raw, kind, host, port, scheme, sni):
    t = parse_target(raw)
    assert (t.kind, t.host, t.port, t.scheme, t.sni) == (kind, host, port, scheme, sni)


def test_sni_override_and_paths(tmp_path):
    assert parse_target("10.0.0.1:443", sni="www.example.org").sni == "www.example.org"
    assert parse_target(str(tmp_path)).kind == "path"
    assert parse_target("./relative/thing").kind == "path"


@pytest.mark.parametrize("raw", ["", "gopher://h:70", "[not-v6]:443", "h:70000", "justaname"])
def test_bad_targets(raw):
    with pytest.raises(TargetError):
        parse_target(raw)


def test_targets_file_skips_comments(tmp_path):
    f = tmp_path / "targets.txt"
    f.write_text("# estate\nexample.org:443  # web\n\nssh://h\n")
    assert read_targets_file(f) == ["example.org:443", "ssh://h"]
