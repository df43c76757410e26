"""Regenerate the demo material in examples/ (all keys are throw-away demo keys).

    python examples/generate.py examples        (or: make examples)

Writes a small PKI (RSA-4096 root, ECDSA P-384 intermediate, leaves with RSA-2048, ECDSA
P-256, Ed25519 and ML-DSA-65 keys), a SHA-1-signed legacy certificate and its SHA-1 root
(openssl program),
private keys in the usual encodings, two PKCS#12 bundles (one without a password, one
locked with a password the demo does not know), a JKS keystore (keytool, with Java's
default password), an OpenSSH key pair, an authorized_keys and a known_hosts file.
Programs that are missing (openssl, keytool) are skipped with a message; the files they
made before stay as committed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import shutil
import subprocess
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PEM = serialization.Encoding.PEM
PKCS8 = serialization.PrivateFormat.PKCS8
NO_ENCRYPTION = serialization.NoEncryption()
LOCKED_PASSWORD = b"demo-keystore-password"  # deliberately not given to the demo scan
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def name(cn: str, org: str = "Example Agency") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def issue(
    subject: str,
    public_key,
    issuer: x509.Certificate | None,
    issuer_key,
    *,
    ca: bool = False,
    years: int = 1,
    server: bool = False,
) -> x509.Certificate:
    issuer_name = issuer.subject if issuer is not None else name(subject)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    if ca:
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    else:
        usage = x509.KeyUsage(True, False, server, False, False, False, False, False, False)
    builder = builder.add_extension(usage, critical=True)
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
        ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    digest = (
        None
        if isinstance(issuer_key, (ed25519.Ed25519PrivateKey, mldsa.MLDSA65PrivateKey))
        else hashes.SHA256()
    )
    return builder.sign(issuer_key, digest)


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(PEM)


def write(out: Path, relative: str, data: bytes) -> None:
    path = out / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"  wrote {path}")


def pki(out: Path) -> None:
    root_key = rsa.generate_private_key(65537, 4096)
    root = issue("Example Root CA", root_key.public_key(), None, root_key, ca=True, years=20)
    inter_key = ec.generate_private_key(ec.SECP384R1())
    inter = issue("Example Issuing CA", inter_key.public_key(), root, root_key, ca=True, years=10)
    write(out, "pki/demo-root-ca.pem", pem(root))
    write(out, "pki/demo-issuing-ca.pem", pem(inter))

    rsa_key = rsa.generate_private_key(65537, 2048)
    rsa_leaf = issue("www.example.org", rsa_key.public_key(), inter, inter_key, server=True)
    write(out, "pki/demo-www-rsa2048.pem", pem(rsa_leaf))
    write(out, "pki/demo-www-fullchain.pem", pem(rsa_leaf) + pem(inter) + pem(root))
    write(
        out,
        "keys/demo-www-rsa2048.key",
        rsa_key.private_bytes(PEM, serialization.PrivateFormat.TraditionalOpenSSL, NO_ENCRYPTION),
    )

    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_leaf = issue("api.example.org", ec_key.public_key(), inter, inter_key, server=True)
    write(out, "pki/demo-api-ecdsa-p256.pem", pem(ec_leaf))
    write(out, "keys/demo-api-ecdsa-p256.key", ec_key.private_bytes(PEM, PKCS8, NO_ENCRYPTION))

    ed_key = ed25519.Ed25519PrivateKey.generate()
    ed_leaf = issue("mail.example.org", ed_key.public_key(), inter, inter_key, server=True)
    write(out, "pki/demo-mail-ed25519.der", ed_leaf.public_bytes(serialization.Encoding.DER))
    write(
        out,
        "keys/demo-mail-ed25519-encrypted.key",
        ed_key.private_bytes(PEM, PKCS8, serialization.BestAvailableEncryption(LOCKED_PASSWORD)),
    )

    pq_root_key = mldsa.MLDSA65PrivateKey.generate()
    pq_root = issue(
        "Example PQC Pilot Root", pq_root_key.public_key(), None, pq_root_key, ca=True, years=15
    )
    pq_key = mldsa.MLDSA65PrivateKey.generate()
    pq_leaf = issue("pqc-pilot.example.org", pq_key.public_key(), pq_root, pq_root_key, server=True)
    write(out, "pki/demo-pqc-pilot-mldsa65.pem", pem(pq_leaf) + pem(pq_root))
    write(out, "keys/demo-pqc-pilot-mldsa65.key", pq_key.private_bytes(PEM, PKCS8, NO_ENCRYPTION))

    client_key = rsa.generate_private_key(65537, 2048)
    client = issue("svc-backup@example.org", client_key.public_key(), inter, inter_key)
    write(
        out,
        "keystores/demo-client-nopassword.p12",
        pkcs12.serialize_key_and_certificates(
            b"svc-backup", client_key, client, [inter, root], NO_ENCRYPTION
        ),
    )
    signer_key = ec.generate_private_key(ec.SECP384R1())
    signer = issue("Code Signing Example", signer_key.public_key(), inter, inter_key, years=3)
    locked = pkcs12.serialize_key_and_certificates(
        b"code-signing",
        signer_key,
        signer,
        [inter],
        serialization.BestAvailableEncryption(LOCKED_PASSWORD),
    )
    write(out, "keystores/demo-codesigning-locked.p12", locked)
    jks(out, root)


def legacy_sha1(out: Path) -> None:
    if shutil.which("openssl") is None:
        print("  skipped legacy/demo-legacy-sha1.pem: the openssl program is not installed")
        return
    target = out / "legacy" / "demo-legacy-sha1.pem"
    target.parent.mkdir(parents=True, exist_ok=True)
    ca_key, ca_pem, key, csr = (
        target.with_suffix(f".{part}.tmp") for part in ("ca-key", "ca", "key", "csr")
    )
    for args in (
        [
            "req",
            "-x509",
            "-sha1",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(ca_key),
            "-out",
            str(ca_pem),
            "-days",
            "3650",
            "-subj",
            "/C=NL/O=Example Agency/CN=Example Agency Legacy Root",
        ],
        [
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(csr),
            "-subj",
            "/C=NL/O=Example Agency/CN=legacy-intranet.example.org",
        ],
        [
            "x509",
            "-req",
            "-sha1",
            "-in",
            str(csr),
            "-CA",
            str(ca_pem),
            "-CAkey",
            str(ca_key),
            "-set_serial",
            "4097",
            "-days",
            "1825",
            "-out",
            str(target),
        ],
    ):
        subprocess.run(["openssl", *args], check=True, capture_output=True)
    target.write_bytes(target.read_bytes() + ca_pem.read_bytes())
    for tmp in (ca_key, ca_pem, key, csr):
        tmp.unlink()
    print(f"  wrote {target}")


def jks(out: Path, root: x509.Certificate) -> None:
    """A JKS keystore with Java's well-known default password 'changeit' (a finding itself)."""
    if shutil.which("keytool") is None:
        print("  skipped keystores/demo-tomcat.jks: keytool (Java) is not installed")
        return
    target = out / "keystores" / "demo-tomcat.jks"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    common = ["-keystore", str(target), "-storetype", "JKS", "-storepass", "changeit"]
    keytool = ["keytool", "-J-Duser.language=en"]
    subprocess.run(
        [*keytool, "-genkeypair", "-alias", "tomcat", "-keyalg", "RSA", "-keysize", "2048",
         "-dname", "CN=intranet.example.org, O=Example Agency, C=NL", "-validity", "730",
         "-keypass", "changeit", *common],
        check=True, capture_output=True,
    )  # fmt: skip
    ca_file = target.with_suffix(".ca.tmp")
    ca_file.write_bytes(pem(root))
    subprocess.run(
        [*keytool, "-importcert", "-noprompt", "-alias", "example-root", "-file", str(ca_file), *common],
        check=True, capture_output=True,
    )  # fmt: skip
    ca_file.unlink()
    print(f"  wrote {target}")


def ssh(out: Path) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    openssh = serialization.Encoding.OpenSSH
    public = key.public_key().public_bytes(openssh, serialization.PublicFormat.OpenSSH)
    write(
        out,
        "ssh/demo_id_ed25519",
        key.private_bytes(PEM, serialization.PrivateFormat.OpenSSH, NO_ENCRYPTION),
    )
    write(out, "ssh/demo_id_ed25519.pub", public + b" deploy@example.org\n")
    legacy = (
        rsa.generate_private_key(65537, 2048)
        .public_key()
        .public_bytes(openssh, serialization.PublicFormat.OpenSSH)
    )
    write(
        out,
        "ssh/authorized_keys",
        b"# deploy and backup access\n"
        + public + b" deploy@example.org\n"
        + b'command="/usr/local/bin/backup-receive",no-pty,no-port-forwarding,from="10.20.0.0/16" '
        + legacy + b" backup@legacy-host\n",
    )  # fmt: skip
    host = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(openssh, serialization.PublicFormat.OpenSSH)
    )
    ca = (
        rsa.generate_private_key(65537, 3072)
        .public_key()
        .public_bytes(openssh, serialization.PublicFormat.OpenSSH)
    )
    write(
        out,
        "ssh/known_hosts",
        _hashed("git.example.org") + b" " + host + b"\n@cert-authority *.example.org " + ca + b"\n",
    )


def _hashed(host: str) -> bytes:
    """OpenSSH HashKnownHosts format: |1|base64(salt)|base64(HMAC-SHA1(salt, host))."""
    salt = os.urandom(20)
    digest = hmac.new(salt, host.encode(), hashlib.sha1).digest()
    return b"|1|" + base64.b64encode(salt) + b"|" + base64.b64encode(digest)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    print(f"generating demo material in {out}")
    pki(out)
    legacy_sha1(out)
    ssh(out)


if __name__ == "__main__":
    main()
