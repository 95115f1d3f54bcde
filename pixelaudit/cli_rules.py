"""`pixelaudit rules …`: browse, test, explain and validate tracker rules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

rules_app = typer.Typer(help="Browse, test, explain and validate tracker rules.", no_args_is_help=True,
                        rich_markup_mode=None)
RulesOption = Annotated[list[Path] | None, typer.Option(
    "--rules", envvar="PIXELAUDIT_RULES", help="Extra rule files or folders, added to the bundled rules.")]


def _load(extra: list[Path] | None, bundled: bool = True):
    from pixelaudit.rules import RuleError, bundled_rules_dir, load_rules

    try:
        return load_rules([*([bundled_rules_dir() / "trackers"] if bundled else []), *(extra or ())])
    except RuleError as exc:
        typer.echo(f"pixelaudit: error: {exc}", err=True)
        raise typer.Exit(2) from None


@rules_app.command("list")
def list_rules(category: Annotated[str | None, typer.Option("--category", "-c", help="Only this category.")] = None,
               rules: RulesOption = None) -> None:
    """One line per rule: id, category, purpose, vendor, domains."""
    ruleset = _load(rules)
    shown = [r for r in ruleset.rules if category in (None, r.category)]
    for r in sorted(shown, key=lambda r: (r.category, r.id)):
        domains = ", ".join(r.domains[:3]) + (" …" if len(r.domains) > 3 else "")
        typer.echo(f"{r.id:<32} {r.category:<15} {r.purpose:<11} {r.vendor} [{domains}]")
    typer.echo(f"{len(shown)} rules" + (f" in category {category}" if category else "") + f", {len(ruleset)} in all")


@rules_app.command("show")
def show_rule(rule_id: Annotated[str, typer.Argument(help="Rule id, e.g. meta-pixel.")],
              rules: RulesOption = None) -> None:
    """Everything a rule says."""
    rule = _load(rules).get(rule_id)
    if rule is None:
        typer.echo(f"pixelaudit: error: no rule {rule_id!r} (see: pixelaudit rules list)", err=True)
        raise typer.Exit(2)
    rows = [("id", rule.id), ("vendor", rule.vendor), ("company", rule.company), ("category", rule.category),
            ("purpose", rule.purpose), ("collects", rule.collects), ("domains", ", ".join(rule.domains)),
            ("endpoints", "; ".join(f"{e.host or '(any host)'} {e.path.pattern}"
                                    + (f" with {', '.join(e.query)}" if e.query else "") for e in rule.endpoints)),
            ("cookies", ", ".join(rule.cookies)),
            ("extract", ", ".join(f"{e.key} from {e.source} {e.name}" for e in rule.extract)),
            ("docs", rule.docs), ("source", rule.source), ("file", rule.file)]
    for key, value in rows:
        if value:
            typer.echo(f"{key:<10} {value}")
    for key, urls in (("example", rule.examples), ("not", rule.counterexamples)):
        for url in urls:
            typer.echo(f"{key:<10} {url}")


@rules_app.command("test")
def test_rules(rules: RulesOption = None) -> None:
    """Check every rule's examples match it and its counterexamples do not."""
    from pixelaudit.rules import check_examples

    ruleset = _load(rules)
    failures = check_examples(ruleset)
    for line in failures:
        typer.echo(f"FAIL {line}")
    examples = sum(len(r.examples) + len(r.counterexamples) for r in ruleset.rules)
    typer.echo(f"{len(ruleset)} rules, {examples} examples and counterexamples: "
               + (f"{len(failures)} failed" if failures else "all pass"))
    raise typer.Exit(1 if failures else 0)


@rules_app.command("match")
def match_url(url: Annotated[str, typer.Argument(help="A request URL.")],
              page: Annotated[str | None, typer.Option("--page", help="The page that made the request.")] = None,
              rules: RulesOption = None) -> None:
    """Explain which rule matches a URL, why, and what it extracts (exit 1 when none does)."""
    ruleset = _load(rules)
    rule, why = ruleset.explain(url)
    if rule is None:
        typer.echo(f"no rule matches {url}")
        _explain_unknown(url, page)
        raise typer.Exit(1)
    match = rule.as_match(url)
    typer.echo(f"{rule.id}: {rule.vendor} ({rule.company}) · {rule.category} · purpose {rule.purpose}")
    typer.echo(f"  why: {why}")
    for key in ("id", "event", "consent"):
        if value := getattr(match, key):
            typer.echo(f"  {key}: {value}")
    typer.echo(f"  file: {rule.file}")


def _explain_unknown(url: str, page: str | None) -> None:
    from pixelaudit.heuristics import judge_unknown
    from pixelaudit.model import Request
    from pixelaudit.parties import party_of

    page = page or "https://first-party.example/"
    party = party_of(url, frozenset({party_of(page, frozenset()).site}))
    request = Request(url, "GET", "image", "-", page, 0.0, "main")
    if hit := judge_unknown(request, party):
        typer.echo(f"  heuristic {hit.rule}: {hit.reason} (reported with category unknown)")


@rules_app.command("validate")
def validate(paths: Annotated[list[Path], typer.Argument(help="Rule files or folders to check.")]) -> None:
    """Load rule files as a scan would, alone (without the bundled rules); exit 2 on the first bad file."""
    from pixelaudit.rules import check_examples

    ruleset = _load(paths, bundled=False)
    failures = check_examples(ruleset)
    for line in failures:
        typer.echo(f"FAIL {line}")
    typer.echo(f"{len(ruleset)} rules valid" + (f"; {len(failures)} example checks failed" if failures else ""))
    raise typer.Exit(1 if failures else 0)
