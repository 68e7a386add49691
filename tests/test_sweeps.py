"""Scenario sweeps on Dask (issue #19, item 2): the same answers as plain simulate, failures
recorded as rows, interrupted sweeps resumed from what was written."""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import linepack
from linepack.cli import main

pytest.importorskip("distributed", reason="the sweep needs the extra 'sweep' (dask[distributed])")
pytest.importorskip("pyarrow", reason="the sweep needs the extra 'sweep' (pyarrow)")

ZIP = Path(__file__).resolve().parent / "data" / "gaslib" / "GasLib-134" / "GasLib-134.zip"
needs_zip = pytest.mark.skipif(not ZIP.exists(), reason="GasLib-134 zip not found at tests/data/gaslib")
DAYS = ("2011-11-01", "2012-01-24", "2012-07-15", "2013-02-06", "2014-08-30", "2016-02-17")


@pytest.fixture(scope="module")
def client():
    """One local cluster of 2 worker processes for the module's tests."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def g134():
    """GasLib-134's network and six of its daily nominations, as raw bytes."""
    with zipfile.ZipFile(ZIP) as zf:
        net = zf.read("GasLib-134-v2.net")
        scns = {d: zf.read(f"Nominations-134/{d}.scn") for d in DAYS}
    return net, scns


def _expected(net_bytes: bytes, scn_bytes: bytes):
    """Plain simulate, through the public API, one nomination at a time."""
    net, scn = linepack.parse_gaslib(net_bytes, scn_bytes)
    res = linepack.simulate(net, scn)
    margin = res.nodes["margin_bar"]
    return res.status, res.iterations, float(margin.min()), str(margin.idxmin())


@needs_zip
@pytest.mark.slow
def test_sweep_equals_plain_simulate(client, g134, tmp_path):
    """Six GasLib-134 nominations on 2 worker processes: status, iterations and the lowest
    margin (value and node) are those of linepack.simulate run one by one."""
    net_bytes, scns = g134
    folder = tmp_path / "noms"
    folder.mkdir()
    for d, b in scns.items():
        (folder / f"{d}.scn").write_bytes(b)
    case = linepack.parse_gaslib(net_bytes)
    table = linepack.sweep(case, folder, client=client, chunk_size=2)
    assert list(table.index) == list(DAYS)
    for d in DAYS:
        status, iters, margin, node = _expected(net_bytes, scns[d])
        row = table.loc[d]
        assert (row["status"], row["iterations"], row["min_margin_node"]) == (status, iters, node)
        # equal up to the last bits: a warm cache (e.g. a kept factor for the initial guess) can
        # move the Newton path by rounding; 1e-9 bar is far below the solver's tolerance
        assert row["min_margin_bar"] == pytest.approx(margin, rel=0, abs=1e-9)
        assert row["error"] is None and row["bottleneck"] is None


def _line_case():
    doc = {"linepack": 1, "name": "line",
           "nodes": [{"id": "S", "kind": "source"}, {"id": "X", "kind": "sink", "p_min_bar": 40}],
           "connections": [{"id": "P", "kind": "pipe", "from": "S", "to": "X", "length_km": 100,
                            "diameter_mm": 500, "roughness_mm": 0.01}]}
    return linepack.parse_native(doc)


def _scn(name: str, flow_kg_s: float) -> linepack.Scenario:
    return linepack.Scenario(pd.DataFrame({"p_fixed_pa": [60e5, np.nan], "inflow_kg_s": [np.nan, -flow_kg_s]},
                                          index=["S", "X"]), name=name)


def test_failing_scenarios_are_recorded(client):
    """An infeasible scenario and a broken nomination become rows with their status, bottleneck
    and error text; the good ones around them are solved."""
    from linepack.sweeps import SweepItem

    case = _line_case()
    items = [_scn("ok-1", 20.0), _scn("too-much", 2000.0), SweepItem("garbage", scn_bytes=b"<not xml"),
             _scn("ok-2", 30.0)]
    table = linepack.sweep(case, items, client=client, chunk_size=1)
    assert list(table["status"]) == ["converged", "infeasible", "input error", "converged"]
    bad = table.loc["too-much"]
    assert "X" in bad["bottleneck"] and "feasible" in bad["error"]
    assert 0 < bad["feasible_share"] < 1
    assert "malformed XML" in table.at["garbage", "error"]
    direct = linepack.simulate(case, _scn("ok-2", 30.0))
    assert table.at["ok-2", "min_margin_bar"] == pytest.approx(float(direct.nodes["margin_bar"].min()),
                                                               rel=0, abs=1e-9)


def test_resume_skips_what_is_written(client, tmp_path):
    """A rerun reads the finished table and the chunks of an interrupted run and runs only the rest."""
    case = _line_case()
    scns = [_scn(f"q{q}", q) for q in (10.0, 20.0, 30.0, 40.0, 50.0, 60.0)]
    out = tmp_path / "t.parquet"
    first = linepack.sweep(case, scns[:2], client=client, output=out)
    # an interrupted run: two more scenarios only in the chunk folder, no final table
    second = linepack.sweep(case, scns[2:4], client=client, output=tmp_path / "u.parquet")
    parts = tmp_path / "t.parquet.parts"
    parts.mkdir()
    shutil.copy(tmp_path / "u.parquet", parts / "chunk-old.parquet")
    table = linepack.sweep(case, scns, client=client, output=out, csv=True)
    assert list(table.index) == [s.name for s in scns]
    # not recomputed: the recorded wall times are the first runs' own
    pd.testing.assert_series_equal(table["seconds"].iloc[:2], first["seconds"], check_names=False)
    pd.testing.assert_series_equal(table["seconds"].iloc[2:4], second["seconds"], check_names=False)
    assert not parts.exists()
    back = pd.read_parquet(out)
    assert list(back.index) == list(table.index) and (back["status"] == "converged").all()
    assert len(pd.read_csv(tmp_path / "t.csv")) == 6


def test_resume_refuses_another_case(client, tmp_path):
    """A table written by a sweep of another case (or other options) is not mixed with this one."""
    case = _line_case()
    out = tmp_path / "t.parquet"
    linepack.sweep(case, [_scn("a", 10.0)], client=client, output=out)
    with pytest.raises(linepack.InputError, match="another case or other options"):
        linepack.sweep(case, [_scn("a", 10.0)], client=client, output=out, eos="ideal")


def test_without_the_extra_sweep_names_it(monkeypatch):
    """Without Dask installed, sweep says which extra to install."""
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(linepack.LinepackError, match=r'pip install -e "\.\[sweep\]"'):
        linepack.sweep(_line_case(), [_scn("a", 10.0)])


@needs_zip
@pytest.mark.slow
def test_cli_sweep_reads_a_folder_inside_the_zip(tmp_path, capsys, monkeypatch):
    """`linepack sweep NET --scenarios ZIP/folder --workers 2` starts its own local cluster and
    writes the Parquet and CSV tables (three nominations, by a small zip of them)."""
    small = tmp_path / "noms.zip"
    with zipfile.ZipFile(ZIP) as src, zipfile.ZipFile(small, "w") as dst:
        dst.writestr("GasLib-134-v2.net", src.read("GasLib-134-v2.net"))
        for d in DAYS[:3]:
            dst.writestr(f"Nominations-134/{d}.scn", src.read(f"Nominations-134/{d}.scn"))
            dst.writestr(f"other/{d}.scn", b"not read")
        net = tmp_path / "GasLib-134-v2.net"
        net.write_bytes(src.read("GasLib-134-v2.net"))
    monkeypatch.chdir(tmp_path)
    rc = main(["sweep", str(net), "--scenarios", str(small / "Nominations-134"), "--workers", "2", "--csv"])
    assert rc == 0, capsys.readouterr().err
    table = pd.read_parquet(tmp_path / "sweep.parquet")
    assert list(table.index) == list(DAYS[:3]) and (table["status"] == "converged").all()
    assert (tmp_path / "sweep.csv").exists()


def test_cli_sweep_bad_scenarios_path(tmp_path, capsys):
    """A --scenarios path without nominations is bad input: exit 2, one message."""
    case = tmp_path / "line.json"
    linepack.write_native(_line_case(), case)
    (tmp_path / "empty").mkdir()
    rc = main(["sweep", str(case), "--scenarios", str(tmp_path / "empty")])
    err = capsys.readouterr().err
    assert rc == 2 and "no GasLib nominations" in err and "Traceback" not in err


def test_scheduler_address_runs_on_that_cluster(client):
    """With a scheduler address, the same sweep runs on that existing cluster (its workers)."""
    case = _line_case()
    table = linepack.sweep(case, [_scn("a", 10.0), _scn("b", 20.0)], scheduler=client.scheduler.address)
    local = linepack.sweep(case, [_scn("a", 10.0), _scn("b", 20.0)], client=client)
    pd.testing.assert_frame_equal(table.drop(columns="seconds"), local.drop(columns="seconds"))


def test_workers_keep_the_case_between_chunks_and_sweeps(client):
    """Each worker holds one copy of the case (cached by digest): the network object a worker
    solves with is the same for every chunk and for a second sweep of the same case, so the
    caches that live with it (islands, patterns, the kept factor) stay warm."""
    case = _line_case()
    scns = [_scn(f"q{q}", q) for q in (10.0, 20.0, 30.0, 40.0)]

    def held():
        from linepack import sweeps

        return {d: id(c.network) for d, c in sweeps._WORKER_CASES.items()}

    linepack.sweep(case, scns, client=client, chunk_size=1)
    first = client.run(held)
    linepack.sweep(case, scns, client=client, chunk_size=1)
    second = client.run(held)
    assert first == second
    assert all(len(h) == 1 for h in second.values() if h)
    assert any(second.values())
