"""Hostile configuration files (waivers, baselines, estates, targets files): each ends at
once in one error naming the file and, where there is one, the line; none crashes, hangs
or expands."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from qscan.assess.baseline import load_baseline
from qscan.assess.waivers import load_waivers
from qscan.configfile import ConfigError
from qscan.estate import EstateError, load_estate
from qscan.targets import read_targets_file

WAIVER = "waivers:\n  - rule: QS101\n    justification: legacy\n    owner: team\n"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9)
)
NESTED_JSON = '{"schema": "qscan/baseline@1", "fingerprints": ' + "[" * 5000 + "]" * 5000 + "}"

CASES: dict[str, tuple[Callable[[Path], object], str | bytes, int | None]] = {
    # name: (loader, content, line the error must name)
    "waiver-february-30": (load_waivers, WAIVER + "    expires: 2027-02-30\n", 5),
    "waiver-year-0000": (load_waivers, WAIVER + "    expires: 0000-01-01\n", 5),
    "waiver-hour-25": (load_waivers, WAIVER + "    expires: 2027-01-01 25:00:00\n", 5),
    "waiver-tagged-date": (load_waivers, WAIVER + "    expires: !!timestamp 2027-02-30\n", 5),
    "waiver-fingerprint-number": (
        load_waivers,
        "- fingerprint: 1234\n  justification: x\n  owner: y\n  expires: 2027-01-01\n",
        1,
    ),
    "waiver-fingerprint-list": (
        load_waivers,
        "- justification: x\n  owner: y\n  expires: 2027-01-01\n  fingerprint: [a, b]\n",
        4,
    ),
    "waiver-huge-justification": (
        load_waivers,
        "- rule: QS1\n  owner: y\n  expires: 2027-01-01\n  justification: " + "x" * 5000 + "\n",
        4,
    ),
    "waiver-alias-bomb": (load_waivers, BOMB, 2),
    "waiver-nested": (load_waivers, "waivers: " + "[" * 200 + "]" * 200 + "\n", 1),
    "waiver-not-utf8": (load_waivers, b"waivers:\n  - rule: \xff\xfe\n", 2),
    "baseline-nested": (load_baseline, NESTED_JSON, None),
    "baseline-fingerprint-numbers": (
        load_baseline,
        '{"schema": "qscan/baseline@1", "fingerprints": [1, 2]}',
        None,
    ),
    "baseline-not-json": (load_baseline, '{"schema":\n  oops}', 2),
    "baseline-not-utf8": (load_baseline, b'{"a": "\xc3\x28"}', 1),
    "estate-alias-bomb": (load_estate, BOMB, 2),
    "estate-bad-date": (
        load_estate,
        "organisation: {name: x}\nsystems: []\nwhen: !!timestamp 2027-13-45\n",
        3,
    ),
    "targets-not-utf8": (read_targets_file, b"example.org:443\n\xff\n", 2),
    "targets-bad-line": (read_targets_file, "example.org:443\nnot a target at all ::\n", 2),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_config_file_is_one_error_with_its_line(tmp_path: Path, name: str) -> None:
    load, content, line = CASES[name]
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises((ConfigError, EstateError)) as caught:
        load(path)
    assert time.monotonic() - started < 2
    message = str(caught.value)
    assert message.startswith(str(path))
    assert "\n" not in message
    if line is not None:
        assert message.startswith(f"{path}:{line}: "), message


@pytest.mark.parametrize("load", [load_waivers, load_baseline, load_estate, read_targets_file])
def test_a_folder_or_a_missing_file_is_one_error(tmp_path: Path, load) -> None:
    for path in (tmp_path, tmp_path / "missing"):
        with pytest.raises((ConfigError, EstateError)) as caught:
            load(path)
        assert str(caught.value).startswith(str(path)) and "\n" not in str(caught.value)


def test_waiver_warnings_echo_short_printable_fields(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    owner = "team\\e[2J" + "o" * 900  # YAML escape for ESC
    path.write_text(
        f"- path: '{'p' * 900}'\n  justification: x\n  owner: \"{owner}\"\n  expires: 2020-01-01\n",
        encoding="utf-8",
    )
    (waiver,) = load_waivers(path)
    text = waiver.describe()
    assert "\x1b" not in text and len(text) < 250
