"""The documentation site: every Python example runs, and the site builds without warnings.

Each page's ```python blocks run in order in one namespace (as a reader would type them), from a
scratch folder that sees the repository's ``tests/data`` as ``tests/data`` (the pages use paths
relative to the repository root). ``mkdocs build --strict`` fails on a broken link, a missing
page or a reference that mkdocstrings cannot resolve.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "```python" in p.read_text(encoding="utf-8"))
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def test_pages_with_examples_exist():
    """The tutorial and the I/O guide hold examples (a guard against an empty glob)."""
    names = {p.name for p in PAGES}
    assert {"tutorial.md", "io.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_examples_run(page, tmp_path, monkeypatch):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "data").symlink_to(REPO / "tests" / "data")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__docs__"}
    blocks = _BLOCK.findall(page.read_text(encoding="utf-8"))
    assert blocks
    for i, code in enumerate(blocks, 1):
        try:
            exec(compile(code, f"{page.name}[block {i}]", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"{page.relative_to(DOCS)}, example {i} failed: {type(exc).__name__}: {exc}")


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None
                    or importlib.util.find_spec("mkdocstrings") is None,
                    reason="mkdocs not installed: the site is the optional extra 'docs'")
def test_site_builds_strict(tmp_path):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    # no -q: it lowers the log level to errors, and --strict then no longer counts the
    # warnings (mkdocstrings' griffe warns of docstrings it cannot parse)
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                          "-d", str(tmp_path / "site")], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    cli_page = (tmp_path / "site" / "guide" / "cli" / "index.html").read_text(encoding="utf-8")
    # the command-line reference is generated from the program: every subcommand is there
    from typer.main import get_command

    from linepack.cli import app

    group = get_command(app)
    import click

    for name in group.list_commands(click.Context(group)):
        assert f"linepack-{name}" in cli_page, name
