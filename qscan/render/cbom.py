"""CycloneDX 1.6 CBOM built with cyclonedx-python-lib.

Components (all `cryptographic-asset`):
- algorithm: one per algorithm and parameter set (RSA-2048, ECDH-P-256, ML-KEM-768,
  sha256WithRSAEncryption ...) with primitive, parameter set, curve, mode, padding, crypto
  functions, classical and NIST quantum security levels, OID; every place it was seen is an
  evidence occurrence (file and line, or the endpoint).
- certificate: subject, issuer, validity, signature algorithm and public key references.
- related-crypto-material: public keys of certificates, private keys found in files, host
  keys; never a key value.
- protocol: TLS or SSH per endpoint and version, cipher suites with their algorithms and
  one codepoint identifier, and references to everything the endpoint offers.
Dependencies: the scan (metadata component) depends on what it found; a certificate on its
signature algorithm and public key; a key on its algorithm; a protocol on its certificates,
and it `provides` the algorithms it offers. Two parts are added to the JSON after
serialisation: `provides` (the library's Dependency has none) and the evidence occurrences
(the library compares components by value, evidence included, which made large occurrence
lists quadratic). qscan's verdicts go in `qscan:*` properties.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.bom_ref import BomRef
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.crypto import (
    AlgorithmProperties,
    CertificateProperties,
    CryptoAssetType,
    CryptoFunction,
    CryptoMode,
    CryptoPadding,
    CryptoPrimitive,
    CryptoProperties,
    ProtocolProperties,
    ProtocolPropertiesCipherSuite,
    ProtocolPropertiesType,
    RelatedCryptoMaterialProperties,
    RelatedCryptoMaterialType,
)
from cyclonedx.model.dependency import Dependency
from cyclonedx.output.json import JsonV1Dot6

from qscan.catalog import catalog
from qscan.model import Finding, Inventory, severity_rank
from qscan.render.interface import RenderOptions

_FUNCTIONS: dict[str, tuple[CryptoFunction, ...]] = {
    "key-exchange": (CryptoFunction.KEYDERIVE,),
    "kem": (CryptoFunction.ENCAPSULATE, CryptoFunction.DECAPSULATE),
    "signature": (CryptoFunction.SIGN, CryptoFunction.VERIFY),
    "encryption": (CryptoFunction.ENCRYPT, CryptoFunction.DECRYPT),
    "hash": (CryptoFunction.DIGEST,),
    "mac": (CryptoFunction.TAG,),
    "kdf": (CryptoFunction.KEYDERIVE,),
    "random": (CryptoFunction.GENERATE,),
    "key-generation": (CryptoFunction.KEYGEN,),
}
_STATUS_ORDER = ("classically-broken", "quantum-vulnerable", "unknown", "hybrid", "quantum-safe")
_TLS_VERSION = re.compile(r"\b(?:tls|TLS)\s?v?(1\.[0-3])")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "x"


def _date(text: Any) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _public_key_oids() -> dict[str, str]:
    out: dict[str, str] = {}
    for oid, entry in catalog().oids.items():
        if entry.kind == "public-key" and not entry.params:
            out.setdefault(entry.algorithm, oid)
    return out


def _occurrence(f: Finding) -> dict[str, Any]:
    loc = f.location
    if loc.path is not None:
        where = loc.path if loc.target in ("", ".") else f"{loc.target.rstrip('/')}/{loc.path}"
    else:
        where = f"{loc.service or 'tls'}://{loc.host}:{loc.port}"
    out: dict[str, Any] = {"location": where}
    if loc.line:
        out["line"] = loc.line
    if loc.component:
        out["additionalContext"] = loc.component
    return out


def _verdict_properties(findings: list[Finding]) -> list[Property]:
    verdicts = [f.verdict for f in findings if f.verdict]
    if not verdicts:
        return []
    status = min(
        (v.status for v in verdicts),
        key=lambda s: _STATUS_ORDER.index(s) if s in _STATUS_ORDER else 2,
    )
    severity = max((v.severity for v in verdicts), key=severity_rank)
    props = [
        Property(name="qscan:status", value=status),
        Property(name="qscan:severity", value=severity),
        Property(name="qscan:rules", value=",".join(sorted({v.rule for v in verdicts}))),
    ]
    deadlines = sorted(v.deadline for v in verdicts if v.deadline and v.status == status)
    if deadlines:
        props.append(Property(name="qscan:deadline", value=deadlines[0]))
    return props


@dataclass
class _Group:
    ref: str
    findings: list[Finding] = field(default_factory=list)


class _Builder:
    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.cat = catalog()
        self.key_oids = _public_key_oids()
        self.algorithms: dict[str, _Group] = {}
        self.alg_of: dict[str, str] = {}  # finding fingerprint -> algorithm ref
        self.asset_of: dict[str, str] = {}  # finding fingerprint -> certificate or key ref
        self.occurrences: dict[str, list[dict[str, Any]]] = {}
        """bom-ref -> evidence occurrences, added to the JSON after serialisation: the
        library compares and hashes components by value, evidence included, which makes
        large occurrence lists quadratic."""
        self.components: list[Component] = []
        self.depends: dict[str, set[str]] = defaultdict(set)
        self.provides: dict[str, set[str]] = defaultdict(set)
        self.root = "qscan-scan"

    # --- algorithms -------------------------------------------------------------
    def _algorithm_key(self, f: Finding) -> tuple[str, str]:
        p = f.params
        oid = str(p.get("oid") or "")
        entry = self.cat.oid(oid) if oid else None
        if entry is not None and entry.kind == "signature" and f.algorithm != "unknown":
            name = entry.name
        elif f.algorithm == "unknown":
            name = f"unknown ({oid})" if oid else "unknown"
        else:
            extra = p.get("bits") if f.algorithm in ("RSA", "DSA", "DH") else None
            extra = extra or p.get("curve") or p.get("parameter_set")
            name = f"{f.algorithm}-{extra}" if extra else f.algorithm
            if p.get("mode") and f.function == "encryption":
                name += f"-{p['mode']}"
        return name, f"crypto/algorithm/{_slug(name)}"

    def algorithm(self, f: Finding) -> str:
        name, ref = self._algorithm_key(f)
        group = self.algorithms.setdefault(ref, _Group(ref))
        group.findings.append(f)
        self.alg_of[f.fingerprint] = ref
        return ref

    def _algorithm_component(self, group: _Group) -> Component:
        f = group.findings[0]
        name, _ = self._algorithm_key(f)
        p = f.params
        alg = self.cat.get(f.algorithm)
        primitive = alg.primitive if alg else "unknown"
        if f.function == "signature" and primitive == "pke":
            primitive = "signature"
        try:
            prim = CryptoPrimitive(primitive)
        except ValueError:
            prim = CryptoPrimitive.OTHER
        functions = sorted(
            {fn for g in group.findings for fn in _FUNCTIONS.get(g.function, ())},
            key=lambda c: c.value,
        )
        param_set = p.get("parameter_set") or (
            p.get("bits") if alg and alg.family in ("RSA", "DSA", "DH") else None
        )
        if param_set is None and alg is not None and re.search(r"-(\d{2,4})$", alg.name):
            param_set = re.search(r"-(\d{2,4})$", alg.name).group(1)  # type: ignore[union-attr]
        props = AlgorithmProperties(
            primitive=prim,
            parameter_set_identifier=str(param_set) if param_set is not None else None,
            curve=str(p["curve"]) if p.get("curve") else None,
            mode=_enum(CryptoMode, p.get("mode")),
            padding=_enum(CryptoPadding, p.get("padding")),
            crypto_functions=functions,
            classical_security_level=self.cat.classical_bits(f.algorithm, p),
            nist_quantum_security_level=alg.nist_level if alg else None,
        )
        oid = str(p.get("oid") or "") or self.key_oids.get(f.algorithm) or None
        self.occurrences[group.ref] = [_occurrence(g) for g in group.findings]
        return Component(
            type=ComponentType.CRYPTOGRAPHIC_ASSET,
            name=name,
            bom_ref=group.ref,
            crypto_properties=CryptoProperties(
                asset_type=CryptoAssetType.ALGORITHM, algorithm_properties=props, oid=oid
            ),
            properties=_verdict_properties(group.findings),
        )

    # --- certificates and keys ----------------------------------------------------
    def certificates(self) -> None:
        groups: dict[str, list[Finding]] = defaultdict(list)
        for f in self.inventory.findings:
            if f.asset == "certificate" and (f.context.get("sha256") or f.context.get("subject")):
                groups[str(f.context.get("sha256") or f.context.get("subject"))].append(f)
        for key, group in groups.items():
            ctx: dict[str, Any] = {}
            for f in group:
                ctx.update({k: v for k, v in f.context.items() if v not in (None, "")})
            ref = f"crypto/certificate/{_slug(key)[:80]}"
            sig = next((f for f in group if "signature" in f.location.component), None)
            pub = next((f for f in group if "signature" not in f.location.component), None)
            sig_ref = self.algorithm(sig) if sig else None
            key_ref = None
            if pub is not None:
                alg_ref = self.algorithm(pub)
                key_ref = f"crypto/key/public/{_slug(key)[:80]}"
                self._key_component(
                    key_ref, pub, alg_ref, RelatedCryptoMaterialType.PUBLIC_KEY, [pub]
                )
            self.occurrences[ref] = [_occurrence(f) for f in group]
            subject = str(ctx.get("subject") or key)
            cn = re.search(r"CN=([^,]+)", subject)
            self.components.append(
                Component(
                    type=ComponentType.CRYPTOGRAPHIC_ASSET,
                    name=cn.group(1) if cn else subject,
                    bom_ref=ref,
                    crypto_properties=CryptoProperties(
                        asset_type=CryptoAssetType.CERTIFICATE,
                        certificate_properties=CertificateProperties(
                            subject_name=subject,
                            issuer_name=str(ctx.get("issuer") or "") or None,
                            not_valid_before=_date(ctx.get("not_before")),
                            not_valid_after=_date(ctx.get("not_after")),
                            signature_algorithm_ref=BomRef(sig_ref) if sig_ref else None,
                            subject_public_key_ref=BomRef(key_ref) if key_ref else None,
                            certificate_format="X.509",
                        ),
                    ),
                    properties=_verdict_properties(group)
                    + [
                        Property(name=f"qscan:{k}", value=str(ctx[k]))
                        for k in ("sha256", "is_ca", "issued_by")
                        if k in ctx
                    ],
                )
            )
            self.depends[ref].update(r for r in (sig_ref, key_ref) if r)
            self.depends[self.root].add(ref)
            for f in group:
                self.asset_of.setdefault(f.fingerprint, ref)

    def _key_component(
        self,
        ref: str,
        f: Finding,
        alg_ref: str,
        kind: RelatedCryptoMaterialType,
        findings: list[Finding],
    ) -> None:
        bits = f.params.get("bits")
        self.occurrences[ref] = [_occurrence(g) for g in findings]
        self.components.append(
            Component(
                type=ComponentType.CRYPTOGRAPHIC_ASSET,
                name=f"{kind.value} {self._algorithm_key(f)[0]}",
                bom_ref=ref,
                crypto_properties=CryptoProperties(
                    asset_type=CryptoAssetType.RELATED_CRYPTO_MATERIAL,
                    related_crypto_material_properties=RelatedCryptoMaterialProperties(
                        type=kind,
                        algorithm_ref=BomRef(alg_ref),
                        size=bits if isinstance(bits, int) else None,
                        format=str(f.context["format"]) if f.context.get("format") else None,
                    ),
                ),
                properties=_verdict_properties(findings),
            )
        )
        self.depends[ref].add(alg_ref)

    def keys(self) -> None:
        for f in self.inventory.findings:
            if f.asset == "certificate" and (f.context.get("sha256") or f.context.get("subject")):
                continue
            if f.function == "key-storage" or f.asset in ("key", "keystore"):
                alg_ref = self.algorithm(f)
                private = f.function == "key-storage" or "private" in f.location.component.lower()
                kind = (
                    RelatedCryptoMaterialType.PRIVATE_KEY
                    if private
                    else RelatedCryptoMaterialType.PUBLIC_KEY
                )
                ref = f"crypto/key/{'private' if private else 'public'}/{f.fingerprint}"
                self._key_component(ref, f, alg_ref, kind, [f])
                if f.location.host is None:
                    self.depends[self.root].add(ref)
                self.asset_of.setdefault(f.fingerprint, ref)

    # --- protocols ------------------------------------------------------------------
    def protocols(self) -> None:
        endpoints: dict[str, list[Finding]] = defaultdict(list)
        for f in self.inventory.findings:
            if f.location.path is None and f.location.host is not None:
                endpoints[
                    f"{f.location.service or 'tls'}://{f.location.host}:{f.location.port}"
                ].append(f)
        for where, group in endpoints.items():
            service = group[0].location.service or "tls"
            is_ssh = service == "ssh"
            versions: dict[str | None, list[Finding]] = defaultdict(list)
            for f in group:
                m = _TLS_VERSION.search(f.location.component)
                versions[None if is_ssh else (m.group(1) if m else None)].append(f)
            shared = versions.pop(None) if len(versions) > 1 and None in versions else []
            for version, findings in versions.items():
                findings = findings + shared
                ref = f"crypto/protocol/{_slug(where)}" + (f"/{version}" if version else "")
                suites: dict[str, tuple[list[str], set[str]]] = {}
                offered: set[str] = set()
                certs: set[str] = set()
                for f in findings:
                    own = self.asset_of.get(f.fingerprint)
                    if own:
                        (certs if "certificate" in own else offered).add(own)
                        continue
                    alg_ref = self.alg_of.get(f.fingerprint) or self.algorithm(f)
                    offered.add(alg_ref)
                    if "cipher suite" in f.location.component:
                        name = str(f.params.get("suite") or f.evidence or f.algorithm)
                        ids, algs = suites.setdefault(name, ([], set()))
                        algs.add(alg_ref)
                        code = f.params.get("codepoint")
                        if isinstance(code, int) and not ids:
                            ids.append(f"0x{code:04X}")
                self.components.append(
                    Component(
                        type=ComponentType.CRYPTOGRAPHIC_ASSET,
                        name=f"{'SSH' if is_ssh else 'TLS'}{' ' + version if version else ''} {where}",
                        bom_ref=ref,
                        crypto_properties=CryptoProperties(
                            asset_type=CryptoAssetType.PROTOCOL,
                            protocol_properties=ProtocolProperties(
                                type=ProtocolPropertiesType.SSH
                                if is_ssh
                                else ProtocolPropertiesType.TLS,
                                version=version or ("2.0" if is_ssh else None),
                                cipher_suites=[
                                    ProtocolPropertiesCipherSuite(
                                        name=name,
                                        algorithms=[BomRef(a) for a in sorted(algs)],
                                        identifiers=ids,
                                    )
                                    for name, (ids, algs) in sorted(suites.items())
                                ],
                                crypto_refs=[BomRef(r) for r in sorted(offered | certs)],
                            ),
                        ),
                        properties=_verdict_properties(findings),
                    )
                )
                self.occurrences[ref] = [{"location": where, "additionalContext": service}]
                self.depends[ref].update(certs)
                self.provides[ref].update(offered)
                self.depends[self.root].add(ref)

    def build(self) -> Bom:
        self.certificates()
        self.keys()
        self.protocols()
        for f in self.inventory.findings:
            if f.fingerprint not in self.alg_of:
                ref = self.algorithm(f)
                if f.location.path is not None:
                    self.depends[self.root].add(ref)
        inv = self.inventory
        bom = Bom(serial_number=_serial(inv))
        bom.validate = lambda: _validate_refs(bom)  # type: ignore[method-assign]
        estate = inv.extra.get("estate") if isinstance(inv.extra.get("estate"), dict) else {}
        org = estate.get("organisation") if isinstance(estate.get("organisation"), dict) else {}
        root = Component(
            type=ComponentType.APPLICATION,
            name=str(org.get("name") or "qscan scan"),
            bom_ref=self.root,
            description="Scanned targets: "
            + ", ".join(inv.targets[:20])
            + (f" and {len(inv.targets) - 20} more" if len(inv.targets) > 20 else ""),
        )
        bom.metadata.component = root
        bom.metadata.timestamp = _date(inv.scanned_at) or dt.datetime.now(dt.UTC)
        bom.metadata.tools.components.add(
            Component(
                type=ComponentType.APPLICATION,
                name="qscan",
                version=inv.tool.get("version") or None,
            )
        )
        bom.metadata.properties.add(Property(name="qscan:policy", value=inv.policy))
        bom.metadata.properties.add(Property(name="qscan:findings", value=str(len(inv.findings))))
        bom.metadata.properties.add(Property(name="qscan:errors", value=str(len(inv.errors))))
        comps = {c.bom_ref.value: c for c in self.components}
        for group in self.algorithms.values():
            comps[group.ref] = self._algorithm_component(group)
        # Built in one go: Bom.register_dependency searches its list on every call.
        bom.components = list(comps.values())
        refs = {ref: comps[ref].bom_ref for ref in comps}
        refs[self.root] = root.bom_ref
        bom.dependencies = [
            Dependency(
                ref=refs[ref],
                dependencies=[Dependency(ref=refs[d]) for d in self.depends.get(ref, ())],
            )
            for ref in refs
        ]
        return bom


def _validate_refs(bom: Bom) -> bool:
    """Bom.validate's reference check in linear time. The library's own validate registers a
    dependency entry per component with a list search (quadratic: minutes at 50,000
    findings); every component here has its entry already."""
    known = {c.bom_ref for c in bom.components}
    if bom.metadata.component is not None:
        known.add(bom.metadata.component.bom_ref)
    for dep in bom.dependencies:
        missing = {dep.ref, *dep.dependencies_as_bom_refs()} - known
        if missing:
            raise ValueError(f"CBOM dependency on unknown components: {sorted(map(str, missing))}")
    return True


def _enum(cls: type, value: Any) -> Any:
    if not value:
        return None
    try:
        return cls(str(value).lower().replace("_", "").replace("v1.5", "v15"))
    except ValueError:
        return cls("other")


def _serial(inv: Inventory) -> uuid.UUID:
    basis = json.dumps([inv.scanned_at, inv.targets, inv.policy, len(inv.findings)], default=str)
    return uuid.UUID(bytes=hashlib.sha256(basis.encode()).digest()[:16], version=5)


def build_cbom(inventory: Inventory) -> dict[str, Any]:
    builder = _Builder(inventory)
    bom = builder.build()
    doc = json.loads(JsonV1Dot6(bom).output_as_string())
    for component in doc.get("components", []):
        occurrences = builder.occurrences.get(component["bom-ref"])
        if occurrences:
            component["evidence"] = {"occurrences": occurrences}
            occurrences.sort(
                key=lambda o: (
                    o.get("location", ""),
                    o.get("line", 0),
                    o.get("additionalContext", ""),
                )
            )
    if builder.provides:
        by_ref = {d["ref"]: d for d in doc.get("dependencies", [])}
        for ref, provided in builder.provides.items():
            if provided:
                by_ref[ref]["provides"] = sorted(provided)
    return doc


def render(inventory: Inventory, options: RenderOptions) -> str:
    return json.dumps(build_cbom(inventory), indent=1, ensure_ascii=False) + "\n"
