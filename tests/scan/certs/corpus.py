"""The generated case folder: one file (or a few) per family, and what qscan must say about
each. Every row is asserted on its own (algorithm, size/curve/parameter set, OID, status,
severity, deadline)."""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12

from tests.scan.certs import builders as b

PASSWORD = "s3cret"  # given to the scan (--password-file)
OTHER_PASSWORD = "not-in-the-list"

RSA_OID = "1.2.840.113549.1.1.1"
EC_OID = "1.2.840.10045.2.1"


@dataclass(frozen=True)
class Row:
    file: str
    component: str
    algorithm: str
    params: dict[str, Any]
    status: str
    severity: str
    deadline: str | None = None
    line: int | None = None
    function: str | None = None
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        line = f"@{self.line}" if self.line else ""
        return f"{self.file}:{self.component}{line}"


VULN_112 = ("quantum-vulnerable", "medium", "2030-12-31")
VULN_128 = ("quantum-vulnerable", "low", "2035-12-31")
BROKEN = ("classically-broken", "critical", None)
OWNER_ONLY = ("quantum-vulnerable", "low", None)  # QS502: an owner-only key file, no repository
SAFE = ("quantum-safe", "info", None)
HYBRID = ("hybrid", "info", None)


def rows() -> list[Row]:
    def cert(file: str, algorithm: str, params: dict[str, Any], verdict: tuple, **kw: Any) -> Row:
        return Row(file, "certificate public key", algorithm, params, *verdict, **kw)

    def sig(file: str, algorithm: str, params: dict[str, Any], verdict: tuple, **kw: Any) -> Row:
        return Row(file, "certificate signature", algorithm, params, *verdict, **kw)

    def key(file: str, algorithm: str, params: dict[str, Any], verdict: tuple, **kw: Any) -> Row:
        return Row(file, "private key", algorithm, params, *verdict, **kw)

    def storage(file: str, algorithm: str, verdict: tuple, encrypted: bool) -> Row:
        return Row(
            file,
            "private key file",
            algorithm,
            {},
            *verdict,
            function="key-storage",
            context={"encrypted": encrypted},
        )

    mldsa = {44: "17", 65: "18", 87: "19"}
    return [
        # RSA sizes: below 2048 is broken today; 2048 is 112-bit (deprecated after 2030)
        cert("rsa1024.pem", "RSA", {"bits": 1024, "oid": RSA_OID}, BROKEN),
        sig(
            "rsa1024.pem",
            "RSA",
            {"bits": 1024, "hash": "SHA-256", "oid": "1.2.840.113549.1.1.11"},
            BROKEN,
        ),
        cert(
            "rsa2048.pem",
            "RSA",
            {"bits": 2048, "oid": RSA_OID},
            VULN_112,
            context={"key_transport": True},
        ),
        cert("rsa3072.pem", "RSA", {"bits": 3072, "oid": RSA_OID}, VULN_128),
        cert("rsa4096.der", "RSA", {"bits": 4096, "oid": RSA_OID}, VULN_128),
        sig(
            "rsa-pss.pem",
            "RSA",
            {"bits": 3072, "hash": "SHA-256", "padding": "PSS", "oid": "1.2.840.113549.1.1.10"},
            VULN_128,
        ),
        cert(
            "dsa2048.pem",
            "DSA",
            {"bits": 2048, "oid": "1.2.840.10040.4.1"},
            ("classically-broken", "high", None),
        ),
        # Elliptic curves P-192 ... P-521
        cert("p192.pem", "ECDSA", {"curve": "P-192", "bits": 192, "oid": EC_OID}, BROKEN),
        cert("p224.pem", "ECDSA", {"curve": "P-224", "bits": 224, "oid": EC_OID}, VULN_112),
        cert("p256.pem", "ECDSA", {"curve": "P-256", "bits": 256, "oid": EC_OID}, VULN_128),
        sig(
            "p256.pem",
            "ECDSA",
            {"curve": "P-256", "hash": "SHA-256", "oid": "1.2.840.10045.4.3.2"},
            VULN_128,
        ),
        cert("p384.pem", "ECDSA", {"curve": "P-384", "bits": 384, "oid": EC_OID}, VULN_128),
        cert("p521.pem", "ECDSA", {"curve": "P-521", "bits": 521, "oid": EC_OID}, VULN_128),
        cert("ed25519.pem", "Ed25519", {"oid": "1.3.101.112"}, VULN_128),
        cert("ed448.pem", "Ed448", {"oid": "1.3.101.113"}, VULN_128),
        # ML-DSA (FIPS 204) and ML-KEM (FIPS 203)
        *[
            cert(
                f"mldsa{n}.pem",
                f"ML-DSA-{n}",
                {"parameter_set": f"ML-DSA-{n}", "oid": f"2.16.840.1.101.3.4.3.{o}"},
                SAFE,
            )
            for n, o in mldsa.items()
        ],
        sig("mldsa65.pem", "ML-DSA-65", {"oid": "2.16.840.1.101.3.4.3.18"}, SAFE),
        cert(
            "mlkem768-cert.pem",
            "ML-KEM-768",
            {"parameter_set": "ML-KEM-768", "oid": "2.16.840.1.101.3.4.4.2"},
            SAFE,
            function="kem",
        ),
        sig("mlkem768-cert.pem", "ML-DSA-44", {"oid": "2.16.840.1.101.3.4.3.17"}, SAFE),
        key("mlkem768.key", "ML-KEM-768", {"oid": "2.16.840.1.101.3.4.4.2"}, SAFE),
        storage("mlkem768.key", "ML-KEM-768", BROKEN, encrypted=False),
        # SHA-1 signatures (openssl program): a root's self-signature is never verified, a
        # signature a CA makes on another certificate is
        sig(
            "sha1-legacy.pem",
            "RSA",
            {"hash": "SHA-1", "oid": "1.2.840.113549.1.1.5"},
            ("quantum-vulnerable", "info", None),
            context={"self_signed": True, "is_ca": True},
        ),
        cert("sha1-legacy.pem", "RSA", {"bits": 2048}, VULN_112),
        Row(
            "sha1-chain.pem",
            "certificate chain[0] signature",
            "RSA",
            {"hash": "SHA-1", "bits": 2048},
            *BROKEN,
            context={"self_signed": False},
        ),
        Row(
            "sha1-chain.pem",
            "certificate chain[1] signature",
            "RSA",
            {"hash": "SHA-1"},
            "quantum-vulnerable",
            "info",
            None,
            context={"self_signed": True, "is_ca": True},
        ),
        # Built with pyasn1: SLH-DSA, composites, pre-standard and unknown OIDs, catalyst
        cert(
            "slh-dsa.pem",
            "SLH-DSA-SHA2-128s",
            {"parameter_set": "SLH-DSA-SHA2-128s", "oid": "2.16.840.1.101.3.4.3.20"},
            SAFE,
        ),
        sig("slh-dsa.pem", "SLH-DSA-SHA2-128s", {"oid": "2.16.840.1.101.3.4.3.20"}, SAFE),
        cert(
            "composite-mldsa.pem",
            "Composite-ML-DSA",
            {"parameter_set": "MLDSA65-Ed25519-SHA512", "oid": "1.3.6.1.5.5.7.6.48"},
            HYBRID,
        ),
        cert(
            "composite-mlkem.pem",
            "Composite-ML-KEM",
            {"parameter_set": "MLKEM768-X25519-SHA3-256", "oid": "1.3.6.1.5.5.7.6.58"},
            HYBRID,
            function="kem",
        ),
        cert(
            "oqs-dilithium3.pem",
            "Dilithium3",
            {"oid": "1.3.6.1.4.1.2.267.7.6.5"},
            ("quantum-safe", "medium", "2030-12-31"),
        ),
        cert(
            "oqs-p384-mldsa65.pem",
            "Composite-pre-standard",
            {"parameter_set": "p384_mldsa65", "oid": "1.3.9999.7.7"},
            ("hybrid", "medium", "2030-12-31"),
        ),
        cert(
            "frodokem976.pem",
            "FrodoKEM-976-SHAKE",
            {"parameter_set": "FrodoKEM-976-SHAKE", "oid": "1.0.18033.2.2.7.1"},
            SAFE,
            function="kem",
        ),
        cert(
            "efrodokem1344-aes.pem",
            "eFrodoKEM-1344-AES",
            {"oid": "1.0.18033.2.2.7.8"},
            SAFE,
            function="kem",
        ),
        # RSAES-OAEP keys (RFC 4055): key transport, their SHA-1 serves OAEP and MGF1, where
        # collisions do not matter: judged as RSA key establishment, not as a broken hash
        cert(
            "oaep-default.pem",
            "RSA",
            {"bits": 2048, "padding": "OAEP", "hash": "SHA-1", "mgf_hash": "SHA-1"},
            ("quantum-vulnerable", "high", "2030-12-31"),
            function="encryption",
        ),
        Row(
            "oaep-public.pem",
            "public key",
            "RSA",
            {"bits": 3072, "padding": "OAEP", "hash": "SHA-256", "mgf_hash": "SHA-1"},
            "quantum-vulnerable",
            "high",
            "2035-12-31",
            function="encryption",
        ),
        cert("unknown-oid.pem", "unknown", {"oid": "1.2.3.4.5.6.7.8"}, ("unknown", "low", None)),
        cert(
            "catalyst.pem",
            "ECDSA",
            {"curve": "P-256", "oid": EC_OID},
            HYBRID,
            context={"catalyst": True},
        ),
        Row(
            "catalyst.pem",
            "certificate alternative public key",
            "ML-DSA-65",
            {"oid": "2.16.840.1.101.3.4.3.18"},
            *HYBRID,
        ),
        Row(
            "catalyst.pem",
            "certificate alternative signature",
            "ML-DSA-65",
            {"oid": "2.16.840.1.101.3.4.3.18"},
            *HYBRID,
        ),
        # Chains, bundles, PKCS#7, CSRs
        Row("chain.pem", "certificate chain[0] public key", "Ed25519", {}, *VULN_128, line=1),
        Row("chain.pem", "certificate chain[1] public key", "ECDSA", {"curve": "P-256"}, *VULN_128),
        Row(
            "chain.pem",
            "certificate chain[1] signature",
            "ECDSA",
            {"curve": "P-384", "hash": "SHA-256"},
            *VULN_128,
        ),
        Row("bundle.p7b", "certificate chain[1] public key", "RSA", {"bits": 3072}, *VULN_128),
        Row(
            "request.csr",
            "certificate request public key",
            "RSA",
            {"bits": 2048, "oid": RSA_OID},
            *VULN_112,
        ),
        Row(
            "request.csr",
            "certificate request signature",
            "RSA",
            {"bits": 2048, "hash": "SHA-256"},
            *VULN_112,
        ),
        # Private keys: PKCS#1, SEC1, PKCS#8 (plain, encrypted and opened, encrypted and locked), DSA
        key("rsa-pkcs1.key", "RSA", {"bits": 2048}, VULN_112, context={"format": "PKCS#1"}),
        storage("rsa-pkcs1.key", "RSA", BROKEN, encrypted=False),
        # a service's own key: owner-only (0600), outside any repository (QS502)
        key("service-owner-only.key", "ECDSA", {"curve": "P-256"}, VULN_128),
        storage("service-owner-only.key", "ECDSA", OWNER_ONLY, encrypted=False),
        storage("service-owner-only-encrypted.key", "ECDSA", OWNER_ONLY, encrypted=True),
        key("ec-sec1.key", "ECDSA", {"curve": "P-256"}, VULN_128, context={"format": "SEC1"}),
        key("ed25519-encrypted.key", "Ed25519", {"oid": "1.3.101.112"}, VULN_128),
        storage(
            "ed25519-encrypted.key",
            "Ed25519",
            ("quantum-vulnerable", "medium", None),
            encrypted=True,
        ),
        key(
            "locked-encrypted.key",
            "unknown",
            {},
            ("unknown", "low", None),
            context={"locked": True},
        ),
        storage("locked-encrypted.key", "unknown", ("unknown", "medium", None), encrypted=True),
        key("dsa.key", "DSA", {"bits": 2048}, ("classically-broken", "high", None)),
        Row("rsa-public.pem", "public key", "RSA", {"bits": 3072, "oid": RSA_OID}, *VULN_128),
        Row("rsa-public-pkcs1.pem", "public key", "RSA", {"bits": 2048}, *VULN_112),
        Row(
            "dhparams.pem",
            "DH parameters",
            "DH",
            {"bits": 2048},
            "quantum-vulnerable",
            "high",
            "2030-12-31",
        ),
        # OpenSSH and PuTTY
        key("id_ed25519", "Ed25519", {"ssh_key_type": "ssh-ed25519"}, VULN_128),
        storage("id_ed25519", "Ed25519", BROKEN, encrypted=False),
        key("id_rsa_encrypted", "RSA", {"bits": 3072}, VULN_128, context={"cipher": "aes256-ctr"}),
        storage("id_rsa_encrypted", "RSA", ("quantum-vulnerable", "medium", None), encrypted=True),
        Row(
            "id_ecdsa.pub",
            "ssh public key",
            "ECDSA",
            {"curve": "P-384", "bits": 384},
            *VULN_128,
            line=1,
        ),
        Row(
            "authorized_keys",
            "authorized_keys entry",
            "RSA",
            {"bits": 2048},
            *VULN_112,
            line=2,
            context={"options": ["command", "no-port-forwarding", "from"]},
        ),
        Row("authorized_keys", "authorized_keys entry", "Ed25519", {}, *VULN_128, line=3),
        Row(
            "known_hosts",
            "known_hosts entry",
            "Ed25519",
            {},
            *VULN_128,
            line=1,
            context={"hashed_hosts": True},
        ),
        Row(
            "known_hosts",
            "known_hosts cert-authority",
            "RSA",
            {"bits": 3072},
            *VULN_128,
            line=2,
            context={"marker": "cert-authority"},
        ),
        Row(
            "id_user-cert.pub",
            "ssh public key",
            "Ed25519",
            {},
            *VULN_128,
            line=1,
            context={"key_id": "alice@example", "principals": ["alice"]},
        ),
        Row(
            "id_user-cert.pub",
            "ssh public key CA signature",
            "RSA",
            {"bits": 3072, "hash": "SHA-512"},
            *VULN_128,
            line=1,
        ),
        key("putty.ppk", "RSA", {"bits": 2048}, VULN_112, context={"cipher": "none"}),
        storage("putty.ppk", "RSA", BROKEN, encrypted=False),
        # PKCS#12: no password, a supplied password, and one that stays locked
        Row("nopass.p12", "pkcs12 certificate public key", "RSA", {"bits": 2048}, *VULN_112),
        Row("nopass.p12", "pkcs12 private key", "RSA", {"bits": 2048}, *VULN_112),
        storage("nopass.p12", "RSA", BROKEN, encrypted=False),
        Row(
            "password.p12",
            "pkcs12 certificate chain[0] public key",
            "ECDSA",
            {"curve": "P-256"},
            *VULN_128,
        ),
        storage("password.p12", "ECDSA", ("quantum-vulnerable", "medium", None), encrypted=True),
        Row(
            "locked.p12",
            "pkcs12 keystore",
            "unknown",
            {},
            "unknown",
            "medium",
            None,
            function="key-storage",
            context={"locked": True},
        ),
        # Java keystores (keytool)
        Row(
            "store.jks",
            "keystore entry 'server' certificate public key",
            "RSA",
            {"bits": 2048},
            *VULN_112,
            context={"integrity": "verified"},
        ),
        Row(
            "store.jks",
            "keystore entry 'ec-signer' private key",
            "ECDSA",
            {"curve": "P-256"},
            *VULN_128,
            context={"algorithm_from": "decrypted key"},
        ),
        Row(
            "store.jks",
            "keystore entry 'trusted-root' trusted certificate public key",
            "ECDSA",
            {"curve": "P-384"},
            *VULN_128,
        ),
        Row(
            "store.jceks",
            "keystore entry 'server' private key",
            "RSA",
            {"bits": 2048},
            *VULN_112,
            context={"algorithm_from": "decrypted key"},
        ),
        Row(
            "store.jceks",
            "keystore entry 'aes-key' secret key",
            "AES-256",
            {"bits": 256},
            "quantum-safe",
            "info",
            None,
        ),
    ]


def build(folder: Path) -> None:
    """Write every case file into folder: readable by all (0644, whatever the umask), except
    the owner-only ones."""
    rsa2048, ca_key = b.rsa_key(2048), b.ec_key("P-384")

    def write(name: str, data: bytes, mode: int = 0o644) -> None:
        (folder / name).write_bytes(data)
        (folder / name).chmod(mode)

    write("rsa1024.pem", b.pem(b.self_signed("rsa1024.example", b.rsa_key(1024))))
    write(
        "rsa2048.pem",
        b.pem(b.certificate("rsa2048.example", rsa2048.public_key(), "Test CA", ca_key)),
    )
    write(
        "rsa3072.pem",
        b"Certificate text before the block\n"
        + b.pem(b.self_signed("rsa3072.example", b.rsa_key(3072))),
    )
    write("rsa4096.der", b.der(b.self_signed("rsa4096.example", b.rsa_key(4096))))
    write("rsa-pss.pem", b.pem(b.self_signed("pss.example", b.rsa_key(3072), rsa_pss=True)))
    write("dsa2048.pem", b.pem(b.self_signed("dsa.example", b.dsa_key())))
    for curve in ("P-192", "P-224", "P-256", "P-384", "P-521"):
        write(
            f"{curve.lower().replace('-', '')}.pem",
            b.pem(b.self_signed(f"{curve}.example", b.ec_key(curve))),
        )
    for kind in ("Ed25519", "Ed448"):
        write(f"{kind.lower()}.pem", b.pem(b.self_signed(f"{kind}.example", b.ed_key(kind))))
    for level in (44, 65, 87):
        write(
            f"mldsa{level}.pem", b.pem(b.self_signed(f"mldsa{level}.example", b.mldsa_key(level)))
        )
    kem = b.mlkem768_key()
    write(
        "mlkem768-cert.pem",
        b.pem(b.certificate("kem.example", kem.public_key(), "ML-DSA CA", b.mldsa_key(44))),
    )
    write("mlkem768.key", b.private_pem(kem))
    b.openssl_sha1_cert(folder, "sha1-legacy")
    b.openssl_sha1_chain(folder, "sha1-chain")

    template = b.self_signed("template.example", b.ec_key("P-256"))
    pyasn1_cases = {
        "slh-dsa.pem": ("2.16.840.1.101.3.4.3.20", "2.16.840.1.101.3.4.3.20", 32),
        "composite-mldsa.pem": ("1.3.6.1.5.5.7.6.48", "1.3.6.1.5.5.7.6.48", 1984),
        "composite-mlkem.pem": ("1.3.6.1.5.5.7.6.58", "2.16.840.1.101.3.4.3.18", 1216),
        "oqs-dilithium3.pem": ("1.3.6.1.4.1.2.267.7.6.5", "1.3.6.1.4.1.2.267.7.6.5", 1952),
        "oqs-p384-mldsa65.pem": ("1.3.9999.7.7", "1.3.9999.7.7", 2049),
        # FrodoKEM public keys are 15632 (976) and 21520 (1344) bytes
        "frodokem976.pem": ("1.0.18033.2.2.7.1", "2.16.840.1.101.3.4.3.18", 15632),
        "efrodokem1344-aes.pem": ("1.0.18033.2.2.7.8", "2.16.840.1.101.3.4.3.18", 21520),
        "unknown-oid.pem": ("1.2.3.4.5.6.7.8", "1.2.3.4.5.6.7.9", 64),
    }
    for name, (key_oid, sig_oid, size) in pyasn1_cases.items():
        data = b.rebuild(template, key_oid=key_oid, key_bytes=b"\x42" * size, sig_oid=sig_oid)
        write(name, _pem("CERTIFICATE", data))
    write("catalyst.pem", _pem("CERTIFICATE", b.catalyst(template, b.mldsa_key(65))))
    oaep = b.oaep_spki(rsa2048.public_key(), None, None)
    write("oaep-default.pem", _pem("CERTIFICATE", b.rebuild(template, spki=oaep)))
    sha256, sha1 = "2.16.840.1.101.3.4.2.1", "1.3.14.3.2.26"
    write(
        "oaep-public.pem",
        _pem("PUBLIC KEY", b.oaep_spki(b.rsa_key(3072).public_key(), sha256, sha1)),
    )

    write("chain.pem", b"".join(b.pem(c) for c in chain()))
    p7 = pkcs7.serialize_certificates(
        [b.self_signed("p7-a", b.ec_key("P-256")), b.self_signed("p7-b", b.rsa_key(3072))], b.DER
    )
    write("bundle.p7b", p7)
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(b.name("csr.example"))
        .sign(rsa2048, hashes.SHA256())
    )
    write("request.csr", csr.public_bytes(b.PEM))

    write("rsa-pkcs1.key", b.private_pem(rsa2048, "traditional"))
    write("ec-sec1.key", b.private_pem(b.ec_key("P-256"), "traditional"))
    write("ed25519-encrypted.key", b.private_pem(b.ed_key("Ed25519"), password=PASSWORD.encode()))
    write(
        "locked-encrypted.key", b.private_pem(b.ec_key("P-384"), password=OTHER_PASSWORD.encode())
    )
    write("dsa.key", b.private_pem(b.dsa_key()))
    service = b.ec_key("P-256")
    write("service-owner-only.key", b.private_pem(service), mode=0o600)
    write(
        "service-owner-only-encrypted.key",
        b.private_pem(service, password=PASSWORD.encode()),
        mode=0o600,
    )
    public = serialization.PublicFormat
    write(
        "rsa-public.pem",
        b.rsa_key(3072).public_key().public_bytes(b.PEM, public.SubjectPublicKeyInfo),
    )
    write("rsa-public-pkcs1.pem", rsa2048.public_key().public_bytes(b.PEM, public.PKCS1))
    write("dhparams.pem", b.dh_parameters_pem(_FFDHE2048_P, 2))

    _ssh_files(folder)
    write("putty.ppk", _ppk(rsa2048))

    certificate = b.certificate("p12.example", rsa2048.public_key(), "Test CA", ca_key)
    write(
        "nopass.p12",
        pkcs12.serialize_key_and_certificates(
            b"nopass", rsa2048, certificate, None, serialization.NoEncryption()
        ),
    )
    ec256 = b.ec_key("P-256")
    ec_cert = b.certificate("p12-ec.example", ec256.public_key(), "Test CA", ca_key)
    ca_cert = b.self_signed("Test CA", ca_key, ca=True)
    write(
        "password.p12",
        pkcs12.serialize_key_and_certificates(
            b"ec",
            ec256,
            ec_cert,
            [ca_cert],
            serialization.BestAvailableEncryption(PASSWORD.encode()),
        ),
    )
    write(
        "locked.p12",
        pkcs12.serialize_key_and_certificates(
            b"locked",
            ec256,
            ec_cert,
            None,
            serialization.BestAvailableEncryption(OTHER_PASSWORD.encode()),
        ),
    )
    if b.have("keytool"):
        b.jks_keystore(folder / "store.jks", "JKS", PASSWORD)
        b.jks_keystore(folder / "store.jceks", "JCEKS", PASSWORD)


def chain() -> list[x509.Certificate]:
    """leaf (Ed25519) <- intermediate (P-256) <- root (P-384), leaf first."""
    root_key, inter_key = b.ec_key("P-384"), b.ec_key("P-256")
    root = b.self_signed("Chain Root", root_key, ca=True)
    inter = b.certificate(
        "Chain Intermediate", inter_key.public_key(), "Chain Root", root_key, ca=True
    )
    leaf = b.certificate(
        "chain-leaf.example", b.ed_key("Ed25519").public_key(), "Chain Intermediate", inter_key
    )
    return [leaf, inter, root]


def _pem(label: str, data: bytes) -> bytes:
    body = base64.encodebytes(data).replace(b"\n", b"")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return b"-----BEGIN %s-----\n%s\n-----END %s-----\n" % (
        label.encode(),
        b"\n".join(lines),
        label.encode(),
    )


def _ssh_files(folder: Path) -> None:
    ed = b.ed_key("Ed25519")
    (folder / "id_ed25519").write_bytes(b.private_pem(ed, "openssh"))
    (folder / "id_ed25519").chmod(0o644)
    ssh = folder / "ssh-work"
    ssh.mkdir()
    b.ssh_keygen("-t", "rsa", "-b", "3072", "-N", PASSWORD, "-f", str(ssh / "id_rsa"))
    (folder / "id_rsa_encrypted").write_bytes((ssh / "id_rsa").read_bytes())
    (folder / "id_rsa_encrypted").chmod(0o644)
    b.ssh_keygen("-t", "ecdsa", "-b", "384", "-N", "", "-f", str(ssh / "id_ecdsa"))
    (folder / "id_ecdsa.pub").write_bytes((ssh / "id_ecdsa.pub").read_bytes())
    rsa_pub = (
        b.rsa_key(2048)
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    )
    ed_pub = ed.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    (folder / "authorized_keys").write_bytes(
        b"# deploy keys\n"
        + b'command="/usr/bin/backup --dir \\"/srv a\\"",no-port-forwarding,from="10.0.0.0/8" '
        + rsa_pub
        + b" backup@host\n"
        + ed_pub
        + b" alice@laptop\n"
    )
    b.ssh_keygen("-t", "rsa", "-b", "3072", "-N", "", "-f", str(ssh / "ca"))
    ca_pub = (ssh / "ca.pub").read_bytes().strip()
    hosts = ssh / "known_hosts"
    hosts.write_bytes(b"server.example.org " + ed_pub + b"\n")
    b.ssh_keygen("-H", "-f", str(hosts))
    (folder / "known_hosts").write_bytes(
        hosts.read_bytes() + b"@cert-authority *.example.org " + ca_pub + b"\n"
    )
    (ssh / "id_user.pub").write_bytes(ed_pub + b" alice\n")
    b.ssh_keygen(
        "-s",
        str(ssh / "ca"),
        "-I",
        "alice@example",
        "-n",
        "alice",
        "-V",
        "+52w",
        str(ssh / "id_user.pub"),
    )
    (folder / "id_user-cert.pub").write_bytes((ssh / "id_user-cert.pub").read_bytes())
    for item in ssh.iterdir():
        item.unlink()
    ssh.rmdir()


def _ppk(key: Any) -> bytes:
    """A PuTTY v2 unencrypted key file; only the public part matters to the inventory, so
    the private lines are filler (never real key material in a fixture we print)."""
    blob = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    raw = base64.b64decode(blob.split()[1])
    public = base64.b64encode(raw).decode()
    lines = [public[i : i + 64] for i in range(0, len(public), 64)]
    filler = base64.b64encode(struct.pack(">I", 4) + b"fill").decode()
    return (
        "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: demo-key\n"
        + f"Public-Lines: {len(lines)}\n"
        + "\n".join(lines)
        + f"\nPrivate-Lines: 1\n{filler}\nPrivate-MAC: {'0' * 40}\n"
    ).encode()


# RFC 7919 ffdhe2048 prime (appendix A.1)
_FFDHE2048_P = int(
    "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695A9E13641146433FBCC939DCE249B3EF9"
    "7D2FE363630C75D8F681B202AEC4617AD3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935"
    "984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797ABC0AB182B324FB61D108A94BB2C8E3FB"
    "B96ADAB760D7F4681D4F42A3DE394DF4AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61"
    "9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005C58EF1837D1683B2C6F34A26C1B2EFFA"
    "886B423861285C97FFFFFFFFFFFFFFFF",
    16,
)
