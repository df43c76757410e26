"""Finite-field Diffie-Hellman material is key exchange wherever it is found (QS101/QS102 with
an ML-KEM fix), never a signature or public-key rule with an ML-DSA fix."""

from __future__ import annotations

import pytest

from tests.scan.certs import builders
from tests.scan.certs.conftest import scan_folder

pytestmark = pytest.mark.skipif(not builders.have("openssl"), reason="openssl is not installed")


def openssl(folder, *args):
    builders.run("openssl", *args, cwd=folder)


@pytest.mark.filterwarnings("ignore:Diffie-Hellman over finite fields")
def test_dh_parameters_keys_and_public_keys_are_key_exchange(tmp_path):
    openssl(tmp_path, "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048",
            "-out", "dhparam.pem")  # fmt: skip
    openssl(tmp_path, "genpkey", "-genparam", "-algorithm", "DHX", "-pkeyopt", "dh_rfc5114:2",
            "-out", "x942-params.pem")  # fmt: skip
    for params, key in (("dhparam.pem", "dh"), ("x942-params.pem", "dhx")):
        openssl(tmp_path, "genpkey", "-paramfile", params, "-out", f"{key}-key.pem")
        openssl(tmp_path, "pkey", "-in", f"{key}-key.pem", "-pubout", "-out", f"{key}-pub.pem")
    (tmp_path / "small.pem").write_bytes(builders.dh_parameters_pem((1 << 1023) + 1155, 2))
    inventory = scan_folder(tmp_path)
    dh = [f for f in inventory.findings if f.algorithm == "DH" and f.function != "key-storage"]
    seen = {(f.location.path, f.location.component) for f in dh}
    assert seen == {
        ("dhparam.pem", "DH parameters"),
        ("x942-params.pem", "DH parameters"),
        ("small.pem", "DH parameters"),
        ("dh-key.pem", "private key"),
        ("dhx-key.pem", "private key"),
        ("dh-pub.pem", "public key"),
        ("dhx-pub.pem", "public key"),
    }
    assert {f.params.get("oid") for f in dh if "pub" in f.location.path} == {
        "1.2.840.113549.1.3.1",  # PKCS #3 dhKeyAgreement
        "1.2.840.10046.2.1",  # X9.42 dhpublicnumber
    }
    for finding in dh:
        assert finding.function == "key-exchange"
        expected = ("QS102", "critical") if finding.params["bits"] < 2048 else ("QS101", "high")
        assert (finding.verdict.rule, finding.verdict.severity) == expected, finding.location
        assert "ML-KEM" in finding.verdict.fix and "ML-DSA" not in finding.verdict.fix
    assert not inventory.errors
