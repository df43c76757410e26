"""Precision and recall of the repository scanner on the labelled corpus (tests/corpus/).

Every corpus file has `<file>.expected.yaml` next to it: the findings it must produce (line,
algorithm, function and the parameters the file states), and how many error records and
notes (`errors: N`, `notes: N`; default 0). A finding matches an expected
entry when path and line, algorithm, function and every listed parameter agree; an entry
with `count: N` matches N findings (a cipher string naming N suites). Unmatched findings are
false positives, unmatched entries false negatives. Precision and recall are computed per
language and per format (one corpus folder each) and must both reach 0.95.

`negatives:` lists lines that look like cryptography but must produce no finding at all:

    negatives:
    - {line: 14, function: signature, why: look-alike name (a game's Signature class)}

`function` is the pattern family the line looks like (tests/scan/repo/families.py: a
finding's function, or `unknown` for key loading and construction, `tls-config`,
`name-string`); `why` says why it is not cryptography: a comment, a look-alike name, dead
code, a non-cryptographic use of the word, a string in documentation. No expected entry may
stand on a negative line. In every language folder, every family the language's patterns
produce has at least one expected finding and one labelled negative.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from qscan.model import Finding, ScanError, ScanNote
from qscan.scan.interface import ScanOptions
from qscan.scan.registry import file_scanners
from qscan.targets import parse_target
from tests.scan.repo.families import LANGUAGES, finding_class, language_classes

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
THRESHOLD = 0.95
EXPECTED_SUFFIX = ".expected.yaml"
_ENTRY_KEYS = {"line", "algorithm", "function", "count", "component"}
_NEGATIVE_KEYS = {"line", "function", "why"}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    error_problems: list[str] = field(default_factory=list)
    positives: list[Finding] = field(default_factory=list)
    """The findings that matched an expected entry."""
    negatives: list[dict] = field(default_factory=list)
    negative_problems: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _matches(finding: Finding, entry: dict) -> bool:
    if finding.location.line != entry["line"] or finding.algorithm != entry["algorithm"]:
        return False
    if "function" in entry and finding.function != entry["function"]:
        return False
    if "component" in entry and entry["component"] not in finding.location.component:
        return False
    return all(finding.params.get(k) == v for k, v in entry.items() if k not in _ENTRY_KEYS)


def score_folder(folder: Path) -> Score:
    scanner = file_scanners()[0]
    options = ScanOptions(workers=1, excludes=(f"*{EXPECTED_SUFFIX}",))
    records = list(scanner.scan(parse_target(str(folder)), options))
    by_file: dict[str, list[Finding]] = defaultdict(list)
    errors: dict[str, list[ScanError]] = defaultdict(list)
    notes: dict[str, list[ScanNote]] = defaultdict(list)
    for record in records:
        if isinstance(record, Finding):
            by_file[record.location.path or ""].append(record)
        elif isinstance(record, ScanNote):
            notes[record.path or ""].append(record)
        else:
            errors[record.path or ""].append(record)
    score = Score()
    sources = sorted(
        p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(EXPECTED_SUFFIX)
    )
    for source in sources:
        rel = source.relative_to(folder).as_posix()
        expected_path = source.with_name(source.name + EXPECTED_SUFFIX)
        assert expected_path.exists(), f"{rel} has no {expected_path.name}"
        doc = yaml.safe_load(expected_path.read_text()) or {}
        entries = [dict(e) for e in doc.get("findings") or []]
        remaining = {i: int(e.get("count", 1)) for i, e in enumerate(entries)}
        found_here = by_file.pop(rel, [])
        _check_negatives(rel, doc, entries, found_here, score)
        for finding in found_here:
            hit = next(
                (i for i, e in enumerate(entries) if remaining[i] and _matches(finding, e)), None
            )
            if hit is None:
                score.fp += 1
                score.misses.append(
                    f"FP {rel}:{finding.location.line} {finding.algorithm} {finding.function} "
                    f"{finding.params} [{finding.location.component}]"
                )
            else:
                remaining[hit] -= 1
                score.tp += 1
                score.positives.append(finding)
        for i, left in remaining.items():
            if left:
                score.fn += left
                score.misses.append(f"FN {rel}: {entries[i]} (x{left})")
        for kind, found in (("errors", errors.pop(rel, [])), ("notes", notes.pop(rel, []))):
            wanted = int(doc.get(kind, 0))
            if len(found) != wanted:
                score.error_problems.append(
                    f"{rel}: {len(found)} {kind}, expected {wanted}: {[e.message for e in found]}"
                )
    for rel, findings in by_file.items():
        score.fp += len(findings)
        score.misses.extend(
            f"FP {rel}:{f.location.line} {f.algorithm} (file without expectations)"
            for f in findings
        )
    for rel, left in [*errors.items(), *notes.items()]:
        score.error_problems.append(
            f"{rel}: errors or notes outside corpus files {[e.message for e in left]}"
        )
    return score


def _check_negatives(
    rel: str, doc: dict, entries: list[dict], findings: list[Finding], score: Score
) -> None:
    """Record the file's labelled negatives; a negative line with a finding or an expected
    entry on it, or an entry that does not follow the format, is a problem."""
    expected_lines = {e["line"] for e in entries}
    for negative in doc.get("negatives") or []:
        where = f"{rel}:{negative.get('line')}"
        if set(negative) != _NEGATIVE_KEYS or not str(negative["why"]).strip():
            score.negative_problems.append(
                f"{where}: a negative needs exactly {sorted(_NEGATIVE_KEYS)}, not {negative}"
            )
            continue
        score.negatives.append({**negative, "path": rel})
        if negative["line"] in expected_lines:
            score.negative_problems.append(f"{where}: also an expected finding")
        score.negative_problems.extend(
            f"{where}: negative ({negative['why']}) has a finding: {f.algorithm} {f.function} "
            f"[{f.location.component}]"
            for f in findings
            if f.location.line == negative["line"]
        )


FOLDERS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def scores() -> dict[str, Score]:
    return {name: score_folder(CORPUS / name) for name in FOLDERS}


def test_corpus_has_every_language_and_format():
    languages = {"python", "java", "go", "javascript", "c", "csharp", "rust", "php"}
    formats = {
        "nginx",
        "apache",
        "haproxy",
        "openssl-cnf",
        "ssh-config",
        "java-security",
        "tomcat",
        "postfix",
        "kubernetes",
        "terraform",
        "embedded",
    }
    assert languages | formats <= set(FOLDERS)


@pytest.mark.parametrize("name", FOLDERS)
def test_precision_and_recall(name, scores):
    score = scores[name]
    print(
        f"\n{name:<14} precision {score.precision:.3f}  recall {score.recall:.3f}  "
        f"(tp {score.tp}, fp {score.fp}, fn {score.fn})"
    )
    for miss in score.misses:
        print("   ", miss)
    assert score.tp > 0
    assert not score.error_problems, "\n".join(score.error_problems)
    assert score.precision >= THRESHOLD, "\n".join(score.misses)
    assert score.recall >= THRESHOLD, "\n".join(score.misses)


def test_print_summary(scores):
    total = Score()
    lines = ["", f"{'corpus':<14} {'precision':>9} {'recall':>7} {'tp':>5} {'fp':>4} {'fn':>4}"]
    for name in FOLDERS:
        s = scores[name]
        total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
        lines.append(
            f"{name:<14} {s.precision:>9.3f} {s.recall:>7.3f} {s.tp:>5} {s.fp:>4} {s.fn:>4}"
        )
    lines.append(
        f"{'all':<14} {total.precision:>9.3f} {total.recall:>7.3f} {total.tp:>5} {total.fp:>4} {total.fn:>4}"
    )
    print("\n".join(lines))


@pytest.mark.parametrize("name", FOLDERS)
def test_labelled_negatives_have_no_finding(name, scores):
    problems = scores[name].negative_problems
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_family_has_a_positive_and_a_negative(language, scores):
    score = scores[language]
    classes = language_classes(language)
    positives = Counter(finding_class(language, f) for f in score.positives)
    negatives = Counter(n["function"] for n in score.negatives)
    print(
        f"\n{language:<11}",
        "  ".join(f"{c} +{positives[c]}/-{negatives[c]}" for c in sorted(classes)),
    )
    unknown = sorted(set(negatives) - classes)
    assert not unknown, f"negatives of classes the {language} patterns do not produce: {unknown}"
    missing = [
        f"{c}: {positives[c]} positive, {negatives[c]} negative"
        for c in sorted(classes)
        if not positives[c] or not negatives[c]
    ]
    assert not missing, f"{language} families without a labelled case:\n" + "\n".join(missing)


def test_a_finding_on_a_negative_line_is_reported(tmp_path):
    (tmp_path / "a.py").write_text("import hashlib\n\nhashlib.md5(b'x')\n")
    (tmp_path / f"a.py{EXPECTED_SUFFIX}").write_text(
        "findings: []\nnegatives:\n- {line: 3, function: hash, why: mislabelled}\n"
        "- {line: 1, function: hash}\n"
    )
    problems = score_folder(tmp_path).negative_problems
    assert len(problems) == 2
    assert problems[0].startswith("a.py:3: negative (mislabelled) has a finding: MD5 hash")
    assert problems[1].startswith("a.py:1: a negative needs exactly")
