"""Every view of the HTML report shows the inventory's own numbers: each test parses the
rendered HTML and compares one view with counts taken straight from the inventory's JSON
(its `issues` list and its findings; never from the view code). Summary counts, the status,
severity and algorithm charts and the breakdowns count production issues, as the JSON's
issues do; the endpoint, certificate and code views and the findings table count findings.
The inventory is real: a scanned trust store, the corpus and the examples, and four live
loopback endpoints (classical and hybrid-first TLS, sntrup-first and classical SSH) scanned
by the real scanners."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict

import pytest

from qscan.i18n import Translator
from qscan.model import READY, STATUSES
from qscan.render import RENDERERS, RenderOptions
from qscan.render.locations import place
from tests.render.dom import Node, parse
from tests.render.estate_report import live_estate_inventory

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def inventory(tmp_path_factory):
    return live_estate_inventory(tmp_path_factory.mktemp("views"))


@pytest.fixture(scope="module", params=["en", "nl"])
def page(request, inventory) -> tuple[Node, Translator]:
    html = RENDERERS["html"](inventory, RenderOptions(lang=request.param))
    return parse(html), Translator(request.param)


def _status(f) -> str:
    return f.verdict.status if f.verdict else "unknown"


def _card(dom: Node, name: str) -> str:
    return dom.find("div", data_card=name).find("b").text


def _production(inventory) -> list[dict]:
    return [i for i in inventory.to_dict()["issues"] if i["scope"] == "production"]


def _to_act(inventory) -> list[dict]:
    """The production issues that need action: not severity info, not quantum-ready."""
    return [
        i for i in _production(inventory) if i["severity"] != "info" and i["status"] not in READY
    ]


def test_summary_cards(inventory, page):
    dom, t = page
    issues = _production(inventory)
    ready = sum(i["status"] in READY for i in issues)
    assert _card(dom, "readiness") == t.percent(ready / len(issues))
    to_act = _to_act(inventory)
    assert _card(dom, "issues") == t.number(len(to_act))
    card = dom.find("div", data_card="issues").text
    assert t("summary.informational", n=t.number(len(issues) - len(to_act))) in card
    assert t.number(len(inventory.findings)) in card
    assert _card(dom, "errors") == t.number(len(inventory.errors))
    certificates = defaultdict(set)
    for f in inventory.findings:
        if f.asset == "certificate" and f.context.get("sha256"):
            certificates[f.context["sha256"]].add(_status(f))
    pq = sum(all(s in READY for s in statuses) for statuses in certificates.values())
    assert _card(dom, "certificates") == t.percent(pq / len(certificates))


def test_deadline_cards(inventory, page):
    dom, t = page
    buckets = Counter()
    for i in _to_act(inventory):
        deadline = i.get("deadline")
        if i["status"] == "classically-broken":
            buckets["now"] += 1
        elif deadline and deadline <= "2030-12-31":
            buckets["2030"] += 1
        elif deadline and deadline <= "2035-12-31":
            buckets["2035"] += 1
        else:
            buckets["later"] += 1
    # "now" also takes the overdue ones, which depends on today's date: from 2031 on, those
    # due by 2030 are overdue
    for name in ("2035", "later"):
        assert _card(dom, name) == t.number(buckets[name]), name
    now, by_2030 = (int(re.sub(r"\D", "", _card(dom, k))) for k in ("now", "2030"))
    assert now + by_2030 == buckets["now"] + buckets["2030"] and now >= buckets["now"]
    assert buckets.total() == len(_to_act(inventory))  # the cards add up to the headline


def _chart(dom: Node, caption: str) -> Node:
    figure = next(f for f in dom.find_all("figure") if f.find("figcaption").text == caption)
    return figure.find("svg")


def test_status_and_severity_charts(inventory, page):
    dom, t = page
    issues = _production(inventory)
    statuses = Counter(i["status"] for i in issues)
    legend = _chart(dom, t("charts.status")).text
    for status in STATUSES:
        if statuses[status]:
            assert f"{t.status(status)}: {t.number(statuses[status])}" in legend
    severities = Counter(i["severity"] for i in issues)
    bars = {
        r.find("title").text.split(": ")[0]: r.find("title").text.split(": ")[1]
        for r in _chart(dom, t("charts.severity")).find_all("rect")
    }
    for severity, n in severities.items():
        assert bars[t.severity(severity)].strip() == t.number(n)


def test_algorithm_bars_have_true_counts_per_status(inventory, page):
    """One bar per algorithm and use, split by status with the true number of issues of
    each status (never all labelled with the worst one); protocol versions are not
    algorithms."""
    dom, t = page
    by_fingerprint = {f.fingerprint: f for f in inventory.findings}
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    protocols = set()
    for issue in _production(inventory):
        members = [by_fingerprint[m] for m in issue["members"]]
        protocols |= {f.algorithm for f in members if f.function == "protocol"}
        assert not protocols & set(issue["algorithms"])
        uses = {(f.algorithm, f.function) for f in members if f.function != "protocol"}
        for use in uses:
            counts[use][issue["status"]] += 1
    shown: dict[str, Counter[str]] = defaultdict(Counter)
    for r in _chart(dom, t("charts.algorithms")).find_all("rect"):
        if "data-count" in r.attrs:
            label = r.find("title").text.rsplit(": ", 1)[0]
            shown[label][r.attrs["data-key"]] = int(r.attrs["data-count"])
    assert len(shown) == min(15, len(counts))
    for (alg, fn), statuses in counts.items():
        label = f"{alg} · {t.function(fn)}"
        if label in shown:
            assert shown[label] == +statuses, label
    top = max(counts, key=lambda k: counts[k].total())
    assert shown[f"{top[0]} · {t.function(top[1])}"] == counts[top]
    assert any(len(c) > 1 for c in shown.values())  # bars do split by status
    assert protocols and not any(label.startswith(tuple(protocols)) for label in shown)


def test_system_bars(inventory, page):
    dom, t = page
    by_system: dict[str, Counter[str]] = defaultdict(Counter)
    for issue in _production(inventory):
        if issue.get("system"):
            by_system[issue["system"]][issue["status"]] += 1
    shown: dict[str, Counter[str]] = defaultdict(Counter)
    for r in _chart(dom, t("charts.by_system")).find_all("rect"):
        if "data-count" in r.attrs:
            label = r.find("title").text.rsplit(": ", 1)[0]  # "name (owner)"
            name = max((s for s in by_system if label.startswith(s)), key=len)
            shown[name][r.attrs["data-key"]] = int(r.attrs["data-count"])
    assert shown == {k: +v for k, v in by_system.items()}


def test_endpoint_table(inventory, page):
    dom, t = page
    groups = defaultdict(list)
    for f in inventory.findings:
        if f.location.path is None and f.location.host:
            groups[place(f)].append(f)
    rows = {r.attrs["data-endpoint"]: r for r in dom.find_all("tr") if "data-endpoint" in r.attrs}
    assert set(rows) == set(groups)
    for key, group in groups.items():
        cells = rows[key].find_all("td")
        assert cells[-1].text == t.number(len(group)), key
    ssh = {k: g for k, g in groups.items() if k.startswith("ssh://127.0.0.1")}
    assert len(ssh) == 2
    for key, group in ssh.items():
        protocol = next(f for f in group if f.function == "protocol")
        row = rows[key]
        host_keys = [f for f in group if f.asset == "key"]
        assert host_keys and all(f.algorithm in row.find_all("td")[3].text for f in host_keys)
        if protocol.verdict.rule == "QS422":  # "SSH prefers a hybrid post-quantum key exchange"
            assert row.attrs["data-readiness"] == "pq-preferred"
            assert t("endpoints.pq-preferred") in row.text
        else:
            assert row.attrs["data-readiness"] == "classical"
    assert any(
        g[0].location.port and rows[k].attrs["data-readiness"] == "pq-preferred"
        for k, g in groups.items()
        if k.startswith("tls://127.0.0.1")
    )
    for key, group in groups.items():
        if key.startswith("tls://127.0.0.1"):
            endpoint = next(f for f in group if "endpoint" in f.context)
            expected = (
                "pq-preferred"
                if endpoint.context["endpoint"]["hybrid_preferred"]
                else (
                    "pq-supported"
                    if endpoint.context["endpoint"]["hybrid_supported"]
                    else "classical"
                )
            )
            assert rows[key].attrs["data-readiness"] == expected
            assert t("endpoints.signed_with", algorithm="RSA", hash="SHA-256") in rows[key].text


def test_certificate_table(inventory, page):
    dom, t = page
    worst = ("classically-broken", "quantum-vulnerable", "unknown", "hybrid", "quantum-safe")
    certificates: dict[str, list] = defaultdict(list)
    for f in inventory.findings:
        if f.asset == "certificate" and (f.context.get("sha256") or f.context.get("subject")):
            certificates[str(f.context.get("sha256") or f.context.get("subject"))].append(f)
    rows = dom.find("table", cls="certificates").find("tbody").find_all("tr")
    assert len(rows) == len(certificates)
    expected = Counter(
        min((_status(f) for f in group), key=worst.index) for group in certificates.values()
    )
    assert Counter(r.attrs["data-status"] for r in rows) == expected


def test_code_view(inventory, page):
    dom, t = page
    files: dict[str, Counter[str]] = defaultdict(Counter)
    for f in inventory.findings:
        if f.location.path is not None:
            files[f.location.target][f.location.path] += 1
    section = dom.find("section", id="code")
    targets = {h.attrs["data-target"]: h for h in section.find_all("h3")}
    assert set(targets) == set(files)
    for target, paths in files.items():
        expected = t(
            "code.files",
            files=t.count("files", len(paths)),
            findings=t.count("findings", sum(paths.values())),
        )
        assert expected in targets[target].text
    shown: dict[str, dict[str, str]] = defaultdict(dict)
    target = None
    for node in section.children:
        if isinstance(node, Node) and node.tag == "h3":
            target = node.attrs["data-target"]
        elif isinstance(node, Node) and node.tag == "table":
            for row in node.find_all("tr"):
                if "data-file" in row.attrs:
                    shown[target][row.attrs["data-file"]] = row.find_all("td")[-1].text
    for target, paths in files.items():
        assert shown[target] == {p: t.number(n) for p, n in paths.items()}, target


def test_findings_data_and_errors(inventory, page):
    dom, t = page
    data = json.loads(dom.find("script", id="qscan-data").text)
    assert {row[0] for row in data["f"]} == {f.fingerprint for f in inventory.findings}
    assert len(data["f"]) == len(inventory.findings)
    # the scope filter and the issue grouping of the findings table hold the JSON's own values
    issues = {i["id"]: i for i in inventory.to_dict()["issues"]}
    by_fingerprint = {f.fingerprint: f for f in inventory.findings}
    for row in data["f"]:
        finding = by_fingerprint[row[0]]
        issue = issues[finding.issue]
        label = data["s"][row[23]]
        assert label.startswith(issue["rule"] + " ")
        assert label.endswith(issue["asset"]) or t.lang != "en"  # Dutch names its component
        scope = finding.context.get("material_scope", "production")
        assert data["scL"][row[22]] == t(f"scope.{scope}")
    errors = dom.find("section", id="errors").find("tbody").find_all("tr")
    assert len(errors) == len(inventory.errors)
