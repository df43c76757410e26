"""--shard K/N: a deterministic partition of an estate's targets."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from qscan.assess.scenario import get_scenario
from qscan.estate import (
    load_estate,
    parse_estate,
    parse_shard,
    select_shard,
    shard_index,
)
from qscan.inventories.merge import merge
from qscan.pipeline import scan_estate
from qscan.scan.interface import ScanOptions
from tests.inventories.conftest import make_cert, write


def big_estate(n: int) -> str:
    systems = []
    for s in range(n // 10):
        endpoints = ", ".join(f"host{s * 10 + i}.example.org:{443 + i}" for i in range(5))
        paths = ", ".join(f"data/s{s}/p{i}" for i in range(5))
        systems.append(
            f"  - name: system-{s}\n    owner: team {s}\n    targets:\n"
            f"      endpoints: [{endpoints}]\n      paths: [{paths}]\n"
        )
    return "organisation: {name: Big, id: BIG}\nsystems:\n" + "".join(systems)


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8, 13])
def test_every_target_lands_in_exactly_one_shard(count: int) -> None:
    estate = parse_estate(big_estate(300))
    targets = estate.targets()
    assert len(targets) == 300
    seen: Counter = Counter()
    for k in range(1, count + 1):
        seen.update(t.value for t in select_shard(targets, (k, count)))
    assert seen == Counter(t.value for t in targets)
    assert set(seen.values()) == {1}


def test_shards_are_balanced_and_stable() -> None:
    estate = parse_estate(big_estate(300))
    sizes = [len(select_shard(estate.targets(), (k, 4))) for k in range(1, 5)]
    assert sum(sizes) == 300 and min(sizes) >= 45
    # The partition must be the same on every machine and Python version (no hash()).
    assert [shard_index(v, 8) for v in ("a.example.org:443", "certs/", "ssh://b:22")] == [
        shard_index(v, 8) for v in (" a.example.org:443", "certs/ ", "ssh://b:22")
    ]


def test_shard_index_is_a_pinned_function_of_the_target_string() -> None:
    import hashlib

    for value in ("portal.example.org:443", "data/s1/p2", "ssh://bastion:22"):
        digest = hashlib.sha256(value.encode()).digest()
        assert shard_index(value, 7) == int.from_bytes(digest[:8], "big") % 7 + 1


@pytest.mark.parametrize("text", ["1", "0/3", "4/3", "a/b", "1/0", "-1/2"])
def test_bad_shard_specs(text: str) -> None:
    with pytest.raises(ValueError):
        parse_shard(text)


def test_parse_shard() -> None:
    assert parse_shard(" 2 / 5 ") == (2, 5)


def test_sharded_inventories_merge_into_the_unsharded_result(
    cert_scanner: None, tmp_path: Path
) -> None:
    systems = []
    for s in range(3):
        paths = []
        for i in range(4):
            make_cert(
                tmp_path / f"certs/s{s}/c{i}/cert.pem",
                days=30 + 400 * i,
                ca=i == 3,
                name=f"s{s}c{i}",
            )
            paths.append(f"certs/s{s}/c{i}")
        systems.append(
            f"  - name: sys{s}\n    owner: owner{s}\n    targets:\n      paths: [{', '.join(paths)}, certs/missing{s}]\n"
        )
    (tmp_path / "estate.yaml").write_text(
        "organisation: {name: Shard Org, id: SHARD}\nsystems:\n" + "".join(systems)
    )
    estate = load_estate(tmp_path / "estate.yaml")
    scenario = get_scenario()

    whole = scan_estate(estate, ScanOptions(), "nist-ir-8547", scenario)
    write(whole, tmp_path / "whole.json")
    shard_files = []
    for k in range(1, 4):
        inv = scan_estate(estate, ScanOptions(), "nist-ir-8547", scenario, (k, 3))
        assert inv.extra["estate"]["shard"] == {"index": k, "count": 3}
        shard_files.append(write(inv, tmp_path / f"shard{k}.json"))

    merge([tmp_path / "whole.json"], tmp_path / "m1.json")
    merge(shard_files, tmp_path / "m3.json")
    unsharded = json.loads((tmp_path / "m1.json").read_text())["aggregates"]
    sharded = json.loads((tmp_path / "m3.json").read_text())["aggregates"]
    assert sharded["totals"] == unsharded["totals"]
    assert sharded["systems"] == unsharded["systems"]
    assert sharded["organisations"] == unsharded["organisations"]
    assert sharded["algorithms"] == unsharded["algorithms"]
    assert unsharded["totals"]["findings"] == 12 and unsharded["totals"]["errors"] == 3

    def keyed(path: Path) -> dict:
        data = json.loads(path.read_text())
        return {(f["fingerprint"], f["context"]["system"]): f["priority"] for f in data["findings"]}

    assert keyed(tmp_path / "m1.json") == keyed(tmp_path / "m3.json")
    entry = json.loads((tmp_path / "m3.json").read_text())["organisations"][0]
    assert entry["shards"] == {"count": 3, "present": [1, 2, 3], "missing": []}
    partial = merge(shard_files[:2], tmp_path / "m2.json")
    assert partial["totals"]["findings"] < 12
    entry = json.loads((tmp_path / "m2.json").read_text())["organisations"][0]
    assert entry["shards"]["missing"] == [3]


def test_no_shard_selects_every_target() -> None:
    estate = parse_estate(
        textwrap.dedent(
            """\
            organisation: {name: A, id: A}
            systems:
              - {name: s, owner: o, targets: {endpoints: ["a.example.org:443"]}}
            """
        )
    )
    assert select_shard(estate.targets(), None) == estate.targets()
