"""Kubernetes manifests (multi-document YAML): cert-manager Certificate private keys
(spec.privateKey.algorithm / size, with cert-manager's defaults RSA-2048 and ECDSA P-256),
ingress-nginx TLS settings (Ingress annotations and controller ConfigMap keys ssl-ciphers,
ssl-protocols, ssl-ecdh-curve), and Secrets whose data holds certificates or keys (type
kubernetes.io/tls and any base64 PEM value), which the certificate scanner reads.

A configured ssl-ciphers lists DHE suites only where the controller ConfigMap sets
ssl-dh-param (ingress-nginx writes nginx's ssl_dhparam only then; rules/tls/servers.yaml);
for an Ingress annotation, whose ConfigMap is elsewhere, they stay listed. The certificates
are in the Secrets the Ingress resources name, so the lists are not narrowed by key type.

YAML is composed node by node so every finding carries the line of its key. Templates
(Helm `{{ }}`) that are not YAML are skipped, other YAML errors are reported."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

import yaml

from qscan.model import Finding, text_key
from qscan.resources import YAML_LOADER
from qscan.scan.certs import analyze_bytes, wants_content
from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.configs.negotiation import ServerSetup, server_facts, server_setup
from qscan.scan.repo.configs.tls_settings import (
    TlsConfigAnalyzer,
    TlsFindings,
    split_list,
    version_id,
)

_SNIFF = re.compile(rb"(?m)^\s*(?:apiVersion|kind)\s*:")
_INGRESS = "nginx.ingress.kubernetes.io/"
SUMMARY = "ingress-nginx tls key exchange (configured)"
# cert-manager Certificate spec.privateKey defaults (cert-manager API reference,
# CertificatePrivateKey): algorithm RSA; size 2048 for RSA, 256 for ECDSA.
_CM_DEFAULT_SIZE = {"RSA": 2048, "ECDSA": 256}
_CM_CURVES = {256: "P-256", 384: "P-384", 521: "P-521"}
_CM_ALGORITHMS = {"rsa": "RSA", "ecdsa": "ECDSA", "ed25519": "Ed25519"}
_SECRETS = text_key("narrowing.kubernetes-secrets")


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


def _key_line(node: yaml.Node | None, key: str) -> int | None:
    if isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return k.start_mark.line + 1
    return None


def _scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _items(node: yaml.Node | None) -> Iterator[tuple[str, yaml.Node, int]]:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                yield k.value, v, k.start_mark.line + 1


class KubernetesAnalyzer(TlsConfigAnalyzer):
    name = "kubernetes"
    sniff = _SNIFF
    suffixes = (".yaml", ".yml")

    def analyze_text(self, text: str, ctx: FileContext) -> Iterator[Record]:
        out = TlsFindings(ctx)
        try:
            documents = list(yaml.compose_all(text, Loader=YAML_LOADER))
        except yaml.YAMLError as exc:
            if "{{" not in text:
                mark = getattr(exc, "problem_mark", None)
                line = mark.line + 1 if mark is not None else None
                out.error("parse-error", f"YAML: {getattr(exc, 'problem', None) or exc}", line)
            return iter(out.records)
        except RecursionError:
            out.error("parse-error", "YAML: nested too deeply", text=text_key("yaml.too-deep"))
            return iter(out.records)
        # PEM text in stringData is read by the certificate analyzer when it takes the file
        whole_file_taken = wants_content(ctx.path, text[:4096].encode("utf-8", "replace"))
        for doc in documents:
            kind = _scalar(_get(doc, "kind"))
            if kind is None:
                continue
            name = _scalar(_get(_get(doc, "metadata"), "name")) or "?"
            scope = {"scope": f"{kind}/{name}"}
            if kind == "Certificate" and "cert-manager" in (_scalar(_get(doc, "apiVersion")) or ""):
                self._certificate(doc, scope, out)
            elif kind == "Ingress":
                self._nginx_keys(_get(_get(doc, "metadata"), "annotations"), _INGRESS, scope, out)
            elif kind == "ConfigMap":
                self._nginx_keys(_get(doc, "data"), "", scope, out)
            elif kind == "Secret":
                self._secret(doc, scope, out, ctx, whole_file_taken)
        return iter(out.records)

    @staticmethod
    def _certificate(doc: yaml.Node, scope: dict, out: TlsFindings) -> None:
        spec = _get(doc, "spec")
        if spec is None:
            return
        key = _get(spec, "privateKey")
        raw = _scalar(_get(key, "algorithm")) or "RSA"
        algorithm = _CM_ALGORITHMS.get(raw.lower())
        line = (
            _key_line(key, "algorithm") or _key_line(spec, "privateKey") or _key_line(doc, "spec")
        )
        if algorithm is None:
            out.error(
                "config-value",
                f"cert-manager Certificate: unknown privateKey.algorithm {raw!r}",
                line,
                text_key("cert-manager.unknown-algorithm", value=repr(raw)),
            )
            return
        size_text = _scalar(_get(key, "size"))
        defaulted = size_text is None
        size = (
            int(size_text) if size_text and size_text.isdigit() else _CM_DEFAULT_SIZE.get(algorithm)
        )
        params: dict = {}
        if algorithm == "RSA" and size:
            params["bits"] = size
        elif algorithm == "ECDSA" and size in _CM_CURVES:
            params["curve"] = _CM_CURVES[size]
        shown = f"privateKey.algorithm: {raw}" + (
            f", size: {size}" if size and algorithm != "Ed25519" else ""
        )
        out.add(
            Finding(
                algorithm=algorithm,
                function="key-generation",
                asset="key",
                location=out.location(line, "cert-manager Certificate privateKey"),
                params=params,
                evidence=shown
                + (" (cert-manager default)" if defaulted and algorithm != "Ed25519" else ""),
                context={**scope, "rotation": _scalar(_get(key, "rotationPolicy")) or "Never"},
                identity=f"{scope['scope']} privateKey",
            )
        )

    @staticmethod
    def _nginx_keys(node: yaml.Node | None, prefix: str, scope: dict, out: TlsFindings) -> None:
        setup = _setup(node, configmap=not prefix)
        for key, value_node, line in _items(node):
            if not key.startswith(prefix):
                continue
            setting = key[len(prefix) :]
            value = _scalar(value_node)
            if not value:
                continue
            component = f"ingress-nginx {setting}"
            evidence = f"{key}: {value}"
            if setting == "ssl-ciphers":
                out.cipher_string(value, line, component, evidence, scope, setup)
            elif setting == "ssl-protocols":
                out.versions(
                    [v for v in (version_id(t) for t in value.split()) if v],
                    line,
                    component,
                    evidence,
                    scope,
                )
            elif setting == "ssl-ecdh-curve":
                out.groups(split_list(value), line, component, evidence, scope, SUMMARY)

    @staticmethod
    def _secret(
        doc: yaml.Node, scope: dict, out: TlsFindings, ctx: FileContext, whole_file_taken: bool
    ) -> None:
        for field in ("data", "stringData"):
            if field == "stringData" and whole_file_taken:
                continue
            for key, value_node, line in _items(_get(doc, field)):
                value = _scalar(value_node)
                if not value:
                    continue
                if field == "data":
                    try:
                        raw = base64.b64decode("".join(value.split()), validate=True)
                    except (binascii.Error, ValueError):
                        out.error(
                            "config-value",
                            f"Secret {scope['scope']}: {key} is not base64",
                            line,
                            text_key("k8s.not-base64", secret=scope["scope"], key=key),
                        )
                        continue
                else:
                    raw = value.encode()
                if b"-----BEGIN " not in raw:
                    continue
                block = isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">")
                offset = line - 1 if field == "data" else value_node.start_mark.line + int(block)
                for record in analyze_bytes(raw, ctx, line_offset=offset):
                    if isinstance(record, Finding):
                        if field == "data":
                            record.location.line = line
                        record.context.setdefault("secret", f"{scope['scope']} {key}")
                    out.records.append(record)


def _setup(node: yaml.Node | None, *, configmap: bool) -> ServerSetup:
    """The set-up of the nginx servers ingress-nginx configures from a ConfigMap's data or
    an Ingress's annotations."""
    facts = server_facts("ingress-nginx")
    if configmap:
        keys = {key for key, _, _ in _items(node)}
        dh: bool | None = any(setting in keys for setting in facts.dh_settings)
        reasons = [_SECRETS]
    else:
        dh = None
        settings = " or ".join(facts.dh_settings)
        reasons = [text_key("narrowing.kubernetes-dh", settings=settings), _SECRETS]
    return server_setup(facts, dh_parameters=dh, certificate_keys=None, reasons=reasons)
