"""The budgets and ceilings that bound what one hostile input may cost.

A file or a peer that reaches one of these ends in a record that says so (an error record
of the kind named, or a key reported as locked with the reason), never in a hang, a crash or
memory out of proportion to its size. Limits that are facts of one wire format (the largest
TLS record, an SSH packet, an SSH banner line) stay with their parser; docs/robustness.md
lists all of them for users.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- key derivation (password attempts on keystores and encrypted keys) -------------------

KDF_MAX_ITERATIONS = 5_000_000
"""Highest iteration count (PBKDF2, the PKCS#12 KDF, PBES1, Sun's PBE) computed for one
derivation. OpenJDK refuses counts above the same number in its PKCS#12 and JCEKS keystores
(MAX_ITERATION_COUNT in sun.security.pkcs12.PKCS12KeyStore and
com.sun.crypto.provider.KeyProtector); tools write 2,048 (OpenSSL) to 600,000 (OWASP's
PBKDF2-SHA256 advice). Above it the keystore is recorded as locked, with this reason."""

SCRYPT_MAX_WORK = 1 << 22
"""Highest scrypt cost N * r * p computed (N = 2**20 with r = 8 and p = 1 is 2**23, more
memory than OpenSSL's 32 MiB default allows anyway; common settings are 2**14 * 8)."""

KDF_WORK_PER_FILE = 10_000_000
"""Iterations (scrypt: N * r * p) computed for one file over all its entries and password
attempts, about 2 to 7 seconds. Keys past it stay locked, with this reason."""

# --- structure of files ---------------------------------------------------------------------

MAX_RECORDS_PER_FILE = 20_000
"""Records (findings and error records) kept for one file: an authorized_keys file of
20,000 keys is about 2 MB. Of a larger one the rest is not inventoried, and a
`too-many-records` error record says so."""

MAX_DER_ELEMENTS = 65_536
"""Elements read inside one DER constructed value (a CA bundle holds a few hundred)."""

MAX_OID_BYTES = 128
"""Encoded length of an OBJECT IDENTIFIER (the longest registered ones are under 40)."""

MAX_JAVA_DEPTH = 64
"""Nesting of objects, arrays and class descriptors in a Java serialization stream; a
JCEKS sealed key needs 3."""

MAX_PEM_HEADERS = 16
"""RFC 1421 header lines of one PEM block (OpenSSL writes two: Proc-Type and DEK-Info); a
block with more is recorded as `corrupt-pem`."""

MAX_PPK_LINES = 4096
"""Public-Lines / Private-Lines of a PuTTY key (an RSA-16384 key needs 50)."""

MAX_OPENPGP_PACKETS = 100_000
"""Packets read from one OpenPGP keyring or armored block (Debian's archive keyring holds
about 100; a keyring of 10,000 keys with their User IDs and signatures stays below it).
Past it a record says the rest is not read."""

PYASN1_MAX_BYTES = 4 * 1024 * 1024
"""Largest input decoded with pyasn1 (slow, and about 100 bytes of objects per input
byte); larger structures are judged by the DER walker alone."""

FILE_TIMEOUT = 10.0
"""Default wall-clock budget (seconds) for analysing one file, plus FILE_SECONDS_PER_MB
for each MiB of it; a file over budget is recorded as `timeout` and the scan goes on."""

FILE_SECONDS_PER_MB = 1.0

NATIVE_CALL_SECONDS = 10.0
"""Wall-clock for library calls whose cost cannot be read before they run and that no
signal interrupts (opening a PKCS#12 keystore, every password attempt together: key bags
inside its encrypted contents name their own iteration counts). They run in a child
process, killed past this; the keystore is then recorded as locked, with the reason."""

# --- network ----------------------------------------------------------------------------------

MAX_CONNECTION_BYTES = 1 << 20
"""Bytes read from one connection: a TLS probe reads at most a ServerHello and a
certificate chain, an SSH connection a banner, KEXINIT and one key exchange reply."""

MAX_LINE_BYTES = 4096
"""One line of a plaintext dialogue (STARTTLS greetings and replies)."""

MAX_REPLY_LINES = 256
"""Lines of one multi-line SMTP / FTP reply, or IMAP lines before the tagged answer."""

ENDPOINT_TIMEOUTS = 12
"""One endpoint's whole scan (every probe, retries included) ends this many --timeout
after it started (120 s at the default --timeout 10)."""

FD_RESERVE = 64
"""File descriptors kept free for everything but endpoint connections (files, pipes,
worker processes, the event loop)."""


@dataclass(frozen=True)
class KdfCost:
    """What one key derivation would cost: `iterations` of `what` (scrypt: N * r * p), each
    worth `weight` units of the file's budget (Sun's PBE runs two MD5 chains)."""

    iterations: int
    what: str
    ceiling: int = KDF_MAX_ITERATIONS
    weight: int = 1


class KdfBudget:
    """The key-derivation work one file may still spend (see KDF_WORK_PER_FILE)."""

    def __init__(self, total: int = KDF_WORK_PER_FILE) -> None:
        self.left = total

    def spend(self, cost: KdfCost) -> str | None:
        """None when the derivation may run (its work is spent), else why it may not."""
        iterations = max(cost.iterations, 1)
        if iterations > cost.ceiling:
            return (
                f"{cost.what} asks for {iterations:,} iterations, above qscan's ceiling of "
                f"{cost.ceiling:,}; not computed"
            )
        work = iterations * cost.weight
        if work > self.left:
            return (
                f"{cost.what} of {iterations:,} iterations would pass the key-derivation "
                f"budget of one file ({KDF_WORK_PER_FILE:,}); not computed"
            )
        self.left -= work
        return None
