"""Bounded mutation fuzzing of every parser that reads hostile bytes: thousands of bent
samples per parser within a fixed time, each one ending in records (files) or in the
parser's own error (protocols), never in another exception, a hang or a blow-up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qscan.scan.certs import CertificateAnalyzer
from qscan.scan.interface import FileContext, ScanOptions
from qscan.scan.limits import KdfBudget
from tests.hostile import samples
from tests.hostile.limited import run_limited
from tests.hostile.mutate import fuzz

SECONDS_PER_PARSER = 2.0
SLOWEST_INPUT = 1.0
FILE_NAMES = {
    "der-pem": "sample.pem",
    "pkcs12": "sample.p12",
    "jks-jceks": "sample.jks",
    "ssh-putty": "authorized_keys",
}


def _file_parser(name: str) -> Callable[[bytes], object]:
    analyzer = CertificateAnalyzer()
    options = ScanOptions(passwords=(samples.PASSWORD,))

    def parse(data: bytes) -> object:
        # a small key-derivation budget: slow inputs are the hostile-file tests' business
        ctx = FileContext("fuzz", Path(name), name, options, KdfBudget(100_000))
        return list(analyzer.analyze(data, ctx))

    return parse


FILE_SEEDS: dict[str, Callable[[], tuple[bytes, ...]]] = {
    "der-pem": samples.der_and_pem,
    "pkcs12": samples.pkcs12_stores,
    "jks-jceks": samples.java_stores,
    "ssh-putty": samples.ssh_keys,
}


def _fuzz_file_format(kind: str) -> tuple[int, float]:
    report = fuzz(_file_parser(FILE_NAMES[kind]), FILE_SEEDS[kind](), seconds=SECONDS_PER_PARSER)
    return report.inputs, report.slowest


@pytest.mark.parametrize("kind", sorted(FILE_SEEDS))
def test_file_parser_survives_mutations(kind: str) -> None:
    FILE_SEEDS[kind]()  # generated here, inherited by the child
    inputs, slowest = run_limited(_fuzz_file_format, kind).value
    assert inputs >= 200, f"only {inputs} inputs in {SECONDS_PER_PARSER}s"
    assert slowest < SLOWEST_INPUT
