"""SSH keys: public key lines (*.pub, authorized_keys, known_hosts), OpenSSH certificates,
`openssh-key-v1` private keys, PuTTY PPK and RFC 4716 files. The key type and size come from
the public key blob (RFC 4253 §6.6 wire format), readable without any passphrase."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qscan.catalog import UNKNOWN, catalog
from qscan.model import Finding, Text, text_key
from qscan.scan.certs.algorithms import KeyInfo, function_of, label
from qscan.scan.certs.findings import epoch_text, short
from qscan.scan.certs.keys import PrivateKey
from qscan.scan.limits import MAX_PPK_LINES, MAX_RECORDS_PER_FILE

if TYPE_CHECKING:
    from qscan.scan.certs.collect import Blob

CERT_SUFFIX = "-cert-v01@openssh.com"
OPENSSH_MAGIC = b"openssh-key-v1\x00"

# A key type followed by base64 that starts like a wire blob ("AAAA" = 32-bit length).
_KEY_LINE = re.compile(
    rb"(?:^|[\s,])((?:ssh|ecdsa|sk|rsa|x509v3)-[A-Za-z0-9@._-]+)[ \t]+(AAAA[A-Za-z0-9+/]+={0,2})"
)
_AUTHORIZED_OPTIONS = re.compile(r'(?:^|,)\s*([a-zA-Z0-9-]+)(?:="(?:[^"\\]|\\.)*")?', re.ASCII)
_KNOWN_OPTIONS = frozenset(
    {
        "agent-forwarding", "cert-authority", "command", "environment", "expiry-time", "from",
        "no-agent-forwarding", "no-port-forwarding", "no-pty", "no-user-rc",
        "no-x11-forwarding", "permitlisten", "permitopen", "port-forwarding", "principals",
        "pty", "no-touch-required", "restrict", "touch-required", "tunnel", "user-rc",
        "verify-required", "x11-forwarding",
    }
)  # fmt: skip


class SshError(ValueError):
    """A malformed SSH key blob."""


@dataclass(frozen=True, slots=True)
class SshKey:
    key: KeyInfo
    key_type: str
    fingerprint: str
    """OpenSSH-style SHA256:... of the public key blob."""
    certificate: dict[str, Any] | None = None


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def uint32(self) -> int:
        if self.pos + 4 > len(self.data):
            raise SshError("truncated SSH key blob")
        (value,) = struct.unpack_from(">I", self.data, self.pos)
        self.pos += 4
        return value

    def uint64(self) -> int:
        if self.pos + 8 > len(self.data):
            raise SshError("truncated SSH key blob")
        (value,) = struct.unpack_from(">Q", self.data, self.pos)
        self.pos += 8
        return value

    def string(self) -> bytes:
        length = self.uint32()
        if self.pos + length > len(self.data):
            raise SshError("truncated SSH key blob")
        value = self.data[self.pos : self.pos + length]
        self.pos += length
        return value

    def text(self) -> str:
        return self.string().decode("utf-8", "replace")

    def mpint_bits(self) -> int:
        return int.from_bytes(self.string(), "big").bit_length()


def openssh_fingerprint(blob: bytes) -> str:
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def describe_blob(blob: bytes) -> SshKey:
    """Decode an SSH public key blob (plain key or OpenSSH certificate)."""
    reader = _Reader(blob)
    key_type = reader.text()
    certificate = None
    if key_type.endswith(CERT_SUFFIX):
        reader.string()  # nonce
        base_type = key_type[: -len(CERT_SUFFIX)]
        key = _key_fields(base_type, reader)
        certificate = _certificate_fields(reader)
    else:
        key = _key_fields(key_type, reader)
    return SshKey(key, key_type, openssh_fingerprint(blob), certificate)


def _key_fields(key_type: str, reader: _Reader) -> KeyInfo:
    params: dict[str, Any] = {"ssh_key_type": key_type}
    context: dict[str, Any] = {}
    base = key_type
    if key_type.startswith("sk-"):
        context["security_key"] = True
        base = key_type[3:].split("@")[0]
    if base == "ssh-rsa":
        reader.string()  # e
        params["bits"] = reader.mpint_bits()
        algorithm = "RSA"
    elif base == "ssh-dss":
        params["bits"] = reader.mpint_bits()
        for _ in range(3):
            reader.string()
        algorithm = "DSA"
    elif base.startswith("ecdsa-sha2-"):
        curve_id = reader.text()
        point = reader.string()
        curve = catalog().curve(curve_id)
        params["curve"] = curve.name if curve else curve_id
        if curve:
            params["bits"] = curve.size
        elif point[:1] == b"\x04":
            params["bits"] = (len(point) - 1) // 2 * 8
        algorithm = "ECDSA"
    elif base in ("ssh-ed25519", "ssh-ed448"):
        reader.string()
        algorithm = "Ed25519" if base == "ssh-ed25519" else "Ed448"
    else:
        algorithm = catalog().canonical(key_type) or UNKNOWN
    if key_type.startswith("sk-"):
        reader.string()  # application
    return KeyInfo(
        algorithm=algorithm,
        function=function_of(algorithm) if algorithm != UNKNOWN else "unknown",
        params=params,
        label=label(algorithm, params) if algorithm != UNKNOWN else f"SSH key type {key_type}",
        extra=context,
    )


_CERT_TYPES = {1: "user", 2: "host"}
KEY_ID_MAX = 200
PRINCIPALS_MAX = 50


def _certificate_fields(reader: _Reader) -> dict[str, Any]:
    """The OpenSSH certificate fields after the key (PROTOCOL.certkeys); validity as the
    seconds since the epoch it holds, `ca` None when the CA key is missing."""
    serial = reader.uint64()
    cert_type = reader.uint32()
    key_id = reader.text()
    principals_blob = _Reader(reader.string())
    principals = []
    while principals_blob.pos < len(principals_blob.data):
        principals.append(principals_blob.text())
    valid_after = reader.uint64()
    valid_before = reader.uint64()
    reader.string()  # critical options
    reader.string()  # extensions
    reader.string()  # reserved
    ca_blob = reader.string()
    signature = _Reader(reader.string())
    return {
        "serial": serial,
        "type": _CERT_TYPES.get(cert_type, str(cert_type)),
        "key_id": key_id[:KEY_ID_MAX],
        "principals": principals[:PRINCIPALS_MAX],
        "valid_after": valid_after,
        "valid_before": valid_before,
        "ca": describe_blob(ca_blob) if ca_blob else None,
        "signature_type": signature.text(),
    }


# --- findings ------------------------------------------------------------------------------

_SIGNATURE_HASH = {
    "ssh-rsa": "SHA-1",
    "rsa-sha2-256": "SHA-256",
    "rsa-sha2-512": "SHA-512",
    "ssh-dss": "SHA-1",
    "ecdsa-sha2-nistp256": "SHA-256",
    "ecdsa-sha2-nistp384": "SHA-384",
    "ecdsa-sha2-nistp521": "SHA-512",
}


def public_key_findings(
    ssh_key: SshKey,
    blob: Blob,
    line: int | None,
    component: str,
    context: dict[str, Any],
    evidence_prefix: str,
) -> list[Finding]:
    key = ssh_key.key
    cert = ssh_key.certificate
    cert_ctx: dict[str, Any] = {}
    if cert is not None:
        cert_ctx = {k: v for k, v in cert.items() if k != "ca"}
        cert_ctx["valid_after"] = epoch_text(cert["valid_after"])
        cert_ctx["valid_before"] = epoch_text(cert["valid_before"])
        if cert["ca"] is not None:
            cert_ctx["ca_fingerprint"] = cert["ca"].fingerprint
    ctx = {**context, **(key.extra or {}), **cert_ctx, "ssh_fingerprint": ssh_key.fingerprint}
    loc = blob.location(line, component)
    findings = [
        Finding(
            algorithm=key.algorithm,
            function=key.function,
            asset="key",
            location=loc,
            params=key.params,
            evidence=short(
                f"{evidence_prefix}{ssh_key.key_type} {key.label} {ssh_key.fingerprint}"
            ),
            context=ctx,
            identity=f"{ssh_key.fingerprint}/{component}",
            texts={
                "evidence": text_key(
                    "ssh.public-key",
                    prefix=evidence_prefix,
                    key_type=ssh_key.key_type,
                    key=key.label,
                    fingerprint=ssh_key.fingerprint,
                )
            },
        )
    ]
    if cert is not None and cert["ca"] is not None:
        ca: SshKey = cert["ca"]
        sig_type = cert["signature_type"]
        sig_params = {**ca.key.params, "ssh_signature_type": sig_type}
        if sig_type in _SIGNATURE_HASH:
            sig_params["hash"] = _SIGNATURE_HASH[sig_type]
        findings.append(
            Finding(
                algorithm=ca.key.algorithm,
                function="signature",
                asset="certificate",
                location=blob.location(line, f"{component} CA signature"),
                params=sig_params,
                evidence=short(
                    f"OpenSSH certificate signed by {ca.key_type} {ca.key.label} CA {ca.fingerprint} ({sig_type})"
                ),
                context={**cert_ctx, "ssh_fingerprint": ssh_key.fingerprint},
                identity=f"{ssh_key.fingerprint}/{component}/ca-signature",
                texts={
                    "evidence": text_key(
                        "ssh.ca-signature",
                        key_type=ca.key_type,
                        key=ca.key.label,
                        fingerprint=ca.fingerprint,
                        signature_type=sig_type,
                    )
                },
            )
        )
    return findings


_LINE_END = re.compile(rb"\r\n|\r|\n")


def numbered_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(1-based number, line) of each line, as data.splitlines() gives them, without a
    list of them all."""
    pos = 0
    number = 0
    for number, end in enumerate(_LINE_END.finditer(data), start=1):
        yield number, data[pos : end.start()]
        pos = end.end()
    if pos < len(data):
        yield number + 1, data[pos:]


def has_key_lines(data: bytes) -> bool:
    return b" AAAA" in data or b"\tAAAA" in data


def analyze_lines(data: bytes, blob: Blob) -> None:
    """Public key lines: *.pub, authorized_keys (with options), known_hosts (hashed hosts,
    @cert-authority / @revoked markers), read one line at a time."""
    name = blob.ctx.relpath.rsplit("/", 1)[-1].lower()
    default = (
        "authorized_keys entry"
        if "authorized_keys" in name
        else "known_hosts entry"
        if "known_hosts" in name
        else "ssh public key"
    )
    for number, raw_line in numbered_lines(data):
        if len(blob.records) > MAX_RECORDS_PER_FILE:
            return  # the file scanner records what is left out
        stripped = raw_line.strip()
        if not stripped or stripped.startswith(b"#") or b"AAAA" not in stripped:
            continue
        match = _KEY_LINE.search(stripped)
        if match is None:
            continue
        blob.recognised = True
        key_type = match.group(1).decode("ascii")
        try:
            key_blob = base64.b64decode(match.group(2), validate=True)
            ssh_key = describe_blob(key_blob)
        except (binascii.Error, SshError, ValueError) as exc:
            blob.error(
                "unparseable",
                f"SSH {key_type} key does not decode: {exc}",
                number,
                text_key("ssh.key-undecodable", key_type=key_type, detail=str(exc)),
            )
            continue
        if ssh_key.key_type != key_type:
            blob.error(
                "unparseable",
                f"SSH key line says {key_type} but the key blob is {ssh_key.key_type}",
                number,
                text_key("ssh.key-type-mismatch", line_type=key_type, blob_type=ssh_key.key_type),
            )
            continue
        before = stripped[: match.start(1)].decode("utf-8", "replace").strip()
        comment = stripped[match.end(2) :].decode("utf-8", "replace").strip()
        component, context = _line_role(before, default)
        if comment:
            context["comment"] = comment[:100]
        blob.add(public_key_findings(ssh_key, blob, number, component, context, ""))


def _line_role(before: str, default: str) -> tuple[str, dict[str, Any]]:
    """What the text before the key says: nothing (a .pub line, or a plain entry of an
    authorized_keys file), authorized_keys options, or a known_hosts host list with an
    optional marker. The file name only decides the plain case."""
    if not before:
        return default, {}
    context: dict[str, Any] = {}
    marker = None
    if before.startswith("@"):
        marker, _, before = before.partition(" ")
        context["marker"] = marker[1:]
        before = before.strip()
    options = [m.group(1).lower() for m in _AUTHORIZED_OPTIONS.finditer(before)]
    if marker is None and options and all(o in _KNOWN_OPTIONS for o in options):
        context["options"] = options
        return "authorized_keys entry", context
    hosts = before.split()[0] if before.split() else before
    if hosts.startswith("|1|"):
        context["hashed_hosts"] = True
    else:
        context["hosts"] = hosts[:200]
    component = "known_hosts entry"
    if marker == "@cert-authority":
        component = "known_hosts cert-authority"
    elif marker == "@revoked":
        component = "known_hosts revoked key"
    return component, context


def openssh_private_key(raw: bytes, blob: Blob, line: int | None) -> None:
    """openssh-key-v1 (PROTOCOL.key): ciphername, kdfname, kdfoptions, number of keys,
    public key blobs, then the (possibly encrypted) private section."""
    if not raw.startswith(OPENSSH_MAGIC):
        raise SshError("not an openssh-key-v1 key")
    reader = _Reader(raw[len(OPENSSH_MAGIC) :])
    cipher = reader.text()
    kdf = reader.text()
    reader.string()  # kdf options (salt, rounds)
    count = reader.uint32()
    if count > 64:
        raise SshError(f"implausible key count {count}")
    encrypted = cipher != "none"
    state = f"encrypted with {cipher}" if encrypted else "unencrypted"
    for _ in range(count):
        ssh_key = describe_blob(reader.string())
        context: dict[str, Any] = {
            "cipher": cipher,
            "kdf": kdf,
            **(ssh_key.key.extra or {}),
            "ssh_fingerprint": ssh_key.fingerprint,
        }
        blob.private_key(
            PrivateKey(ssh_key.key, encrypted, "OpenSSH", context),
            line,
            "private key",
            f"OPENSSH PRIVATE KEY ({state}): {ssh_key.key_type} {ssh_key.key.label} {ssh_key.fingerprint}",
            identity=ssh_key.fingerprint,
            text=_private_key_text("OPENSSH PRIVATE KEY", state, ssh_key),
        )


def analyze_ppk(data: bytes, blob: Blob) -> None:
    """PuTTY .ppk (versions 2 and 3): the public blob and encryption are in the clear."""
    text = data.decode("utf-8", "replace").splitlines()
    headers: dict[str, str] = {}
    public_lines: list[str] = []
    i = 0
    while i < len(text):
        name, _, value = text[i].partition(":")
        value = value.strip()
        if name == "Public-Lines":
            count = int(value) if value.isdigit() and len(value) < 6 else -1
            if not 0 <= count <= min(MAX_PPK_LINES, len(text) - i - 1):
                blob.error(
                    "unparseable",
                    f"PuTTY key: bad Public-Lines {value[:20]!r}",
                    i + 1,
                    text_key("ppk.public-lines", value=repr(value[:20])),
                )
                return
            public_lines = text[i + 1 : i + 1 + count]
            i += count
        else:
            headers[name] = value
        i += 1
    try:
        ssh_key = describe_blob(base64.b64decode("".join(public_lines), validate=True))
    except (binascii.Error, SshError, ValueError) as exc:
        blob.error(
            "unparseable",
            f"PuTTY key public blob does not decode: {exc}",
            1,
            text_key("ppk.undecodable", detail=str(exc)),
        )
        return
    encryption = headers.get("Encryption", "unknown")
    encrypted = encryption != "none"
    version = next((k for k in headers if k.startswith("PuTTY-User-Key-File-")), "PuTTY")
    context = {"cipher": encryption, "ssh_fingerprint": ssh_key.fingerprint}
    state = "encrypted" if encrypted else "unencrypted"
    blob.private_key(
        PrivateKey(ssh_key.key, encrypted, version, context),
        1,
        "private key",
        f"PuTTY private key ({state}): {ssh_key.key_type} {ssh_key.key.label} {ssh_key.fingerprint}",
        identity=ssh_key.fingerprint,
        text=_private_key_text("PuTTY private key", state, ssh_key),
    )


def _private_key_text(label: str, state: str, ssh_key: SshKey) -> Text:
    return text_key(
        "ssh.private-key",
        label=label,
        state=state,
        key_type=ssh_key.key_type,
        key=ssh_key.key.label,
        fingerprint=ssh_key.fingerprint,
    )


def analyze_rfc4716(data: bytes, blob: Blob) -> None:
    """RFC 4716 public key files ('---- BEGIN SSH2 PUBLIC KEY ----')."""
    lines = data.decode("utf-8", "replace").splitlines()
    start = next(i for i, line in enumerate(lines) if "BEGIN SSH2 PUBLIC KEY" in line)
    body: list[str] = []
    continued = False
    for line in lines[start + 1 :]:
        if "END SSH2 PUBLIC KEY" in line:
            break
        if continued or ":" in line:
            continued = line.endswith("\\")
            continue
        body.append(line.strip())
    try:
        ssh_key = describe_blob(base64.b64decode("".join(body), validate=True))
    except (binascii.Error, SshError, ValueError) as exc:
        blob.error(
            "unparseable",
            f"SSH2 public key does not decode: {exc}",
            start + 1,
            text_key("rfc4716.undecodable", detail=str(exc)),
        )
        return
    blob.add(
        public_key_findings(ssh_key, blob, start + 1, "ssh public key", {"format": "RFC 4716"}, "")
    )
