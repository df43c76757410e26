"""Building the findings of one file: location, context and a stable identity."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from qscan.catalog import catalog
from qscan.model import Finding, Text
from qscan.scan.records import FileRecords

EVIDENCE_CHARS = 160
_SPACE = re.compile(r"\s+")


def normalise(snippet: str) -> str:
    """Whitespace collapsed and quotes unified: the same call reads the same after a
    reformat, so the fingerprint built on it survives."""
    return _SPACE.sub(" ", snippet).strip().replace("'", '"')


def shorten(text: str, limit: int = EVIDENCE_CHARS) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class FileFindings(FileRecords):
    """Factory for the findings of one file. Identical snippets in one file get an
    occurrence number in their identity, so each keeps a distinct, stable fingerprint."""

    _seen: Counter[tuple[str, str, str, str]] = field(default_factory=Counter, init=False)

    def make(
        self,
        *,
        component: str,
        algorithm: str,
        function: str,
        line: int | None,
        evidence: str,
        params: dict[str, Any] | None = None,
        asset: str = "algorithm",
        context: dict[str, Any] | None = None,
        identity: str | None = None,
        texts: dict[str, Text] | None = None,
    ) -> Finding:
        """A finding; `texts` are the message keys of its fixed texts (qscan.model.Text)."""
        params = dict(params or {})
        canonical = catalog().canonical(algorithm)
        if canonical is None:
            if algorithm != "unknown":
                params.setdefault("name", algorithm)
            canonical = "unknown"
        snippet = normalise(identity if identity is not None else evidence)
        key = (component, canonical, function, snippet)
        self._seen[key] += 1
        count = self._seen[key]
        return Finding(
            algorithm=canonical,
            function=function,
            asset=asset,
            location=self.location(line, component),
            params=params,
            evidence=shorten(evidence),
            context=dict(context or {}),
            identity=snippet if count == 1 else f"{snippet}#{count}",
            texts=texts,
        )
