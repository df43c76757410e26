"""What the summaries say on real material: the headline counts the issues to act on and
the informational ones apart, protocol versions are not algorithms, and an issue found in
several places lists them (text, Markdown, HTML in English and Dutch)."""

from __future__ import annotations

import json

import pytest

from qscan import api
from qscan.i18n import Translator
from qscan.model import READY, Inventory
from qscan.render import RENDERERS, RenderOptions
from tests.inventories.conftest import make_cert
from tests.render.dom import parse

NGINX = (
    "http {\n"
    "  server { server_name a.example.org; listen 443 ssl; ssl_protocols TLSv1 TLSv1.2;\n"
    "           ssl_ciphers AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256; }\n"
    "}\n"
)


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    root = tmp_path_factory.mktemp("top-lists")
    (root / "nginx.conf").write_text(NGINX)
    ca = make_cert(root / "pki" / "root.pem", "rsa", days=7000, ca=True, name="Shared Root")
    for copy in ("a/trust.pem", "b/trust.pem", "c/trust.pem", "d/trust.pem"):
        (root / copy).parent.mkdir()
        (root / copy).write_bytes(ca.read_bytes())
    return api.scan(root)


def _production(inventory: Inventory) -> list[dict]:
    issues = json.loads(inventory.to_json())["issues"]
    return [i for i in issues if i["scope"] == "production"]


def _to_act(issues: list[dict]) -> list[dict]:
    return [i for i in issues if i["severity"] != "info" and i["status"] not in READY]


def _text(inventory: Inventory) -> str:
    return RENDERERS["text"](inventory, RenderOptions())


def test_the_headline_counts_what_needs_action(inventory: Inventory) -> None:
    production = _production(inventory)
    to_act = _to_act(production)
    informational = len(production) - len(to_act)
    assert to_act and informational  # the root's self-signature (QS212) is informational
    headline = f"issues: {len(to_act)} to act on (+{informational} informational)"
    assert headline in _text(inventory)
    markdown = RENDERERS["md"](inventory, RenderOptions())
    assert f"**{len(to_act)} issues to act on** (+{informational} informational" in markdown
    # the top lists hold what needs action only
    top = _text(inventory).split("top risks:\n", 1)[1]
    assert "QS212" not in top and "QS212" not in markdown.split("###", 1)[1]


def test_protocol_versions_are_not_algorithms(inventory: Inventory) -> None:
    lines = {line.split(":", 1)[0]: line for line in _text(inventory).splitlines()}
    assert "TLS" not in lines["algorithms"] and "RSA ×" in lines["algorithms"]
    assert lines["protocols"] == "protocols:   TLS 1.0 ×1, TLS 1.2 ×1"
    (old,) = [i for i in _production(inventory) if i["rule"] == "QS401"]
    assert old["protocols"] == ["TLS 1.0"] and old["algorithms"] == []


def test_an_issue_in_several_places_lists_them(inventory: Inventory) -> None:
    shared = [i for i in _production(inventory) if len(i["places"]) > 1]
    assert shared and all(i["asset"] == "CN=Shared Root" for i in shared)
    places = shared[0]["places"]
    assert len(places) == 5 and places == sorted(places)
    assert all(p.endswith("trust.pem:1") or p.endswith("root.pem:1") for p in places)
    text = _text(inventory)
    assert f"5 places: {', '.join(places[:3])} and 2 more" in text
    markdown = RENDERERS["md"](inventory, RenderOptions()).replace("\\", "")
    assert f"CN=Shared Root — 5 places: {', '.join(places[:3])} and 2 more" in markdown
    for lang in ("en", "nl"):
        t = Translator(lang)
        dom = parse(RENDERERS["html"](inventory, RenderOptions(lang=lang)))
        cells = [n for n in dom.find_all("small") if n.attrs.get("data-places") == "5"]
        assert cells, lang
        assert all(c.text.startswith(t("summary.places", n=t.number(5))) for c in cells)
        assert all(places[0] in c.text and places[3] not in c.text for c in cells)
