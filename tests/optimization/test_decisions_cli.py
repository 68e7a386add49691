"""The decision problems at the command line and their bad-input errors (issue #16).

Expected values: the line source (≤ 70 bar) — pipe — valve — pipe — sink (≥ 55 bar), ideal gas,
rough-pipe Nikuradse λ = (2 log10(D/k) + 1.138)⁻², horizontal isothermal law
p_u² − p_v² = λ L R T m²/(D A²) per pipe (Menon 2005, ch. 2). With the controls free the valve
may be open, so the largest transit is where both pipes use the whole pressure range less the
0.01 bar margin of the exact programme: m* = √((69.99² − 55.01²)/(2c)), c = λ L R T/(D A²).
"""

import re
import sys

import numpy as np
import pytest

pytest.importorskip("casadi", reason="needs the 'minlp' extra (CasADi)")
pytest.importorskip("pyscipopt", reason="needs the 'minlp' extra (PySCIPOpt)")

import linepack  # noqa: E402
from linepack import Case, Controls, Scenario  # noqa: E402
from linepack.cli import main  # noqa: E402

from .test_formulation import drop_sq_bar2, line  # noqa: E402

T = 288.15
RHO_N = 0.75


def _m_star(margin=0.01):
    """The closed-form capacity of the line [kg/s]: (70 − margin)² − (55 + margin)² bar² spent
    over its two pipes."""
    return np.sqrt(((70.0 - margin) ** 2 - (55.0 + margin) ** 2) / (2 * drop_sq_bar2(1.0)))


def _line(flow=20.0, sink="sink"):
    return line(flow, sink, gas={"normal_density": RHO_N}, name="nom")


def _case_file(tmp_path, net, scn, name="line.json"):
    path = tmp_path / name
    linepack.write_native(Case(net, {"nom": scn}, {"nom": Controls(None)}, {"nom": "nom"}), path)
    return str(path)


@pytest.mark.slow
def test_cli_capacity_with_free_controls_prints_the_capacity_and_binding_limit(tmp_path, capsys):
    net, scn = _line()
    path = _case_file(tmp_path, net, scn)
    code = main(["capacity", path, "--entry", "src", "--exit", "sink", "--eos", "ideal",
                 "--free-controls", "--rtol", "2e-3", "--time-limit", "20"])
    out = capsys.readouterr().out
    assert code == 0, out
    q_mcm_d = float(re.search(r"largest feasible transit\s+│?\s*([0-9.]+) mcm/d", out).group(1))
    m = q_mcm_d * 1e6 * RHO_N / 86400.0
    # the bracket's lower end: within rtol (and the 2-decimal print) below m*
    assert _m_star() * (1 - 3e-3) <= m <= _m_star() * (1 + 3e-4)
    assert "binding limit" in out and re.search(r"node '(src|sink)' pressure (above|below)", out)
    assert "controls free" in out and "nomination" in out


def test_cli_capacity_free_controls_rejects_a_time_limit_not_above_zero(tmp_path, capsys):
    net, scn = _line()
    path = _case_file(tmp_path, net, scn)
    assert main(["capacity", path, "--entry", "src", "--exit", "sink", "--free-controls",
                 "--time-limit", "0"]) == 2
    e = capsys.readouterr().err
    assert "--time-limit must be > 0 s" in e and "Traceback" not in e


def test_transit_capacity_free_controls_rejects_a_time_limit_not_above_zero():
    net, scn = _line()
    with pytest.raises(linepack.InputError, match="time_limit must be > 0"):
        linepack.transit_capacity(net, scn, entry="src", exit="sink", free_controls=True,
                                  time_limit=-1.0)


# ---- bad input at the command line: exit 2, one clear line, no traceback --------------------
@pytest.mark.parametrize("command", ["nominate", "optimize"])
def test_cli_unbalanced_nomination_exits_2_naming_the_nodes(tmp_path, capsys, command):
    net, _ = _line()
    scn = Scenario([{"id": "src", "inflow_kg_s": 20.0}, {"id": "sink", "inflow_kg_s": -10.0}],
                   temperature=T, name="nom")
    path = _case_file(tmp_path, net, scn)
    assert main([command, path, "--eos", "ideal"] if command == "nominate" else [command, path]) == 2
    e = capsys.readouterr().err
    assert "do not balance" in e and "'src'" in e and "+10 kg/s" in e and "Traceback" not in e


@pytest.mark.parametrize("command", ["nominate", "optimize"])
def test_cli_nomination_naming_an_unknown_node_exits_2(tmp_path, capsys, command):
    net, scn = _line()
    path = _case_file(tmp_path, net, scn)
    text = open(path).read().replace('{"id": "sink", "inflow_kg_s"', '{"id": "snik", "inflow_kg_s"')
    assert "snik" in text
    (tmp_path / "bad.json").write_text(text)
    assert main([command, str(tmp_path / "bad.json")]) == 2
    e = capsys.readouterr().err
    assert "snik" in e and "Traceback" not in e


@pytest.mark.parametrize("command", ["nominate", "optimize"])
def test_cli_time_limit_not_above_zero_exits_2(tmp_path, capsys, command):
    net, scn = _line()
    path = _case_file(tmp_path, net, scn)
    assert main([command, path, "--time-limit", "0"]) == 2
    e = capsys.readouterr().err
    assert "time limit must be > 0" in e and "Traceback" not in e


@pytest.mark.parametrize("module", ["pyscipopt", "casadi"])
@pytest.mark.parametrize("command", ["nominate", "optimize"])
def test_cli_missing_solver_extra_exits_2_with_the_install_line(tmp_path, capsys, monkeypatch,
                                                                 command, module):
    """The install line is the README's (pip install -e ".[minlp]", which brings both)."""
    net, scn = _line()
    path = _case_file(tmp_path, net, scn)
    monkeypatch.setitem(sys.modules, module, None)
    assert main([command, path]) == 2
    e = capsys.readouterr().err
    assert 'pip install -e ".[minlp]"' in e and "Traceback" not in e


def test_readme_names_the_install_lines_the_errors_give():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert 'pip install -e ".[minlp]"' in readme


def test_optimize_operation_rejects_a_time_limit_not_above_zero():
    net, scn = _line()
    with pytest.raises(linepack.InputError, match="time limit must be > 0"):
        linepack.optimize_operation(net, scn, time_limit=0.0)


# ---- least-fuel operation against the default control rule ------------------------------------
GASLIB = __import__("pathlib").Path(__file__).resolve().parents[1] / "data" / "gaslib"


@pytest.mark.slow
@pytest.mark.parametrize("target, scenario", [
    (str(GASLIB / "GasLib-40" / "GasLib-40.net"), None),
    ("central-asia", "transit-11bcm-target-one-string-compressed")])
def test_least_fuel_operation_holds_every_limit_and_burns_no_more_than_the_default_rule(target, scenario):
    """The operation found is simulated by simulate (every limit held) and its fuel, with the same
    drive efficiency and LHV, is not above the fuel of the case's own controls (the default rule):
    the default rule's set points are one feasible operation of the same nomination."""
    from linepack.problems.capacity import check_limits
    from linepack.problems.operation import station_table

    c = linepack.open_case(target, scenario)
    res = linepack.optimize_operation(c.network, c.scenario, c.controls, time_limit=120)
    assert res.status == "optimal" and res.violations == []
    again = linepack.simulate(c.network, res.scenario, res.controls)
    assert check_limits(c.network, again) == []
    default = linepack.simulate(c.network, c.scenario, c.controls)
    assert check_limits(c.network, default) == []
    tab, _ = station_table(c.network, default, res.drive_efficiency, res.lhv_j_kg,
                           default.options["normal_density"])
    assert res.fuel_mcm_d <= float(tab["fuel_mcm_d"].sum()) * (1 + 1e-9) + 1e-12
    # fuel = shaft power / (η_drive · LHV), per station
    np.testing.assert_allclose(res.stations["fuel_kg_s"],
                               res.stations["power_mw"] * 1e6 / (res.drive_efficiency * res.lhv_j_kg),
                               rtol=1e-12)
