"""The records of OpenPGP keys: one finding per key and subkey (a secret key also gets the
storage finding every private key gets), errors for keyrings that do not read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qscan.model import Finding, text_key
from qscan.scan.certs.algorithms import KeyInfo, label
from qscan.scan.certs.findings import epoch_text, short
from qscan.scan.certs.keys import PrivateKey
from qscan.scan.certs.openpgp import Keyring, PgpError, PgpKey, dearmor, read_keyring

if TYPE_CHECKING:
    from qscan.scan.certs.collect import Blob

KEY_BLOCKS = frozenset({"PGP PUBLIC KEY BLOCK", "PGP PRIVATE KEY BLOCK"})
FORMAT = "OpenPGP"


def analyze_armored(block: bytes, label_: str, blob: Blob, line: int | None) -> None:
    """One armored block (BEGIN to END line); blocks other than keys (signatures, messages)
    carry no key and are passed over."""
    if label_ not in KEY_BLOCKS:
        return
    try:
        data = dearmor(block)
    except PgpError as exc:
        blob.error(
            "unparseable",
            f"OpenPGP armor {label_!r}: {exc}",
            line,
            text_key("openpgp.armor", label=repr(label_), detail=str(exc)),
        )
        return
    _records(read_keyring(data), blob, line)


def analyze_binary(data: bytes, blob: Blob) -> None:
    blob.recognised = True
    _records(read_keyring(data), blob, None)


def _records(ring: Keyring, blob: Blob, line: int | None) -> None:
    for key in ring.keys:
        _key(key, blob, line)
    for problem in ring.problems:
        blob.error(
            "unparseable",
            f"OpenPGP packet skipped: {problem}",
            line,
            text_key("openpgp.skipped", detail=problem),
        )
    if ring.error is not None:
        blob.error(
            "unparseable",
            f"OpenPGP keyring does not read to its end: {ring.error}",
            line,
            text_key("openpgp.unreadable", detail=ring.error),
        )


def _context(key: PgpKey) -> dict[str, Any]:
    context: dict[str, Any] = {
        "format": FORMAT,
        "openpgp_version": key.version,
        "openpgp_fingerprint": key.fingerprint,
        "openpgp_key_id": key.key_id,
        "created": epoch_text(key.created),
    }
    if key.expires_after is not None:
        context["expires"] = epoch_text(key.created + key.expires_after)
    owner = key.primary or key
    if owner.user_id is not None:
        context["user_id"] = owner.user_id
    if key.flags is not None:
        context["key_flags"] = key.flags
    if key.primary is not None:
        context["primary_fingerprint"] = key.primary.fingerprint
    return context


def _key(key: PgpKey, blob: Blob, line: int | None) -> None:
    subkey = key.primary is not None
    kind = ("private " if key.secret else "public ") + ("subkey" if subkey else "key")
    component = f"openpgp {kind}"
    said = label(key.algorithm, key.params)
    if key.algorithm == "unknown":
        said = f"algorithm {key.algorithm_id}"
    owner = (key.primary or key).user_id
    user = f" ({owner})" if owner else ""
    evidence = f"OpenPGP v{key.version} {kind} {said} {key.fingerprint}{user}"
    text = text_key(
        f"openpgp.{kind.replace(' ', '-')}",
        version=key.version,
        key=said,
        fingerprint=key.fingerprint,
        user=user,
    )
    context = _context(key)
    info = KeyInfo(key.algorithm, key.function, key.params, said)
    if key.secret:
        private = PrivateKey(info, bool(key.encrypted), FORMAT, context)
        blob.private_key(private, line, component, evidence, key.fingerprint, text)
        return
    blob.add(
        [
            Finding(
                algorithm=key.algorithm,
                function=key.function,
                asset="key",
                location=blob.location(line, component),
                params=key.params,
                evidence=short(evidence),
                context={**context, "role": "public key"},
                identity=f"{key.fingerprint}/{component}",
                texts={"evidence": text},
            )
        ]
    )
