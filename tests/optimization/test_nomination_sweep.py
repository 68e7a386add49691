"""A sweep of nominations on one network (linepack.validate_nominations / NominationValidator)
reuses IPOPT's solvers and the previous solution, and reaches the same verdicts, each checked by
simulate, as lone validations.

Data: GasLib-134's daily nominations (tests/data/gaslib/GasLib-134/GasLib-134.zip; GasLib,
Schmidt et al. 2017), three days far apart.
"""

import zipfile
from pathlib import Path

import pytest

pytest.importorskip("casadi", reason="needs the 'minlp' extra (CasADi)")
pytest.importorskip("pyscipopt", reason="needs the 'minlp' extra (PySCIPOpt)")

import linepack  # noqa: E402
from linepack.problems.capacity import check_limits  # noqa: E402

GASLIB = Path(__file__).resolve().parents[1] / "data" / "gaslib"
DAYS = ["2011-11-01", "2012-12-05", "2013-10-02"]


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    d = tmp_path_factory.mktemp("g134")
    with zipfile.ZipFile(GASLIB / "GasLib-134" / "GasLib-134.zip") as z:
        z.extract("GasLib-134-v2.net", d)
        for day in DAYS:
            z.extract(f"Nominations-134-v2/{day}.scn", d)
    return [linepack.open_case(str(d / "GasLib-134-v2.net"), str(d / "Nominations-134-v2" / f"{day}.scn"))
            for day in DAYS]


@pytest.mark.slow
def test_sweep_validates_each_nomination_from_the_previous_solution(cases, monkeypatch):
    from linepack.optimization import nlp

    built = []
    original = nlp.FixedStateNLP.__init__

    def counting(self, *a, **k):
        original(self, *a, **k)
        built.append(getattr(self, "reused", None))

    monkeypatch.setattr(nlp.FixedStateNLP, "__init__", counting)
    net = cases[0].network
    out = linepack.validate_nominations(net, {d: c.scenario for d, c in zip(DAYS, cases)}, time_limit=60)
    assert list(out) == DAYS
    for day in DAYS:
        r = out[day]
        assert r.status == "validated" and r.feasible, (day, r.shortfalls[:3])
        assert check_limits(net, linepack.simulate(net, r.scenario, r.controls), tol_bar=1e-6) == []
    # after the first, each nomination was validated at the previous one's states: no relaxation
    for day in DAYS[1:]:
        assert "previous" in out[day].timings and "relaxation" not in out[day].timings
        assert out[day].programmes == 1
    # and its programme reused the solver built for the first nomination's states
    assert built[-1] is True and built[-2] is True


@pytest.mark.slow
def test_lone_validations_give_the_same_verdicts(cases):
    validator = linepack.NominationValidator(cases[0].network, time_limit=60, reuse=False)
    for c in cases[:2]:
        r = validator.validate(c.scenario)
        assert r.status == "validated" and "previous" not in r.timings and "relaxation" in r.timings


def test_sweep_bad_input_is_named(cases):
    net = cases[0].network
    scn = cases[0].scenario
    with pytest.raises(linepack.InputError, match="two nominations are named 'x'"):
        linepack.validate_nominations(net, [scn.evolve(name="x"), scn.evolve(name="x")])
    with pytest.raises(linepack.InputError, match="expected a Scenario"):
        linepack.NominationValidator(net).validate("2011-11-01")
    with pytest.raises(linepack.InputError, match="refresh_tol"):
        linepack.NominationValidator(net, refresh_tol=0.0)
    with pytest.raises(linepack.InputError, match="give the scenarios"):
        linepack.validate_nominations(net)
