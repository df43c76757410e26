"""Scan one real cryptography-using library per language and draw a sample of call sites to
compare by hand with the findings (docs/repository-scanner.md, "Real libraries").

Libraries (fetched with the ordinary clients into benchmarks/_work/libs/, git-ignored; the
Debian ones must be installed first):

  python      python-jose 3.3.0          pip download --no-deps --no-binary :all:
  javascript  jose 5.9.6 (panva)         npm pack
  c           uWSGI 2.0.28 (core/ssl.c, plugins)  pip download --no-deps --no-binary :all:
  go          golang.org/x/crypto/ssh    apt-get install golang-golang-x-crypto-dev
  rust        rustls 0.20.8              apt-get install librust-rustls-dev
  php         phpseclib 3.0.19           apt-get install php-phpseclib3
  java        OpenJDK 17 sun.security.ssl (JSSE)  apt-get install openjdk-17-source
  csharp      KeePass 2.47 (KeePassLib)  Debian source package keepass2, from the Debian
                                         archive (NuGet is not reachable from this machine)

For each library it prints the number of files, findings by function and the top algorithms,
then a sample for hand review, drawn with a fixed seed:

  - `recall sample`: N lines drawn from the lines a language's crypto-API regular expression
    (CANDIDATES below: names of cryptographic APIs, written independently of the patterns)
    matches, each marked with what qscan reported there;
  - `precision sample`: N findings drawn from all findings, with their source line.

    PYTHONPATH=. python benchmarks/real_libraries.py [--sample 20] [--seed 12] [--only go,rust]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work" / "libs"
sys.path.insert(0, str(ROOT))

from qscan.model import Finding  # noqa: E402
from qscan.scan.interface import ScanOptions  # noqa: E402
from qscan.scan.registry import file_scanners  # noqa: E402
from qscan.scan.repo.code.patterns import load_patterns  # noqa: E402
from qscan.targets import parse_target  # noqa: E402

SUFFIXES = {
    "python": (".py",),
    "javascript": (".js", ".mjs", ".cjs", ".ts"),
    "c": (".c", ".h"),
    "go": (".go",),
    "rust": (".rs",),
    "php": (".php",),
    "java": (".java",),
    "csharp": (".cs",),
}

# Names of cryptographic APIs, per language: what a reviewer would grep for to list call
# sites. They are deliberately broader than the patterns (any hash, cipher, key, sign or
# TLS API name) and were written from the libraries' documentation, not from the patterns.
CANDIDATES = {
    "python": r"\b(?:hashes\.[A-Z]\w+|hashlib\.\w+|hmac\.new|padding\.(?:OAEP|PSS|PKCS1v15)|ec\.\w+|"
    r"rsa\.\w+|serialization\.load_\w+|Cipher\(|algorithms\.\w+\(|modes\.\w+\(|aead\.\w+|"
    r"RSA\.\w+|ECC\.\w+|SHA\d+\.new|HMAC\.new|AES\.new|PKCS1_\w+|DSS\.new|pkcs1_15|"
    r"['\"](?:HS|RS|ES|PS)(?:256|384|512)['\"]|ALGORITHMS\.[A-Z]\w+|os\.urandom|\w+\.(?:sign|verify)\()",
    "javascript": r"(?:crypto\.\w+\(|subtle\.\w+\(|createHash\(|createHmac\(|createSign\(|"
    r"createVerify\(|createCipheriv\(|createDecipheriv\(|createPublicKey\(|createPrivateKey\(|"
    r"generateKeyPair\w*\(|getRandomValues\(|randomBytes\(|diffieHellman\(|publicEncrypt\(|"
    r"privateDecrypt\(|\bsign\(|\bverify\(|['\"](?:HS|RS|ES|PS)(?:256|384|512)['\"]|"
    r"['\"](?:SHA-\d+|AES-\w+|A\d{3}\w+|ECDH(?:-ES)?|ECDSA|RSA-\w+|HMAC|PBKDF2|Ed25519|X25519)['\"])",
    "c": r"\b(?:EVP_(?:aes|des|sha|md5|md4|chacha|bf|rc4|get_cipherbyname|get_digestbyname|CIPHER_fetch|"
    r"MD_fetch|PKEY_CTX_new\w*|PKEY_keygen\w*|DigestSignInit|DigestVerifyInit|EC_gen|RSA_gen)\w*|"
    r"SHA\d*_\w+|MD5\w*|RSA_\w+|EC_KEY_new\w*|DH_\w+|SSL_CTX_set_cipher_list|SSL_CTX_set_ciphersuites|"
    r"SSL_CTX_set1_(?:groups|curves)\w*|SSL_CTX_set_(?:min|max)_proto_version|SSL_CTX_set_tmp_(?:dh|ecdh)|"
    r"\w*TLSv?1\w*_method|SSLv\d\w*_method|PKCS5_PBKDF2\w*|RAND_\w*bytes|HMAC\w*|crypto_\w+)\s*\(",
    "go": r"\b(?:rsa|ecdsa|ed25519|ecdh|dsa|aes|des|rc4|md5|sha1|sha256|sha512|sha3|hmac|hkdf|pbkdf2|"
    r"chacha20poly1305|chacha20|curve25519|elliptic|cipher)\.[A-Z]\w*\(|\brand\.(?:Reader|Read\()|"
    r"\btls\.(?:Version\w+|TLS_\w+|Curve\w+|X25519\w*)|\bcrypto\.SHA\w+|\bx509\.\w+With\w+|"
    r"\"(?:ssh-|ecdsa-sha2|rsa-sha2|diffie-hellman|curve25519|ecdh-sha2|aes\d{3}|hmac-|chacha20)",
    "rust": r"\b(?:ring::\w+::\w+|aead::[A-Z_0-9]+|digest::[A-Z_0-9]+|hmac::[A-Z_0-9]+|hkdf::[A-Z_0-9]+|"
    r"signature::[A-Z_0-9]+|agreement::[A-Z_0-9]+|SystemRandom|kx_group::\w+|"
    r"TLS1[23]_[A-Z0-9_]+|SignatureScheme::[A-Z_0-9]+|NamedGroup::\w+|ProtocolVersion::TLSv\w+)",
    "php": r"(?:openssl_\w+\(|\bhash(?:_hmac|_pbkdf2|_hkdf|_init)?\(|\bmd5\(|\bsha1\(|random_bytes\(|"
    r"random_int\(|mt_rand\(|sodium_crypto_\w+\(|new\s+(?:AES|DES|TripleDES|RC4|RC2|Blowfish|Twofish|"
    r"ChaCha20|Salsa20|Hash|Rijndael)\b|['\"](?:sha\d+|md5|aes-\w+|des-\w+|bf-\w+|rc4|"
    r"ssh-\w+|ecdsa-sha2-\w+|rsa-sha2-\d+|diffie-hellman-\S+|curve25519\S*|hmac-\S+)['\"])",
    "java": r"\b(?:\w+\.getInstance\(|new\s+(?:SecureRandom|SecretKeySpec|PBEKeySpec|"
    r"GCMParameterSpec|ECGenParameterSpec)\b|\"(?:SHA-?\d+|MD5|HmacSHA\d+|AES\S*|DESede\S*|RSA\S*|"
    r"EC|ECDH|ECDSA|X25519|Ed25519|SHA\d+with\w+|TLSv1\S*|TLS_\w+|SSL_\w+|secp\d+r1|x25519|ffdhe\d+)\")",
    "csharp": r"\b(?:(?:Aes|AesGcm|AesCcm|ChaCha20Poly1305|RSA|ECDsa|ECDiffieHellman|DSA|HMAC\w*|SHA\d+|MD5|"
    r"RandomNumberGenerator|TripleDES|DES|RC2|Rijndael|SymmetricAlgorithm|HashAlgorithm)\.(?:Create|"
    r"HashData|Fill|GetBytes)\w*\(|new\s+(?:HMAC\w+|SHA\d+\w*|MD5\w*|RijndaelManaged|Aes\w+|"
    r"RNGCryptoServiceProvider|Rfc2898DeriveBytes|RSACryptoServiceProvider|DSACryptoServiceProvider|"
    r"AesGcm|ChaCha20Poly1305|TripleDES\w+)\b|SslProtocols\.\w+|SecurityAlgorithms\.\w+|CipherMode\.\w+|"
    r"ProtectedData\.(?:Protect|Unprotect)\()",
}


def _run(cmd: list[str], cwd: Path) -> None:
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _extract(archive: Path, dest: Path) -> Path:
    if dest.exists():
        return dest
    dest.mkdir(parents=True)
    if archive.suffix == ".zip" or archive.name.endswith(".whl"):
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(dest)
    else:
        with tarfile.open(archive) as tf:
            tf.extractall(dest, filter="data")
    return dest


def _fetched(name: str, fetch: Callable[[Path], Path]) -> Path:
    """The unpacked library `name`, fetched into a download folder (the archive `fetch`
    returns) and extracted on the first run."""
    target = WORK / name
    if not target.exists():
        download = WORK / f"{name}-download"
        download.mkdir(parents=True, exist_ok=True)
        _extract(fetch(download), target)
    return target


def _pip_sdist(spec: str, name: str) -> Path:
    def fetch(download: Path) -> Path:
        pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
        _run([*pip, "-q", spec, "-d", str(download)], WORK)
        return next(download.iterdir())

    return _fetched(name, fetch)


def _npm(spec: str, name: str) -> Path:
    def fetch(download: Path) -> Path:
        _run(["npm", "pack", spec, "--pack-destination", str(download)], download)
        return next(download.glob("*.tgz"))

    return _fetched(name, fetch)


def _jdk_ssl() -> Path:
    target = WORK / "openjdk-17-ssl"
    if not target.exists():
        with zipfile.ZipFile("/usr/lib/jvm/openjdk-17/lib/src.zip") as zf:
            members = [m for m in zf.namelist() if m.startswith("java.base/sun/security/ssl/")]
            zf.extractall(target, members)
    return target


def _debian_source(url: str, name: str) -> Path:
    """An upstream tarball from the Debian archive's pool (a package registry this machine
    reaches; `apt-get source` would need deb-src entries)."""

    def fetch(download: Path) -> Path:
        archive = download / url.rsplit("/", 1)[1]
        with urllib.request.urlopen(url, timeout=120) as response:
            archive.write_bytes(response.read())
        return archive

    return _fetched(name, fetch)


def _debian(path: str, package: str) -> Path:
    found = Path(path)
    if not found.exists():
        raise SystemExit(f"{path} missing: apt-get install {package}")
    return found


LIBRARIES = {
    "python": ("python-jose 3.3.0", lambda: _pip_sdist("python-jose==3.3.0", "python-jose")),
    "javascript": (
        "jose 5.9.6",
        lambda: _npm("jose@5.9.6", "jose") / "package" / "dist" / "node" / "esm",
    ),
    "c": ("uWSGI 2.0.28", lambda: _pip_sdist("uwsgi==2.0.28", "uwsgi")),
    "go": (
        "golang.org/x/crypto/ssh (Debian golang-golang-x-crypto-dev)",
        lambda: _debian(
            "/usr/share/gocode/src/golang.org/x/crypto/ssh", "golang-golang-x-crypto-dev"
        ),
    ),
    "rust": (
        "rustls 0.20.8 (Debian librust-rustls-dev)",
        lambda: _debian("/usr/share/cargo/registry/rustls-0.20.8/src", "librust-rustls-dev"),
    ),
    "php": (
        "phpseclib 3.0.19 (Debian php-phpseclib3)",
        lambda: _debian("/usr/share/php/phpseclib3", "php-phpseclib3"),
    ),
    "java": ("OpenJDK 17 sun.security.ssl (Debian openjdk-17-source)", _jdk_ssl),
    "csharp": (
        "KeePass 2.47 KeePassLib (Debian source package keepass2)",
        lambda: (
            _debian_source(
                "http://deb.debian.org/debian/pool/main/k/keepass2/keepass2_2.47+dfsg.orig.tar.xz",
                "keepass2",
            )
            / "KeePassLib"
        ),
    ),
}


def scan(root: Path, language: str) -> list[Finding]:
    """The findings of the source-code analyzer (its own components, and the SSH and TLS
    settings it reports through the protocol builders); key material found by the
    certificate and embedded-JWK analyzers is left out of this evaluation."""
    component = load_patterns(language).component
    records = file_scanners()[0].scan(parse_target(str(root)), ScanOptions(workers=1))
    return [
        r
        for r in records
        if isinstance(r, Finding)
        and r.location.component.startswith((f"{component} ", "ssh "))
        and r.location.path
        and Path(r.location.path).suffix in SUFFIXES[language]
    ]


def _line(root: Path, rel: str, line: int) -> str:
    try:
        text = (root / rel).read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return text[line - 1].strip()[:140] if 0 < line <= len(text) else ""


def report(language: str, sample: int, seed: int) -> None:
    title, locate = LIBRARIES[language]
    root = locate()
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix in SUFFIXES[language]]
    findings = scan(root, language)
    print(f"\n== {language}: {title} ({len(files)} files, {len(findings)} findings)")
    print("   by function:", dict(Counter(f.function for f in findings).most_common()))
    print("   algorithms:", dict(Counter(f.algorithm for f in findings).most_common(12)))
    by_line: dict[tuple[str, int], list[Finding]] = {}
    for f in findings:
        by_line.setdefault((f.location.path or "", f.location.line or 0), []).append(f)
    pattern = re.compile(CANDIDATES[language])
    candidates: list[tuple[str, int]] = []
    for path in sorted(files):
        rel = path.relative_to(root).as_posix()
        for number, text in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            if pattern.search(text) and not text.lstrip().startswith(("//", "#", "*", "/*")):
                candidates.append((rel, number))
    rng = random.Random(seed)
    print(
        f"   recall sample ({min(sample, len(candidates))} of {len(candidates)} candidate lines):"
    )
    for rel, number in sorted(rng.sample(candidates, min(sample, len(candidates)))):
        found = by_line.get((rel, number), [])
        shown = ", ".join(sorted({f"{f.algorithm}/{f.function}" for f in found})) or "-"
        print(f"     {rel}:{number}  [{shown}]  {_line(root, rel, number)}")
    print(f"   precision sample ({min(sample, len(findings))} of {len(findings)} findings):")
    for f in sorted(
        rng.sample(findings, min(sample, len(findings))),
        key=lambda f: (f.location.path, f.location.line),
    ):
        rel, number = f.location.path or "", f.location.line or 0
        print(
            f"     {rel}:{number}  {f.algorithm}/{f.function} {f.params}  {_line(root, rel, number)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sample", type=int, default=25)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--only", default=",".join(LIBRARIES))
    parser.add_argument("--clean", action="store_true", help="delete downloaded libraries first")
    args = parser.parse_args()
    if args.clean and WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True, exist_ok=True)
    for language in args.only.split(","):
        report(language, args.sample, args.seed)


if __name__ == "__main__":
    main()
