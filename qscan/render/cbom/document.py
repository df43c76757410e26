"""The CBOM document: one pass over the findings, components sorted once, JSON written directly
to the CycloneDX 1.6 structure (tests validate it with cyclonedx-python-lib's strict
validator). The output is deterministic: bom-refs come from content, the serial number from
the inventory, and every list is sorted."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from qscan.catalog import catalog
from qscan.model import CERTIFICATE_CHECK, Finding, Inventory, Verdict
from qscan.protocols import tls
from qscan.render.cbom.algorithms import Algorithms, AlgorithmSpec
from qscan.render.cbom.evidence import Evidence, Place, Places, component
from qscan.render.cbom.material import (
    CertificateAsset,
    KeyAsset,
    certificate_id,
    certificate_role,
    is_private,
    key_fingerprint,
    key_ref,
)
from qscan.render.cbom.protocols import (
    ProtocolAsset,
    is_suite,
    new_protocol,
    protocol_key,
    suite_uses,
)

ROOT = "qscan-scan"


class _Builder:
    def __init__(self, inventory: Inventory) -> None:
        self.cat = catalog()
        self.algorithms = Algorithms(self.cat)
        self.places = Places(inventory.findings)
        self.used: dict[str, tuple[AlgorithmSpec, Evidence, set[str]]] = {}
        self.certificates: dict[str, CertificateAsset] = {}
        self.keys: dict[str, KeyAsset] = {}
        self.protocols: dict[tuple[str, ...], ProtocolAsset] = {}
        self.direct: set[str] = set()
        """What the scan found outside any protocol: the root component depends on it."""

    def use(
        self,
        spec: AlgorithmSpec,
        function: str,
        place: Place,
        verdict: Verdict | None,
        weak: bool = False,
    ) -> str:
        entry = self.used.get(spec.ref)
        if entry is None:
            entry = self.used[spec.ref] = (spec, Evidence(), set())
        entry[1].add(place, verdict, weak)
        entry[2].update(spec.functions(function))
        return spec.ref

    def add(self, f: Finding) -> None:
        place = self.places.place(f)
        verdict = f.verdict
        protocol = self._protocol(f, place, verdict)
        if f.function == "protocol":
            if protocol is not None:
                protocol.version(f)
            return
        ref: str | None
        cert = certificate_id(f)
        if cert is not None:
            ref = self._certificate(f, cert, place, verdict)
        elif f.asset == "key" and f.function != "key-generation":
            ref = self._key(f, place, verdict)
        elif protocol is not None and is_suite(f):
            self._suite(f, protocol, place, verdict)
            return
        else:
            spec = self.algorithms.spec(f.algorithm, f.function, f.params)
            ref = self.use(spec, f.function, place, verdict) if spec else None
        if ref is None:
            return
        if protocol is None:
            self.direct.add(ref)
        elif ref.startswith("crypto/algorithm/"):
            protocol.algorithms.add(ref)
        else:
            protocol.material.add(ref)

    def _protocol(self, f: Finding, place: Place, verdict: Verdict | None) -> ProtocolAsset | None:
        key = protocol_key(f, place[0] if f.location.path is not None else None)
        if key is None:
            return None
        protocol = self.protocols.get(key)
        if protocol is None:
            protocol = self.protocols[key] = new_protocol(key)
        if f.location.path is not None:
            protocol.evidence.add(place, verdict)
        elif verdict is not None:
            protocol.evidence.judge(verdict)
        return protocol

    def _suite(
        self, f: Finding, protocol: ProtocolAsset, place: Place, verdict: Verdict | None
    ) -> None:
        refs = []
        for (algorithm, function, params), own in suite_uses(self.cat, f):
            spec = self.algorithms.spec(algorithm, function, params)
            if spec is not None:
                refs.append(self.use(spec, function, place, verdict if own else None))
        code = f.params["codepoint"]
        protocol.suite(str(f.params["suite"]), refs, tls.codepoint_int(code))
        protocol.algorithms.update(refs)

    def _certificate(self, f: Finding, cert: str, place: Place, verdict: Verdict | None) -> str:
        ref = f"crypto/certificate/{cert}"
        asset = self.certificates.get(ref)
        if asset is None:
            asset = self.certificates[ref] = CertificateAsset(ref)
        check = f.context.get("check") if f.context.get("role") == CERTIFICATE_CHECK else None
        role, own_place = certificate_role(place, check)
        asset.evidence.add(own_place, verdict)
        if role == "check":  # about the certificate as a whole: no algorithm use of its own
            return ref
        asset.add_context(f.context)
        spec = self.algorithms.spec(f.algorithm, f.function, f.params)
        algorithm = self.use(spec, f.function, place, verdict) if spec else None
        if role == "signature":
            asset.signature = asset.signature or algorithm
        elif role == "key":
            key = f"crypto/key/public/{f.context.get('public_key_sha256') or cert}"
            self._key_asset(key, "public-key", f, spec, algorithm).evidence.add(place, verdict)
            asset.key = asset.key or key
        elif algorithm is not None:
            asset.alternatives.add(algorithm)
        return ref

    def _key(self, f: Finding, place: Place, verdict: Verdict | None) -> str:
        """A key file, keystore entry, SSH or host key. Whether it is stored safely (the
        key-storage finding, next to the key's own) is the key's concern, not its
        algorithm's: that verdict stays with the key."""
        private = is_private(f)
        ref = key_ref(f, place, private)
        storage = f.function == "key-storage"
        spec = self.algorithms.spec(f.algorithm, f.function, f.params)
        algorithm = None
        if spec is not None:
            algorithm = self.use(spec, f.function, place, None if storage else verdict, storage)
        asset = self._key_asset(ref, "private-key" if private else "public-key", f, spec, algorithm)
        asset.evidence.add(place, verdict, storage)
        return ref

    def _key_asset(
        self,
        ref: str,
        kind: str,
        f: Finding,
        spec: AlgorithmSpec | None,
        algorithm: str | None,
    ) -> KeyAsset:
        asset = self.keys.get(ref)
        if asset is None:
            bits = f.params.get("bits")
            label = kind.replace("-", " ")
            asset = self.keys[ref] = KeyAsset(
                ref=ref,
                kind=kind,
                name=f"{spec.name} {label}" if spec else label,
                algorithm=algorithm,
                fingerprint=key_fingerprint(f),
                size=bits if isinstance(bits, int) else None,
                format=str(f.context["format"]) if f.context.get("format") else None,
            )
        elif asset.algorithm is None and algorithm is not None:
            asset.algorithm = algorithm
        return asset

    def components(self) -> list[dict[str, Any]]:
        out = [_algorithm(spec, ev, fns) for spec, ev, fns in self.used.values()]
        out += [c.component() for c in self.certificates.values()]
        out += [k.component() for k in self.keys.values()]
        out += [p.component() for p in self.protocols.values()]
        out.sort(key=lambda c: c["bom-ref"])
        return out

    def dependencies(self) -> list[dict[str, Any]]:
        known = set(self.certificates)
        graph: dict[str, dict[str, Any]] = {
            ROOT: _dependency(ROOT, self.direct | {p.ref for p in self.protocols.values()})
        }
        for ref in self.used:
            graph[ref] = {"ref": ref}
        for ref, cert in self.certificates.items():
            graph[ref] = _dependency(ref, cert.depends(known))
        for ref, key in self.keys.items():
            graph[ref] = _dependency(ref, {key.algorithm} if key.algorithm else set())
        for p in self.protocols.values():
            graph[p.ref] = _dependency(p.ref, p.material)
            if p.algorithms:
                graph[p.ref]["provides"] = sorted(p.algorithms)
        return [graph[ref] for ref in sorted(graph)]


def _dependency(ref: str, depends_on: set[str]) -> dict[str, Any]:
    return {"ref": ref, "dependsOn": sorted(depends_on)} if depends_on else {"ref": ref}


def _algorithm(spec: AlgorithmSpec, evidence: Evidence, functions: set[str]) -> dict[str, Any]:
    crypto: dict[str, Any] = {
        "assetType": "algorithm",
        "algorithmProperties": spec.properties(functions),
    }
    if spec.oid:
        crypto["oid"] = spec.oid
    return component(spec.ref, spec.name, crypto, evidence)


def _timestamp(scanned_at: str) -> str:
    try:
        when = dt.datetime.fromisoformat(scanned_at.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        when = dt.datetime.now(dt.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _serial(inv: Inventory) -> str:
    """urn:uuid (version 5) of the inventory's content: the same inventory renders the same
    CBOM, and another scan (another time, other findings) gets another serial number."""
    digest = hashlib.sha256()
    for part in (inv.scanned_at, inv.policy, *inv.targets):
        digest.update(f"{part}\x1f".encode())
    for f in inv.findings:
        digest.update(f.fingerprint.encode())
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:qscan:inventory:{digest.hexdigest()}").urn


def _metadata(inv: Inventory) -> dict[str, Any]:
    estate = inv.extra.get("estate")
    estate = estate if isinstance(estate, dict) else {}
    org = estate.get("organisation")
    org = org if isinstance(org, dict) else {}
    targets = ", ".join(inv.targets[:20])
    if len(inv.targets) > 20:
        targets += f" and {len(inv.targets) - 20} more"
    tool: dict[str, Any] = {"type": "application", "name": inv.tool.get("name") or "qscan"}
    if inv.tool.get("version"):
        tool["version"] = str(inv.tool["version"])
    return {
        "timestamp": _timestamp(inv.scanned_at),
        "tools": {"components": [tool]},
        "component": {
            "type": "application",
            "bom-ref": ROOT,
            "name": str(org.get("name") or "qscan scan"),
            "description": f"Scanned targets: {targets}",
        },
        "properties": [
            {"name": "qscan:policy", "value": inv.policy},
            {"name": "qscan:findings", "value": str(len(inv.findings))},
            {"name": "qscan:errors", "value": str(len(inv.errors))},
        ],
    }


def build(inventory: Inventory) -> dict[str, Any]:
    builder = _Builder(inventory)
    for f in inventory.findings:
        builder.add(f)
    return {
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": _serial(inventory),
        "version": 1,
        "metadata": _metadata(inventory),
        "components": builder.components(),
        "dependencies": builder.dependencies(),
    }


_LINE = json.JSONEncoder(ensure_ascii=False)


def dump(doc: dict[str, Any]) -> str:
    """The document as JSON, one component and one dependency per line: readable and
    diffable, and written by the C encoder (indented output would take the slow one)."""
    lines = []
    for name, value in doc.items():
        key = _LINE.encode(name)
        if name in ("components", "dependencies"):
            body = ",\n".join("  " + _LINE.encode(item) for item in value)
            lines.append(f" {key}: [\n{body}\n ]" if value else f" {key}: []")
        else:
            text = json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n ")
            lines.append(f" {key}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"
