"""The 22 STANET gas reference cases shipped with pandapipes, solved by linepack.

Source: pandapipes 0.16.0 (BSD-3-Clause), ``pandapipes/networks/network_files/
stanet_test_networks/gas_cases``; loaders in ``pandapipes.networks.simple_gas_networks``.
Each case is a pandapipes net carrying the STANET results: ``junction.p_stanet`` (gauge
pressure [bar], 4 decimals) and ``pipe.v_stanet`` (mean gas velocity [m/s], 4 decimals).
See tests/reference/README.md.

Each case is loaded with pandapipes, translated with :func:`linepack.io.pandapipes.
from_pandapipes` and solved with ``linepack.simulate`` using the friction law that matches
STANET's calculation method: ``"nikuradse-stanet"`` for ``_N`` cases and
``"colebrook-white"`` for ``_PC`` cases (shared/reference/pandapipes-anchor.md, section 2).
"""

from __future__ import annotations

import functools
import logging
import warnings

import numpy as np
import pytest

pytest.importorskip("pandapipes")

from pandapipes.networks import simple_gas_networks as sgn  # noqa: E402

from linepack.errors import InputError  # noqa: E402
from linepack.io.pandapipes import from_pandapipes, pandapipes_ambient_pressure  # noqa: E402
from linepack.units import BAR, P_NORMAL, T_NORMAL  # noqa: E402

# case id: (loader in pandapipes.networks.simple_gas_networks, method argument or None)
CASES = {
    "parallel_N": ("gas_3parallel", "n"),
    "parallel_PC": ("gas_3parallel", "pc"),
    "versatility_PC": ("gas_versatility", None),
    "delta_PC": ("gas_meshed_delta", None),
    "pumps_N": ("gas_meshed_pumps", None),
    "square_N": ("gas_meshed_square", "n"),
    "square_PC": ("gas_meshed_square", "pc"),
    "two_valves_N": ("gas_meshed_two_valves", "n"),
    "two_valves_PC": ("gas_meshed_two_valves", "pc"),
    "pipe_1_N": ("gas_one_pipe1", "n"),
    "pipe_1_PC": ("gas_one_pipe1", "pc"),
    "pipe_2_N": ("gas_one_pipe2", "n"),
    "pipe_2_PC": ("gas_one_pipe2", "pc"),
    "two_pipes_N": ("gas_strand_2pipes", "n"),
    "two_pipes_PC": ("gas_strand_2pipes", "pc"),
    "pump_N": ("gas_strand_pump", None),
    "t_cross1_N": ("gas_tcross1", "n"),
    "t_cross1_PC": ("gas_tcross1", "pc"),
    "t_cross2_N": ("gas_tcross2", "n"),
    "t_cross2_PC": ("gas_tcross2", "pc"),
    "H_net_N": ("gas_2eg_hnet", "n"),
    "H_net_PC": ("gas_2eg_hnet", "pc"),
}
PUMP_CASES = ("versatility_PC", "pumps_N", "pump_N")
NO_PUMP_CASES = tuple(c for c in CASES if c not in PUMP_CASES)

#: Pressure tolerance against STANET. [bar] STANET prints 4 decimals (±5e-5 bar);
#: pandapipes reaches ≤ 2.9e-4 bar (pipe_1_PC at 100 bar) on the same cases.
P_TOL_BAR = 3e-4

#: Velocity tolerance against STANET. [m/s] STANET prints 4 decimals (±5e-5 m/s). In the
#: tree-shaped cases the flows are fixed by the demands and Δv only measures how the mean
#: density is defined (STANET does not say); in the meshed cases it also measures the
#: flow split. pandapipes reaches 1.1e-3 m/s (parallel_PC) except in the laminar square_PC.
#: 2e-3 m/s is below 1 % of every velocity above 0.2 m/s in these cases.
V_TOL_M_S = 2e-3

#: Relative pressure tolerance against STANET, |1 − p/p_stanet| on gauge pressure, the
#: metric of pandapipes' own STANET test. [-] 1e-4 is the anchor's target for every case
#: (pandapipes needs 2e-3 to 1e-2 on some); it also guards pipe_1_PC at 100 bar (5e-6).
#: square_N sits at 9.6e-5: 1 bar gauge, where STANET's 4-decimal rounding alone is 5e-5.
P_REL_TOL = 1e-4

#: pipe_1_PC (Re 2.2e6, 100 → 85.6 bar): the STANET outlet pressure implies a friction
#: factor 2.8e-5 ± 0.3e-5 (relative) below the exact root of Colebrook-White with 2.51 and
#: 3.71 (linepack solves it to machine precision). That alone puts the outlet 4.4e-4 bar
#: off, 5e-6 relative. pandapipes gets 2.9e-4 bar only because its Colebrook iteration stops
#: at a tolerance of 1e-4, which happens to land nearer STANET's value.
_PIPE_1_PC_LAMBDA = pytest.mark.xfail(
    raises=AssertionError, strict=True, reason="STANET's Prandtl-Colebrook λ on pipe_1_PC is 2.8e-5 below the exact "
                        "Colebrook-White root: 4.4e-4 bar at 85.6 bar (5e-6 relative)")
P_ABS_CASES = [pytest.param(c, marks=_PIPE_1_PC_LAMBDA) if c == "pipe_1_PC" else c
               for c in NO_PUMP_CASES]

# Measured with linepack vs STANET (pandapipes 0.16.0 data): max |Δp| [bar] / max |Δv| [m/s]
#   parallel_N    6.7e-05 / 4.8e-04    parallel_PC   1.1e-03 / 7.2e-03  (*)
#   delta_PC      2.8e-07 / 2.1e-05    square_N      9.6e-05 / 8.5e-05
#   square_PC     2.3e-04 / 3.4e-03 (*) two_valves_N  1.2e-04 / 6.1e-04
#   two_valves_PC 1.5e-04 / 6.7e-04    pipe_1_N      6.7e-06 / 5.4e-05
#   pipe_1_PC     4.4e-04 / 1.9e-05 (†) pipe_2_N      3.8e-05 / 1.2e-04
#   pipe_2_PC     5.7e-05 / 1.6e-04    two_pipes_N   3.4e-05 / 1.6e-05
#   two_pipes_PC  4.1e-04 / 1.9e-05 (*) t_cross1_N    2.5e-05 / 4.1e-05
#   t_cross1_PC   1.3e-04 / 4.1e-05    t_cross2_N    3.2e-05 / 9.0e-06
#   t_cross2_PC   6.3e-05 / 9.5e-06    H_net_N       5.3e-05 / 8.5e-05
#   H_net_PC      3.0e-05 / 7.7e-05
# Every _N case equals pandapipes' "nikuradse" solution to ≤ 1e-6 bar.
# (*) pipes at Re 560–4000, where linepack's "colebrook-white" uses 64/Re up to Re 2320
#     and a cubic blend up to 4000. STANET behaves like λ = max(64/Re, λ_CW) with no
#     blend: with that law linepack gives parallel_PC 5.2e-05 / 1.1e-03,
#     square_PC 8.1e-05 / 3.3e-04 and two_pipes_PC 3.9e-05 / 1.7e-05.
# (†) see _PIPE_1_PC_LAMBDA.


def _friction(case: str):
    """The linepack friction law matching the STANET calculation method of ``case``.

    STANET's "Prandtl-Colebrook" takes the larger of 64/Re and Colebrook-White with no
    transition blend ("colebrook-white-stanet"); linepack's default "colebrook-white" blends
    smoothly from Re 2320 to 4000.
    """
    return "nikuradse-stanet" if case.endswith("_N") else "colebrook-white-stanet"


def _load(case: str):
    """Load a STANET case with pandapipes (its loaders log a notice per call)."""
    loader, method = CASES[case]
    logging.getLogger("pandapipes").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fn = getattr(sgn, loader)
        return fn() if method is None else fn(method=method)


@functools.lru_cache(maxsize=None)
def _solve(case: str):
    """(pandapipes net, linepack case, linepack result) for a case without pumps (cached;
    the tests only read them)."""
    import linepack

    net = _load(case)
    lp = from_pandapipes(net)
    result = linepack.simulate(lp.network, lp.scenario, lp.controls, friction=_friction(case),
                               **lp.options)
    return net, lp, result


def _node_ids(lp, junctions) -> list[str]:
    """The linepack node ids of pandapipes junction indices (their names where unique)."""
    ids = lp.network.meta["junction_ids"]
    return [ids[int(j)] for j in junctions]


def _gauge_bar(result, net, lp) -> np.ndarray:
    """linepack's absolute node pressures as pandapipes/STANET gauge pressures [bar].

    pandapipes (and the STANET export it carries) measures pressure against an ambient
    pressure that falls with height: p_abs = p_gauge + 1.01325·(1 − 0.0065·h/288.15)^5.255
    bar, see :func:`linepack.io.pandapipes.pandapipes_ambient_pressure`.
    """
    ids = _node_ids(lp, net.junction.index)
    p_abs_bar = result.nodes.loc[ids, "p_bar"].to_numpy(dtype=float)
    return p_abs_bar - pandapipes_ambient_pressure(net.junction["height_m"].to_numpy()) / BAR


def _mean_velocity(result, lp, net) -> np.ndarray:
    """Mean gas velocity of every pandapipes pipe from linepack's mass flow [m/s].

    ``v = ṁ / (ρ(p_m) · A)`` with the mean pressure of an isothermal pipe
    ``p_m = 2/3 · (p1³ − p2³) / (p1² − p2²)`` and the pandapipes density
    ``ρ(p) = ρn · (p / pn) · (Tn / T) / Z(p)`` (Z of the case's fluid), the definition of
    pandapipes' ``v_mean_m_per_s`` (``pf/result_extraction.py``). Signed along the pipe.
    """
    ids = [f"pipe_{i}" for i in net.pipe.index]
    edges = result.edges.loc[ids]
    m = edges["m_kg_s"].to_numpy(dtype=float)
    p1 = result.nodes.loc[lp.network.connections.loc[ids, "from_node"], "p_bar"].to_numpy(float)
    p2 = result.nodes.loc[lp.network.connections.loc[ids, "to_node"], "p_bar"].to_numpy(float)
    same = np.isclose(p1, p2, rtol=0.0, atol=1e-12)
    p2s = np.where(same, p2 + 1.0, p2)        # avoid 0/0; replaced below
    pm = np.where(same, p1, 2.0 / 3.0 * (p1 ** 3 - p2s ** 3) / (p1 ** 2 - p2s ** 2))
    z = np.asarray(net.fluid.get_compressibility(pm), dtype=float)
    rho_n = lp.network.gas["normal_density"]
    rho = rho_n * (pm * BAR / P_NORMAL) * (T_NORMAL / lp.scenario.temperature) / z
    area = np.pi * net.pipe["inner_diameter_mm"].to_numpy(dtype=float) ** 2 / 4e6
    return m / (rho * area)


@pytest.mark.parametrize("case", NO_PUMP_CASES)
def test_converter_keeps_elements_boundaries_and_fluid(case):
    """from_pandapipes keeps every junction, pipe, valve, fixed pressure and demand."""
    net = _load(case)
    lp = from_pandapipes(net)
    count = lp.network.count()
    assert len(lp.network.nodes) == len(net.junction)
    assert count["pipe"] == len(net.pipe)
    assert count["valve"] == len(net.valve)
    eg = net.ext_grid
    p_fixed = lp.scenario.nodes["p_fixed_pa"]
    assert set(p_fixed.dropna().index) == set(_node_ids(lp, eg.junction))
    h = net.junction.loc[eg.junction, "height_m"].to_numpy()
    expected = eg.p_bar.to_numpy() * BAR + pandapipes_ambient_pressure(h)
    np.testing.assert_allclose(p_fixed[_node_ids(lp, eg.junction)], expected, rtol=0, atol=1e-6)
    demand = (net.sink.mdot_kg_per_s * net.sink.scaling).sum() - (
        net.source.mdot_kg_per_s * net.source.scaling).sum()
    assert lp.scenario.nodes["inflow_kg_s"].sum() == pytest.approx(-demand, abs=1e-12)
    assert lp.scenario.temperature == pytest.approx(net.junction.tfluid_k.mean(), abs=1e-9)
    assert set(lp.options) == {"eos", "viscosity", "gas"}
    assert lp.network.gas["normal_density"] == pytest.approx(0.84)
    closed = {f"valve_{i}" for i in net.valve.index[~net.valve.opened.astype(bool)]}
    modes = lp.controls.table["mode"]
    assert {i for i in modes.index if modes[i] == "closed"} == closed


@pytest.mark.parametrize("case", PUMP_CASES)
def test_pump_cases_raise_a_clear_input_error(case):
    """Cases with pandapipes pumps are rejected with a message naming the pump."""
    net = _load(case)
    with pytest.raises(InputError, match=r"pump '0'.*: pandapipes pumps are not supported"):
        from_pandapipes(net)


@pytest.mark.parametrize("case", P_ABS_CASES)
def test_pressure_matches_stanet(case):
    """Junction pressures agree with STANET within 3e-4 bar (gauge, as STANET reports)."""
    net, lp, result = _solve(case)
    ref = net.junction["p_stanet"].to_numpy(dtype=float)
    has_ref = np.isfinite(ref)         # auxiliary junctions of STANET valves have no value
    dp = np.abs(_gauge_bar(result, net, lp) - ref)[has_ref]
    assert dp.max() <= P_TOL_BAR, f"{case}: max |Δp| = {dp.max():.2e} bar"


@pytest.mark.parametrize("case", NO_PUMP_CASES)
def test_pressure_matches_stanet_relative(case):
    """Junction gauge pressures agree with STANET within 1e-4 relative."""
    net, lp, result = _solve(case)
    ref = net.junction["p_stanet"].to_numpy(dtype=float)
    has_ref = np.isfinite(ref)
    rel = np.abs(_gauge_bar(result, net, lp)[has_ref] / ref[has_ref] - 1.0)
    assert rel.max() <= P_REL_TOL, f"{case}: max |1 - p/p_stanet| = {rel.max():.2e}"


@pytest.mark.parametrize("case", NO_PUMP_CASES)
def test_pipe_velocity_matches_stanet(case):
    """Mean pipe velocities agree with STANET within 2e-3 m/s."""
    net, lp, result = _solve(case)
    ref = net.pipe["v_stanet"].to_numpy(dtype=float)
    has_ref = np.isfinite(ref)
    dv = np.abs(_mean_velocity(result, lp, net) - ref)[has_ref]
    assert dv.max() <= V_TOL_M_S, f"{case}: max |Δv| = {dv.max():.2e} m/s"
