"""Terraform: keys and certificates declared as infrastructure. tls_private_key (algorithm,
rsa_bits, ecdsa_curve with the provider defaults RSA-2048 and P224), tls_self_signed_cert /
tls_cert_request / tls_locally_signed_cert (signed with the key they reference),
aws_kms_key (key spec), aws_acm_certificate (key_algorithm), azurerm_key_vault_key and
azurerm_key_vault_certificate (key_type / key_size / curve), google_kms_crypto_key
(version_template.algorithm) and google_compute_ssl_policy (min_tls_version). The value
tables live in rules/patterns/terraform.yaml."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from qscan.model import Finding, text_key
from qscan.resources import load_yaml
from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.base import TextAnalyzer
from qscan.scan.repo.code.patterns import MISSING, Table, normalise_params
from qscan.scan.repo.configs.hcl import Attribute, Block, parse_hcl
from qscan.scan.repo.configs.tls_settings import TlsFindings, version_id, versions_between

_REFERENCE = re.compile(r"\btls_private_key\s*\.\s*([A-Za-z_][\w-]*)")
_SIGNED = ("tls_self_signed_cert", "tls_cert_request", "tls_locally_signed_cert")


@cache
def _tables() -> dict[str, Table]:
    return {
        name: Table(entries)
        for name, entries in load_yaml("patterns/terraform.yaml")["tables"].items()
    }


class TerraformAnalyzer(TextAnalyzer):
    name = "terraform"
    suffixes = (".tf",)

    def prepare(self) -> None:
        _tables()

    def analyze_text(self, text: str, ctx: FileContext) -> Iterator[Record]:
        root, problems = parse_hcl(text)
        out = TlsFindings(ctx)
        for line, problem in problems:
            out.error("parse-error", f"terraform: {problem}", line)
        tables = _tables()
        keys: dict[str, dict[str, Any]] = {}
        resources = [b for b in root.blocks if b.type == "resource" and len(b.labels) >= 2]
        for block in resources:
            if block.labels[0] == "tls_private_key":
                fields = self._private_key(block, tables, out)
                if fields:
                    keys[block.labels[1]] = fields
        for block in resources:
            kind = block.labels[0]
            handler = _HANDLERS.get(kind)
            if handler is not None:
                handler(self, block, tables, out)
            elif kind in _SIGNED:
                self._signed(block, keys, out)
        return iter(out.records)

    @staticmethod
    def _emit(
        out: TlsFindings,
        block: Block,
        attr: Attribute | None,
        fields: dict[str, Any],
        function: str,
        asset: str,
        evidence: str,
        identity: str = "",
    ) -> None:
        params = normalise_params(fields)
        out.add(
            Finding(
                algorithm=str(fields["algorithm"]),
                function=str(fields.get("function") or function),
                asset=asset,
                location=out.location(
                    attr.line if attr else block.line, f"terraform {block.labels[0]}"
                ),
                params=params,
                evidence=evidence,
                context={"resource": ".".join(block.labels[:2])},
                identity=identity or ".".join(block.labels[:2]),
            )
        )

    def _private_key(
        self, block: Block, tables: dict[str, Table], out: TlsFindings
    ) -> dict[str, Any] | None:
        attr = block.attrs.get("algorithm")
        raw = attr.value if attr else None
        if not isinstance(raw, str):
            return None
        found = tables["tls-private-key-algorithm"].lookup(raw)
        if not isinstance(found, dict):
            out.error(
                "config-value",
                f"terraform tls_private_key: unknown algorithm {raw!r}",
                attr.line if attr else block.line,
                text_key("terraform.unknown-algorithm", value=repr(raw)),
            )
            return None
        fields = dict(found)
        shown = [f'algorithm = "{raw}"']
        if fields["algorithm"] == "RSA":
            bits = block.attrs.get("rsa_bits")
            fields["bits"] = bits.value if bits and isinstance(bits.value, int) else 2048
            shown.append(f"rsa_bits = {fields['bits']}" + ("" if bits else " (provider default)"))
        elif fields["algorithm"] == "ECDSA":
            curve = block.attrs.get("ecdsa_curve")
            name = curve.value if curve and isinstance(curve.value, str) else "P224"
            found_curve = tables["tls-private-key-curve"].lookup(name)
            if isinstance(found_curve, str):
                fields["curve"] = found_curve
            shown.append(f'ecdsa_curve = "{name}"' + ("" if curve else " (provider default)"))
        self._emit(out, block, attr, fields, "key-generation", "key", ", ".join(shown))
        return fields

    def _signed(self, block: Block, keys: dict[str, dict[str, Any]], out: TlsFindings) -> None:
        attr = block.attrs.get("private_key_pem") or block.attrs.get("ca_private_key_pem")
        if attr is None:
            return
        ref = _REFERENCE.search(attr.text)
        if ref is None or ref.group(1) not in keys:
            return
        fields = {k: v for k, v in keys[ref.group(1)].items()}
        self._emit(
            out,
            block,
            attr,
            fields,
            "signature",
            "certificate",
            f"{attr.text.replace(' ', '')} ({fields['algorithm']})",
        )

    def _lookup(
        self,
        block: Block,
        attr_names: tuple[str, ...],
        table: Table,
        out: TlsFindings,
        function: str,
        asset: str = "key",
        default: str | None = None,
        container: Block | None = None,
    ) -> None:
        holder = container or block
        name = next((a for a in attr_names if a in holder.attrs), attr_names[0])
        attr = holder.attrs.get(name)
        raw = attr.value if attr else default
        if not isinstance(raw, str):
            return
        found = table.lookup(raw)
        if found is MISSING:
            out.error(
                "config-value",
                f"terraform {block.labels[0]}: unknown value {raw!r}",
                attr.line if attr else block.line,
                text_key("terraform.unknown-value", resource=block.labels[0], value=repr(raw)),
            )
            return
        if not isinstance(found, dict):
            return
        fields = dict(found)
        usage = block.attrs.get("key_usage")
        if "function" not in fields and usage is not None and isinstance(usage.value, str):
            by_usage = _tables()["aws-kms-key-usage"].lookup(usage.value)
            if isinstance(by_usage, str):
                fields["function"] = by_usage
                if by_usage == "key-exchange" and fields["algorithm"] == "ECDSA":
                    fields["algorithm"] = "ECDH"
        shown = f'{name} = "{raw}"' + ("" if attr else " (default)")
        self._emit(out, block, attr, fields, function, asset, shown)

    def _aws_kms(self, block: Block, tables: dict[str, Table], out: TlsFindings) -> None:
        self._lookup(
            block,
            ("customer_master_key_spec", "key_spec"),
            tables["aws-kms-key-spec"],
            out,
            "unknown",
            default="SYMMETRIC_DEFAULT",
        )

    def _aws_acm(self, block: Block, tables: dict[str, Table], out: TlsFindings) -> None:
        if "private_key" in block.attrs or "certificate_body" in block.attrs:
            return  # an imported certificate: its key is in the PEM, not declared here
        self._lookup(
            block,
            ("key_algorithm",),
            tables["aws-acm-key-algorithm"],
            out,
            "signature",
            "certificate",
            default="RSA_2048",
        )

    def _azure_key(
        self, block: Block, tables: dict[str, Table], out: TlsFindings, holder: Block | None = None
    ) -> None:
        source = holder or block
        key_type = source.attrs.get("key_type")
        if key_type is None or not isinstance(key_type.value, str):
            return
        found = tables["azure-key-type"].lookup(key_type.value)
        if not isinstance(found, dict):
            return
        fields = dict(found)
        shown = [f'key_type = "{key_type.value}"']
        size = source.attrs.get("key_size")
        curve = source.attrs.get("curve")
        if fields["algorithm"] == "RSA" and size and isinstance(size.value, int):
            fields["bits"] = size.value
            shown.append(f"key_size = {size.value}")
        if fields["algorithm"] == "ECDSA" and curve and isinstance(curve.value, str):
            named = tables["azure-curve"].lookup(curve.value)
            if isinstance(named, str):
                fields["curve"] = named
            shown.append(f'curve = "{curve.value}"')
        self._emit(out, block, key_type, fields, "unknown", "key", ", ".join(shown))

    def _azure_certificate(self, block: Block, tables: dict[str, Table], out: TlsFindings) -> None:
        for policy in block.children("certificate_policy"):
            for props in policy.children("key_properties"):
                self._azure_key(block, tables, out, props)

    def _google_kms(self, block: Block, tables: dict[str, Table], out: TlsFindings) -> None:
        template = next(iter(block.children("version_template")), None)
        if template is None:
            return
        self._lookup(
            block,
            ("algorithm",),
            tables["google-kms-algorithm"],
            out,
            "unknown",
            container=template,
        )

    def _google_ssl_policy(self, block: Block, tables: dict[str, Table], out: TlsFindings) -> None:
        attr = block.attrs.get("min_tls_version")
        raw = attr.value if attr else "TLS_1_0"  # the API default minimum
        if not isinstance(raw, str):
            return
        low = version_id(re.sub(r"^TLS_(\d)_(\d)$", r"TLSv\1.\2", raw))
        if low is None:
            return
        evidence = f'min_tls_version = "{raw}"' + ("" if attr else " (default)")
        out.versions(
            [v for v in versions_between(low) if v not in ("ssl2", "ssl3")],
            attr.line if attr else block.line,
            "terraform google_compute_ssl_policy",
            evidence,
            {"resource": ".".join(block.labels[:2])},
        )


_HANDLERS = {
    "aws_kms_key": TerraformAnalyzer._aws_kms,
    "aws_acm_certificate": TerraformAnalyzer._aws_acm,
    "azurerm_key_vault_key": TerraformAnalyzer._azure_key,
    "azurerm_key_vault_certificate": TerraformAnalyzer._azure_certificate,
    "google_kms_crypto_key": TerraformAnalyzer._google_kms,
    "google_compute_ssl_policy": TerraformAnalyzer._google_ssl_policy,
}
