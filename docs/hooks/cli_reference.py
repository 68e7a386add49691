"""MkDocs hook: the command-line reference, generated from the CLI itself.

A page that holds the marker ``<!-- cli-reference -->`` gets, in its place, one section per
``linepack`` subcommand with its usage, help text and options, read from the Typer/Click
application at build time, so the reference cannot drift from the program.
"""

from __future__ import annotations

MARKER = "<!-- cli-reference -->"


def _command_markdown(name: str, command, parent) -> str:
    import click

    ctx = click.Context(command, info_name=name, parent=parent)
    lines = [f"### `linepack {name}`", ""]
    help_text = (command.help or "").strip()
    if help_text:
        lines += [help_text, ""]
    lines += ["```text", command.get_usage(ctx), "```", ""]
    rows = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            if isinstance(param, click.Argument):
                rows.append((param.human_readable_name, "argument"))
            continue
        rows.append(record)
    if rows:
        lines += ["| option | meaning |", "|---|---|"]
        for opt, text in rows:
            text = " ".join(text.split()).replace("|", "\\|")
            lines.append(f"| `{opt}` | {text} |")
        lines.append("")
    return "\n".join(lines)


def cli_reference() -> str:
    """The Markdown of every subcommand's reference."""
    import click
    import typer.main

    from linepack.cli import app

    group = typer.main.get_command(app)
    root = click.Context(group, info_name="linepack")
    parts = [(group.help or "").strip(), "", "| command | what it does |", "|---|---|"]
    for name in group.list_commands(root):
        short = group.get_command(root, name).get_short_help_str(limit=200).replace("|", "\\|")
        parts.append(f"| [`{name}`](#linepack-{name}) | {short} |")
    parts.append("")
    for name in group.list_commands(root):
        parts.append(_command_markdown(name, group.get_command(root, name), root))
    return "\n".join(parts)


def on_page_markdown(markdown: str, page, config, files) -> str:  # noqa: ARG001 (MkDocs hook API)
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, cli_reference())
    return markdown
