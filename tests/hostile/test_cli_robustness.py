"""Issues #15.4, #15.7, #15.8 and #20.7: the command line on hostile but valid input and in a
hostile environment.

* rich markup and emoji codes in ids, names, scenario names and paths are printed as they are,
  through every subcommand (they used to crash with ``MarkupError``, exit 3, or be altered);
* table cells fold instead of being cut (a 100-character id under ``COLUMNS=80``);
* a subcommand without its target is a usage error (exit 2), not an internal error (exit 3);
* the scenario names ``linepack scenarios`` lists for a GasLib network are accepted by
  ``--scenario``;
* output folders must exist: a missing one is refused before any work, named, exit 2;
* the files asked for are written when standard output is closed (``| head -0``) or full;
  a full disk names the file and the cause, exit 2, no traceback, no partial file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_files
from hostile_cases import (LONG_ID, MARKUP_DESCRIPTION, MARKUP_IDS, MARKUP_NAME,
                           MARKUP_SCENARIO, g11, g24, long_id_case, markup_case, native)

import linepack.cli

CASE = "[red]case[/].json"
COMMANDS = ("info", "validate", "simulate", "capacity", "nominate")


@pytest.fixture
def wide(monkeypatch):
    """Consoles 250 columns wide, so that no cell folds and every string can be looked for."""
    for console in (linepack.cli.out, linepack.cli.err):
        monkeypatch.setattr(console, "_width", 250)


def _proc(*argv, cwd, **kw):
    env = {**os.environ, **kw.pop("env", {})}
    return subprocess.run([sys.executable, "-m", "linepack.cli", *map(str, argv)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, **kw)


# -- 15.4: markup in user strings ------------------------------------------------------

def _assert_literal(run, *words):
    assert run.rc == 0, run.err + run.out
    assert "internal error" not in run.err and "Traceback" not in run.err
    for w in words:
        assert w in run.out, f"{w!r} not printed as it is:\n{run.out}"
    assert "😄" not in run.out and "👍" not in run.out      # no emoji codes replaced


def test_markup_info_validate_scenarios(cli, tmp_path, monkeypatch, wide):
    write_files(tmp_path, markup_case())
    monkeypatch.chdir(tmp_path)
    _assert_literal(cli("info", CASE), MARKUP_NAME, f"scenarios: {MARKUP_SCENARIO}")
    _assert_literal(cli("validate", CASE), f"ok: {CASE} — no errors")
    _assert_literal(cli("scenarios", CASE), f"scenarios of {CASE}", MARKUP_SCENARIO, MARKUP_DESCRIPTION)


def test_markup_simulate_with_output(cli, tmp_path, monkeypatch, wide):
    """Every id in the summary and the station table as it is; the output path too."""
    write_files(tmp_path, markup_case())
    monkeypatch.chdir(tmp_path)
    run = cli("simulate", CASE, "--output", "[bold]r:smile:.json")
    ids = MARKUP_IDS
    _assert_literal(run, f"{MARKUP_NAME} — {MARKUP_SCENARIO}", f"transit delivered at {ids['D']}",
                    f"at {ids['S']} /", f"│ {ids['CS']} ", "results written to [bold]r:smile:.json")
    doc = json.loads((tmp_path / "[bold]r:smile:.json").read_text())
    assert ids["CS"] in json.dumps(doc)


def test_markup_capacity(cli, tmp_path, monkeypatch, wide):
    write_files(tmp_path, markup_case())
    monkeypatch.chdir(tmp_path)
    _assert_literal(cli("capacity", CASE), f"transit capacity {MARKUP_IDS['S']} → {MARKUP_IDS['D']}",
                    "largest feasible transit")


def test_markup_nominate(cli, tmp_path, monkeypatch, wide):
    pytest.importorskip("casadi")
    write_files(tmp_path, markup_case())
    monkeypatch.chdir(tmp_path)
    run = cli("nominate", CASE, "--output", "[x]found.json")
    _assert_literal(run, f"nomination validation — {MARKUP_SCENARIO}", "validated: every limit holds",
                    f"│ {MARKUP_IDS['CS']} ", "written to [x]found.json")
    assert MARKUP_IDS["CS"] in (tmp_path / "[x]found.json").read_text()


def test_cli_prints_no_markup_tags_of_its_own(cli, tmp_path, monkeypatch, wide):
    """The consoles interpret no markup, so the CLI's own colours must not show as tags
    (styles go through ``Text``/``style=``, or ``markup=True`` on a string of the CLI's own);
    GasLib-24 under the default controls prints limit violations."""
    write_files(tmp_path, {**native(), **g24()})
    monkeypatch.chdir(tmp_path)
    for argv in (("validate", "case.json"), ("simulate", "case.json"), ("capacity", "case.json",
                 "--entry", "S", "--exit", "D", "--target", "1"), ("simulate", "GasLib-24.net")):
        run = cli(*argv)
        assert run.rc in (0, 1), run.err
        for tag in ("[green]", "[/green]", "[red]", "[/red]", "[/]", "[bold"):
            assert tag not in run.out + run.err, (argv, run.out)


# -- 15.8: tables fold, usage errors, GasLib scenario names ------------------------------

def _first_column(text: str) -> str:
    """The first cells of the body lines of every table, joined (a folded cell re-joined)."""
    cells = [line.split("│")[1].strip() for line in text.splitlines()
             if line.startswith("│") and line.count("│") >= 3]
    return "".join(cells)


def test_long_id_is_folded_not_cut_at_80_columns(tmp_path):
    """A 100-character station id under COLUMNS=80 (a real process): all of it is printed."""
    write_files(tmp_path, long_id_case())
    p = _proc("simulate", "case.json", cwd=tmp_path, env={"COLUMNS": "80"})
    assert p.returncode == 0, p.stderr
    assert max(len(line) for line in p.stdout.splitlines()) <= 80
    assert "…" not in p.stdout
    assert LONG_ID in _first_column(p.stdout)


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_target_is_a_usage_error(cli, command):
    """`linepack <command>` alone: usage message, exit 2 (it was an internal error, exit 3)."""
    run = cli(command)
    assert run.rc == 2, run.err
    assert "Missing argument" in run.err and "Usage:" in run.err
    assert "internal error" not in run.err and "Traceback" not in run.err


def test_help_states_the_exit_codes(cli):
    for argv in (("--help",), ("simulate", "--help"), ("nominate", "--help")):
        run = cli(*argv)
        assert run.rc == 0
        text = " ".join(run.out.split())
        for words in ("Exit codes: 0 success", "2 bad input or usage", "3 internal error",
                      "130 interrupted", "143 terminated"):
            assert words in text, (argv, text)


def _listed(cli, net: str) -> list[str]:
    run = cli("info", net, "--json")
    assert run.rc == 0, run.err
    return json.loads(run.out)["scenarios"]


def test_gaslib_scenario_names_listed_are_accepted(cli, tmp_path, monkeypatch, wide):
    """GasLib-11 with three nominations beside it: `scenarios` lists them by file name, and
    each name listed is accepted by `--scenario`, as is the id inside the file."""
    files = g11()
    files.update({"cold.scn": files["GasLib-11.scn"], "warm.scn": files["GasLib-11.scn"]})
    write_files(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    names = _listed(cli, "GasLib-11.net")
    assert names == ["GasLib-11", "cold", "warm"]
    run = cli("scenarios", "GasLib-11.net")
    assert all(n in run.out for n in names)
    for name in [*names, "GasLib_11_scenario", "warm.scn"]:
        run = cli("validate", "GasLib-11.net", "--scenario", name)
        assert run.rc == 0, (name, run.err)
    run = cli("validate", "GasLib-11.net", "--scenario", "wram")
    assert run.rc == 2 and "no scenario 'wram'" in run.message and "did you mean 'warm'" in run.message


def test_gaslib_582_scenario_name_is_accepted(cli):
    """GasLib-582 (nomination_cold_5.scn beside GasLib-582-v2.net, a different stem)."""
    net = Path(__file__).resolve().parents[1] / "data" / "gaslib" / "GasLib-582" / "GasLib-582-v2.net"
    names = _listed(cli, str(net))
    assert names == ["nomination_cold_5"]
    run = cli("validate", str(net), "--scenario", names[0])
    assert run.rc == 0, run.err


# -- 20.7: output folders ---------------------------------------------------------------

@pytest.mark.parametrize("argv, option, folder", [
    (("simulate", "case.json", "--output", "new/dir/r.json"), "--output", "new/dir"),
    (("simulate", "case.json", "--output", "new/tables"), "--output", "new"),
    (("simulate", "case.json", "--report", "new/r.html"), "--report", "new"),
    (("nominate", "case.json", "--output", "new/found.json"), "--output", "new"),
], ids=["json", "csv-folder-parent", "report", "nominate"])
def test_missing_output_folder_is_refused(cli, tmp_path, monkeypatch, argv, option, folder):
    """A missing output folder: exit 2 naming the option and the folder, nothing created."""
    write_files(tmp_path, native())
    monkeypatch.chdir(tmp_path)
    run = cli(*argv)
    assert run.rc == 2, run.err
    assert run.message.startswith(f"error: {option} ")
    assert f"the folder '{folder}' does not exist" in run.message
    assert not (tmp_path / "new").exists()


def test_csv_output_folder_is_created_when_its_parent_exists(cli, tmp_path, monkeypatch):
    write_files(tmp_path, native())
    monkeypatch.chdir(tmp_path)
    run = cli("simulate", "case.json", "--output", "tables")
    assert run.rc == 0, run.err
    assert (tmp_path / "tables" / "nodes.csv").exists()


def test_csv_output_onto_a_file_is_refused(cli, tmp_path, monkeypatch):
    write_files(tmp_path, native())
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    run = cli("simulate", "case.json", "--output", "notes.txt")
    assert run.rc == 2 and "'notes.txt': is not a folder" in run.message
    assert (tmp_path / "notes.txt").read_text() == "mine"


# -- 15.7: closed and full standard output, full disks ------------------------------------

def test_closed_stdout_still_writes_the_files(tmp_path):
    """`linepack simulate … -o r.json --report r.html | head -0`: the reader has gone before the
    first line; both files are written, exit 0, nothing on stderr."""
    write_files(tmp_path, native())
    p = subprocess.Popen([sys.executable, "-m", "linepack.cli", "simulate", "case.json", "-o", "r.json",
                          "--report", "r.html"], cwd=tmp_path, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    p.stdout.close()                    # head -0
    err = p.stderr.read()
    p.stderr.close()
    assert p.wait(timeout=300) == 0, err
    assert err == ""
    assert json.loads((tmp_path / "r.json").read_text())["status"] == "converged"
    assert (tmp_path / "r.html").read_text().rstrip().endswith("</html>")


def _full_device() -> bool:
    import stat

    try:
        return stat.S_ISCHR(os.stat("/dev/full").st_mode)
    except OSError:
        return False


@pytest.mark.skipif(not _full_device(), reason="needs the /dev/full device")
def test_full_stdout_still_writes_the_files(tmp_path):
    """Standard output on a full device: the output file is written; exit 2 with the cause."""
    write_files(tmp_path, native())
    with open("/dev/full", "w") as full:
        p = subprocess.run([sys.executable, "-m", "linepack.cli", "simulate", "case.json", "-o", "r.json"],
                           cwd=tmp_path, stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert p.returncode == 2
    assert "standard output: No space left on device" in p.stderr and "Traceback" not in p.stderr
    assert json.loads((tmp_path / "r.json").read_text())["status"] == "converged"


@pytest.mark.skipif(not _full_device(), reason="needs the /dev/full device")
def test_report_to_a_full_device_names_it(tmp_path):
    """--report onto a device (through a link to /dev/full, so that a writer that replaced
    its target, as the atomic writer once did with devices, would replace only the link):
    written straight into, the disk-full error names the file, exit 2; the device stays."""
    write_files(tmp_path, native())
    (tmp_path / "full.html").symlink_to("/dev/full")
    p = _proc("simulate", "case.json", "--report", "full.html", cwd=tmp_path)
    assert p.returncode == 2
    assert "error: 'full.html': No space left on device (errno 28)" in " ".join(p.stderr.split())
    assert "Traceback" not in p.stderr
    assert (tmp_path / "full.html").is_symlink() and _full_device()


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs RLIMIT_FSIZE (POSIX)")
def test_file_size_limit_names_the_file_and_keeps_the_previous(tmp_path):
    """The disk refuses the write half-way (a real process under RLIMIT_FSIZE of 1 kB, the
    result JSON ~3 kB): exit 2, the file and the cause named, the previous file intact, no
    temporary file, no traceback."""
    import resource

    write_files(tmp_path, native())
    (tmp_path / "out.json").write_text("previous")

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))

    p = subprocess.run([sys.executable, "-m", "linepack.cli", "simulate", "case.json", "-o", "out.json"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300, preexec_fn=limit)
    assert p.returncode == 2, p.stderr
    assert "error: 'out.json': File too large (errno 27)" in " ".join(p.stderr.split())
    assert "Traceback" not in p.stderr
    assert (tmp_path / "out.json").read_text() == "previous"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["case.json", "out.json"]

