"""`qscan rules`: the rule packs and policies."""

from __future__ import annotations

import json

import click

from qscan.assess.policy import policies
from qscan.assess.rules import load_rules, rule_by_id
from qscan.cli.common import fail


@click.group()
def rules() -> None:
    """Inspect the rule packs and policies."""


@rules.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def rules_list(fmt: str) -> None:
    """Every rule with id, severity, status and title."""
    loaded = load_rules()
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "severity": r.severity,
                        "status": r.status,
                        "title": r.title,
                        "pack": r.pack,
                    }
                    for r in loaded
                ],
                indent=2,
            )
        )
        return
    for r in sorted(loaded, key=lambda r: r.id):
        click.echo(f"{r.id}  {r.severity:<8}  {r.status:<19}  {r.title}")


@rules.command("show")
@click.argument("rule_id")
def rules_show(rule_id: str) -> None:
    """Full documentation of one rule: why, fix, references, what it matches."""
    rule = rule_by_id(rule_id.upper())
    if rule is None:
        fail(f"no rule {rule_id!r} (see `qscan rules list`)")
    click.echo(f"{rule.id}: {rule.title}\nseverity: {rule.severity}    status: {rule.status}")
    if rule.policies:
        click.echo(f"only under: {', '.join(rule.policies)}")
    click.echo(f"\nWhy\n  {rule.why}\n\nFix\n  {rule.fix}")
    for variant in rule.fixes:
        click.echo(f"\nFix when {json.dumps(variant.when)}\n  {variant.fix}")
    if rule.example:
        click.echo(f"\nExample\n  {rule.example}")
    click.echo(f"\nMatches\n  {json.dumps(rule.match)}")
    if rule.references:
        click.echo("\nReferences\n" + "\n".join(f"  {r}" for r in rule.references))


@rules.command("policies")
def rules_policies() -> None:
    """The policy timelines --policy accepts."""
    for p in policies().values():
        click.echo(f"{p.id:<16} {p.name}\n{'':<16} {p.verified}")


COMMANDS = (rules,)
