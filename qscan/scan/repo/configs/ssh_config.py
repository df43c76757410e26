"""OpenSSH sshd_config and ssh_config: KexAlgorithms, HostKeyAlgorithms,
PubkeyAcceptedAlgorithms, CASignatureAlgorithms, Ciphers and MACs (with `+`, `-`, `^`
resolved against the OpenSSH defaults), Protocol, HostKey / IdentityFile (the key files
are scanned), and Match / Host blocks as the scope. Findings come from the builders of
qscan.protocols.ssh, so they have exactly the shape of the SSH endpoint scanner's and the
SSH rules judge both; file and line say where the setting is.

Which OpenSSH release a configuration will run on is not in the file: modifiers resolve
against the defaults of DEFAULT_OPENSSH (recorded in context["openssh_defaults"]).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from qscan.model import Location, text_key
from qscan.protocols import ssh
from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.base import TextAnalyzer
from qscan.scan.repo.configs.collect import ConfigFindings
from qscan.scan.repo.configs.lines import logical_lines, words
from qscan.scan.repo.configs.references import referenced_file
from qscan.scan.repo.text import looks_binary

DEFAULT_OPENSSH = "10.0"
_SNIFF = re.compile(
    rb"(?im)^\s*(?:KexAlgorithms|HostKeyAlgorithms|PubkeyAcceptedAlgorithms|PubkeyAcceptedKeyTypes|Ciphers|MACs|HostKey|PermitRootLogin|PasswordAuthentication|Port|Protocol|Host|Match|IdentityFile|UsePAM|Subsystem|ListenAddress|ChallengeResponseAuthentication|KbdInteractiveAuthentication)\b"
)
_BUILDERS = {
    "kex": ssh.kex_findings,
    "host_key": ssh.host_key_algorithm_findings,
    "ca_signature": ssh.host_key_algorithm_findings,
    "ciphers": ssh.cipher_findings,
    "macs": ssh.mac_findings,
}
_KEY_FILES = ("hostkey", "identityfile", "hostcertificate", "certificatefile")


_TEMPLATE_SUFFIXES = (
    ".j2",
    ".jinja",
    ".erb",
    ".tmpl",
    ".template",
    ".dist",
    ".default",
    ".orig",
    ".example",
)


def config_side(path: Path) -> str | None:
    """'server' for sshd_config files, 'client' for ssh_config files, else None."""
    name = path.name.lower()
    while name.endswith(_TEMPLATE_SUFFIXES):
        name = name.rsplit(".", 1)[0]
    folder = path.parent.name
    if name == "sshd_config" or (folder == "sshd_config.d" and name.endswith(".conf")):
        return "server"
    if name == "ssh_config" or (folder == "ssh_config.d" and name.endswith(".conf")):
        return "client"
    if name == "config" and folder == ".ssh":
        return "client"
    return None


class SshConfigAnalyzer(TextAnalyzer):
    name = "ssh-config"

    def prepare(self) -> None:
        ssh.openssh_defaults(DEFAULT_OPENSSH)
        ssh.supported_names("kex")

    def could_want(self, name: str, path: str) -> bool:
        while name.endswith(_TEMPLATE_SUFFIXES):
            name = name.rsplit(".", 1)[0]
        return name in ("sshd_config", "ssh_config", "config") or name.endswith(".conf")

    def wants(self, path: Path, head: bytes) -> bool:
        return (
            config_side(path) is not None
            and not looks_binary(head)
            and (not head.strip() or bool(_SNIFF.search(head)) or head.lstrip().startswith(b"#"))
        )

    def analyze_text(self, text: str, ctx: FileContext) -> Iterator[Record]:
        side = config_side(ctx.path) or "server"
        config = "sshd_config" if side == "server" else "ssh_config"
        defaults = ssh.openssh_defaults(DEFAULT_OPENSSH, side) or {}
        out = ConfigFindings(ctx)
        block = ""
        for line in logical_lines(text, backslash=False):
            parts = words(
                line.text.replace("=", " ", 1) if "=" in line.text.split(None, 1)[0] else line.text
            )
            if not parts:
                continue
            keyword = parts[0].lower()
            args = parts[1:]
            if keyword in ("match", "host"):
                block = " ".join(parts)
                continue
            if not args:
                out.error(
                    "config-value",
                    f"{config}: {parts[0]} has no value",
                    line.number,
                    text_key("config.no-value", config=config, directive=parts[0]),
                )
                continue
            context: dict = {"config": config, "directive": parts[0]}
            if block:
                context["match"] = block
            base = Location(target=ctx.target, path=ctx.relpath, line=line.number)
            evidence = line.text.strip()
            category = ssh.directive_list(keyword)
            if category is not None:
                value = "".join(args)
                if value[:1] in "+-^":
                    context["openssh_defaults"] = DEFAULT_OPENSSH
                names = ssh.resolve_algorithm_list(
                    value, defaults.get(category, []), ssh.supported_names(category)
                )
                out.extend(_BUILDERS[category](names, base, evidence=evidence, context=context))
                if category == "kex":
                    out.add(ssh.protocol_finding(base, names, evidence=evidence, context=context))
            elif keyword == "protocol":
                versions = {v.strip() for v in "".join(args).split(",")}
                if "1" in versions:
                    version = "1.99" if "2" in versions else "1.5"
                    out.add(
                        ssh.protocol_finding(
                            base,
                            [],
                            protocol_version=version,
                            evidence=evidence,
                            context={**context, "ssh1_supported": True},
                        )
                    )
            elif keyword in _KEY_FILES:
                out.records.extend(referenced_file(args[0], ctx, line.number))
        return iter(out.records)
