"""The local search of ``validate_nomination`` over discrete states (``_local_search``), driven
by a scripted programme instead of IPOPT, on GasLib-24's formulation (three compressor stations
and one control valve, each with the modes active, bypass and closed; no combined decisions).

The scripted programme's violation is the number of elements whose mode differs from a target
state, and its shortfalls name those elements, largest first: the search must walk to the target
one element at a time. What it checks is the order of the states tried (the start, the
relaxation's own states as the first neighbour, then the named elements' other modes) and that a
search of several rounds ends at the target.
"""

from pathlib import Path

import numpy as np
import pytest

import linepack
from linepack.optimization.formulation import build_formulation
from linepack.optimization.minlp import MinlpSolution
from linepack.optimization.nlp import prepare
from linepack.problems import model, steady
from linepack.problems import nomination as nm

NET = Path(__file__).resolve().parents[1] / "data" / "gaslib" / "GasLib-24" / "GasLib-24.net"
pytestmark = pytest.mark.skipif(not NET.is_file(), reason="GasLib-24 test data not found")


@pytest.fixture(scope="module")
def form():
    case = linepack.open_case(str(NET))
    a = nm._arguments(case.network, case.scenario, None, None, None, None, None, None, 64, 4, 0.01)
    physics = model.resolve_physics(a[0], a[1], *a[3:8])
    md = model.NetworkModel(a[0], a[1], physics, steady.SteadyOptions())
    prepare(md)
    return build_formulation(md, [], {}, 0.01)


class Scripted:
    """A programme whose violation is the number of elements off the target state."""

    def __init__(self, form, target: dict, special=None):
        md = form.md
        self.md = md
        self.target = nm._default_modes(form, [])
        for eid, mode in target.items():
            self.target[md.edge_ids.get_loc(eid)] = mode
        self.tried = []
        self.special = special        # (state off the default {id: mode}, violation, edges named)

    def __call__(self, mode, p_start, m_start, choice, details=False, **_):
        mode = np.asarray(mode, dtype=object)
        self.tried.append(mode.copy())
        off = [int(e) for e in np.flatnonzero(mode != self.target)]
        viol = float(len(off))
        if self.special is not None and self.names(len(self.tried) - 1) == self.special[0]:
            viol, off = self.special[1], self.special[2]
        p, m = np.full(self.md.n, 50.0), np.zeros(self.md.m)
        return (viol, p, m, off) if details else (viol, p, m)

    def names(self, k):
        """The elements whose mode differs from the default state in the k-th state tried."""
        md = self.md
        d = self.tried[k] != self.tried[0]
        return {md.edge_ids[e]: self.tried[k][e] for e in np.flatnonzero(d)}


def relaxation(form, modes=None):
    md = form.md
    return MinlpSolution(status="optimal", has_solution=True, modes=modes, choice=[],
                         p_bar=np.full(md.n, 50.0), q=np.zeros(md.m))


@pytest.fixture(autouse=True)
def no_idle(monkeypatch):
    # the idle move depends on the programme's pressures; the scripted ones make none
    monkeypatch.setattr(nm, "_idle", lambda form, e, p: False)


def test_the_relaxation_states_are_the_first_neighbour(form):
    """The relaxation's own states are tried right after the start (not before it): here they
    are the target, and the search ends at its second programme."""
    prog = Scripted(form, {"CS1": "bypass", "CV01": "closed"})
    rel = relaxation(form, prog.target.copy())
    assert nm._local_search(form, form.md, prog, lambda: 1.0, 64, rel)
    assert len(prog.tried) == 2
    assert prog.names(1) == {"CS1": "bypass", "CV01": "closed"}


def test_a_search_of_several_rounds_walks_to_the_target(form):
    """The relaxation's states are worse than the start (every element closed): the search
    leaves them and moves one named element at a time, over two rounds, to the target."""
    prog = Scripted(form, {"CS1": "bypass", "CV01": "closed"})
    closed = prog.target.copy()
    for eid in ("CS1", "CS2", "CS3", "CV01"):
        closed[form.md.edge_ids.get_loc(eid)] = "closed"
    rel = relaxation(form, closed)
    assert nm._local_search(form, form.md, prog, lambda: 1.0, 64, rel)
    assert prog.names(1) == {"CS1": "closed", "CS2": "closed", "CS3": "closed", "CV01": "closed"}
    # then the named elements' other modes, the first improving one taken in each round
    final = prog.names(len(prog.tried) - 1)
    assert final == {"CS1": "bypass", "CV01": "closed"}
    moves = [prog.names(k) for k in range(2, len(prog.tried))]
    assert all(len(mv) <= 2 for mv in moves)
    assert len(prog.tried) <= 2 + 2 * 2      # two rounds of at most two modes per element


def test_the_search_stops_at_its_programme_limit(form):
    prog = Scripted(form, {"CS1": "bypass", "CV01": "closed"})
    rel = relaxation(form, None)
    assert not nm._local_search(form, form.md, prog, lambda: 1.0, 2, rel)
    assert len(prog.tried) == 2


def test_the_idle_move_comes_before_the_relaxation_states(form, monkeypatch):
    """Where the start's idle move (stations at their least ratio bypassed) reaches the
    target, the relaxation's own (worse) states are never tried: GasLib-582 cold_5 under the
    ratio model is validated so, one IPOPT programme (1–2 s) sooner."""
    cs2 = form.md.edge_ids.get_loc("CS2")
    monkeypatch.setattr(nm, "_idle", lambda form, e, p: e == cs2)
    prog = Scripted(form, {"CS2": "bypass"})
    closed = prog.target.copy()
    for eid in ("CS1", "CS2", "CS3", "CV01"):
        closed[form.md.edge_ids.get_loc(eid)] = "closed"
    assert nm._local_search(form, form.md, prog, lambda: 1.0, 64, relaxation(form, closed))
    assert len(prog.tried) == 2
    assert prog.names(1) == {"CS2": "bypass"}


def test_a_move_must_gain_more_than_the_programmes_accuracy(form):
    """A neighbour whose violation is lower by 1e-8 (below the 1e-6 that counts as none, at the
    programmes' accuracy) is not a move: the search tries the next neighbour, which here is the
    target. Taken, that neighbour would have ended the search at a state with nothing left to
    try (it names no element)."""
    prog = Scripted(form, {"CS1": "closed"}, special=({"CS1": "bypass"}, 1.0 - 1e-8, []))
    assert nm._local_search(form, form.md, prog, lambda: 1.0, 64, relaxation(form, None))
    assert [prog.names(k) for k in range(len(prog.tried))] == [
        {}, {"CS1": "bypass"}, {"CS1": "closed"}]
