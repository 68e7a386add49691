"""The web viewer's server: one case in memory, a what-if solved per request.

:func:`create_app` builds a FastAPI application over a :class:`~linepack.Case`:

* ``GET /`` the page; ``GET /static/...`` its script and style, and plotly.js read
  from the installed plotly package (nothing is fetched from the internet);
* ``GET /api/case`` the drawing (node positions, connections, the pressure-profile
  route), the controls with their base values and ranges, and the base solution;
* ``POST /api/whatif`` changes to the base scenario and controls, solved with
  :func:`linepack.simulate`; the answer holds the key figures, every node's
  pressure, every connection's flow and the pressure profile.

A what-if body (JSON; every part optional)::

    {"demands_mcm_d": {"shymkent_akbulak": 15.0},     # exits' offtake, mcm/d (0 °C), ≥ 0
     "entry_p_bar":   {"beineu_bbs": 92.0},           # held entry pressures, bar (absolute), > 0
     "setpoints_bar": {"cs_bozoi": 90.0}}             # stations'/regulators' outlet set points, bar (abs.)

Bad values (an unknown id, a negative demand, a pressure that is not a finite
positive number, an unknown key, a body that is not JSON) get a 422 whose
``detail`` names the field; a case that has no steady state is not an error of
the request: the answer says ``status: "infeasible"`` (or ``"not converged"``)
with the solver's message. The server never sends a traceback.
"""

from __future__ import annotations

import math
import time
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd

from linepack.errors import Infeasible, InputError, LinepackError, NotConverged, did_you_mean
from linepack.network.case import Case
from linepack.units import BAR, kg_s_to_mcm_per_day, mcm_per_day_to_kg_s

try:
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
    from pydantic import BaseModel, ConfigDict, Field
except ImportError:  # pragma: no cover - exercised where the extra is absent
    raise LinepackError('the viewer needs the optional extra \'web\' (FastAPI, uvicorn): '
                        'pip install -e ".[web]"') from None

__all__ = ["create_app", "serve", "WhatIf", "Viewer"]

_STATIC = ("index.html", "viewer.js", "viewer.css")


def _plotly_js() -> Path:
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():  # pragma: no cover - a plotly without its bundled script
        raise LinepackError("the viewer needs plotly's bundled plotly.min.js (pip install -e \".[web]\")")
    return path


class Viewer:
    """The case, its base scenario and controls, and the what-if solve (no web code here)."""

    def __init__(self, case: Case, route: list[str] | None = None):
        from linepack.report.summary import default_route, route_profile

        if not isinstance(case, Case):
            raise InputError(f"the viewer needs a linepack Case (got {type(case).__name__})")
        if case.scenario is None:
            raise InputError("the viewer needs a case with a scenario (boundary conditions)")
        self.case = case
        self.net = case.network
        self.scn = case.scenario
        self.ctl = case.controls
        from linepack.physics.gas import DEFAULT_GAS, Gas

        # the normal density simulate uses: the scenario's or network's gas, else its default gas
        bulk = self.scn.gas or self.net.gas
        self.rho = float((Gas.from_bulk(bulk) if bulk else DEFAULT_GAS).normal_density)
        nodes = self.scn.nodes
        inflow = nodes["inflow_kg_s"] if "inflow_kg_s" in nodes else pd.Series(dtype=float)
        held = nodes["p_fixed_pa"] if "p_fixed_pa" in nodes else pd.Series(dtype=float)
        kinds = self.net.nodes["kind"]
        self.exits = [n for n in nodes.index if inflow.get(n, np.nan) < 0 and kinds.get(n) != "source"]
        self.entries = [n for n in nodes.index if np.isfinite(held.get(n, np.nan))]
        self.stations: list[str] = []
        if self.ctl is not None:
            t = self.ctl.table
            self.stations = [c for c in t.index if t.at[c, "mode"] == "active" and t.at[c, "setpoint"] == "p_out"
                             and np.isfinite(t.at[c, "value"])]
        self.profile = None
        self.base = self._solve(self.scn, self.ctl)
        res = self._last   # None when the base case has no solution: the page shows why
        if res is not None:
            route = route or self.net.meta.get("transit_route") or default_route(self.net, res)
        if res is not None and route:
            self.profile = route_profile(self.net, res, route)
            self.base["profile_p_bar"] = _floats(res.nodes["p_bar"].reindex(self.profile["node"]))

    # -- the drawing and the controls ---------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        nodes = self.net.nodes
        use_geo = {"lon", "lat"} <= set(nodes.columns) and nodes[["lon", "lat"]].notna().all(axis=1).any()
        x = nodes["lon" if use_geo else "x"] if ("lon" if use_geo else "x") in nodes else None
        y = nodes["lat" if use_geo else "y"] if ("lat" if use_geo else "y") in nodes else None
        pos = {}
        if x is not None and y is not None:
            pos = {str(n): [float(a), float(b)] for n, a, b in zip(nodes.index, x, y)
                   if np.isfinite(a) and np.isfinite(b)}
        conns = self.net.connections
        edges = [{"id": str(c), "kind": str(k), "from": str(u), "to": str(v)}
                 for c, k, u, v in zip(conns.index, conns["kind"], conns["from_node"], conns["to_node"])]
        inflow = self.scn.nodes["inflow_kg_s"]
        held = self.scn.nodes["p_fixed_pa"]
        controls = {
            "demands_mcm_d": [self._control(n, float(kg_s_to_mcm_per_day(-inflow[n], self.rho)), 0.0, None, 0.1)
                              for n in self.exits],
            "entry_p_bar": [self._control(n, float(held[n] / BAR), None, None, 0.5) for n in self.entries],
            "setpoints_bar": [self._control(c, float(self.ctl.table.at[c, "value"] / BAR), None, None, 0.5)
                              for c in self.stations],
        }
        prof = None
        if self.profile is not None:
            prof = {"node": list(self.profile["node"]), "distance_km": _floats(self.profile["distance_km"]),
                    "p_min_bar": _floats(self.profile["p_min_bar"]),
                    "p_max_bar": _floats(self.profile["p_max_bar"]),
                    "via_kind": list(self.profile["via_kind"].fillna(""))}
        return {"name": self.net.name, "scenario": self.case.scenario_name, "geo": bool(use_geo),
                "positions": pos, "kinds": {str(n): str(k) for n, k in nodes["kind"].items()},
                "edges": edges, "controls": controls, "profile": prof, "base": self.base}

    def _control(self, eid: str, value: float, lo: float | None, hi: float | None, step: float) -> dict[str, Any]:
        """A slider: demands from 0 to twice the base (at least base + 10), pressures ±30 %/+20 %."""
        if lo == 0.0:
            bottom, top = 0.0, max(2.0 * value, value + 10.0)
        else:
            bottom, top = 0.7 * value, 1.2 * value
        return {"id": str(eid), "value": value, "min": round(bottom, 1), "max": round(top, 1), "step": step}

    # -- a what-if -----------------------------------------------------------------------------
    def what_if(self, demands: dict[str, float], entries: dict[str, float],
                setpoints: dict[str, float]) -> dict[str, Any]:
        """Solve the base case with the changes; raises InputError naming the field of a bad one."""
        self._check("demands_mcm_d", demands, self.exits, "an exit", lo=0.0, lo_ok=True)
        self._check("entry_p_bar", entries, self.entries, "an entry with a held pressure", lo=0.0)
        self._check("setpoints_bar", setpoints, self.stations,
                    "a station or regulator with an outlet set point", lo=0.0)
        nodes = self.scn.nodes.copy()
        for n, q in demands.items():
            nodes.at[n, "inflow_kg_s"] = -mcm_per_day_to_kg_s(q, self.rho)
        for n, p in entries.items():
            nodes.at[n, "p_fixed_pa"] = p * BAR
        scn = self.scn.evolve(nodes=nodes)
        ctl = self.ctl
        if setpoints:
            t = self.ctl.table.copy()
            for c, p in setpoints.items():
                t.at[c, "value"] = p * BAR
            ctl = type(self.ctl)(t)
        return self._solve(scn, ctl)

    def _check(self, field: str, values: dict[str, float], allowed: list[str], what: str, lo: float,
               lo_ok: bool = False) -> None:
        for k, v in values.items():
            if k not in allowed:
                raise InputError(f"{field}['{k}']: '{k}' is not {what} of this case{did_you_mean(k, allowed)}")
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) \
                    or (v < lo if lo_ok else v <= lo):
                raise InputError(f"{field}['{k}']: must be a finite number {'≥' if lo_ok else '>'} {lo:g} "
                                 f"(got {v!r})")

    def _solve(self, scn, ctl) -> dict[str, Any]:
        from linepack.problems.steady import simulate

        t0 = time.perf_counter()
        self._last = None
        try:
            res = simulate(self.net, scn, ctl, **self.case.options)
        except (Infeasible, NotConverged) as exc:
            status = "infeasible" if isinstance(exc, Infeasible) else "not converged"
            return {"status": status, "error": str(exc), "solve_ms": 1e3 * (time.perf_counter() - t0)}
        self._last = res
        nodes, edges = res.nodes, res.edges
        p = nodes["p_bar"]
        margin = nodes["margin_bar"].to_numpy(dtype=float)
        viol = nodes["violation_bar"].to_numpy(dtype=float)
        inflow = nodes["inflow_mcm_d"].to_numpy(dtype=float)
        ok = np.isfinite(margin)
        i = int(np.argmin(np.where(ok, margin, np.inf))) if ok.any() else None
        out = {
            "status": str(res.status), "iterations": int(res.iterations),
            "delivered_mcm_d": float(-inflow[inflow < 0].sum()),
            "entries_mcm_d": float(inflow[inflow > 0].sum()),
            "min_margin_bar": float(margin[i]) if i is not None else None,
            "min_margin_node": str(nodes.index[i]) if i is not None else None,
            "p_min_bar": float(p.min()), "p_max_bar": float(p.max()),
            "linepack_mcm": float(res.linepack_mcm),
            "n_violations": int(np.count_nonzero(viol > 1e-6)),
            "p_bar": {str(k): float(v) for k, v in p.items()},
            "flow_mcm_d": {str(k): float(v) for k, v in edges["q_mcm_d"].items()} if "q_mcm_d" in edges else {},
            "error": None,
        }
        prof = self.profile
        if prof is not None:
            out["profile_p_bar"] = _floats(p.reindex(prof["node"]))
        out["solve_ms"] = 1e3 * (time.perf_counter() - t0)
        return out


def _floats(s: Any) -> list[float | None]:
    return [float(v) if v is not None and math.isfinite(float(v)) else None for v in s]


# -- the web application ---------------------------------------------------------------------

Num = Annotated[float, Field(allow_inf_nan=False)]


class WhatIf(BaseModel):
    """A what-if: changes to the base case (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")
    demands_mcm_d: dict[str, Num] = Field(default_factory=dict)
    entry_p_bar: dict[str, Num] = Field(default_factory=dict)
    setpoints_bar: dict[str, Num] = Field(default_factory=dict)


def create_app(case: Case, *, route: list[str] | None = None):
    """The FastAPI application of the viewer over ``case`` (its selected scenario and controls).

    Needs the optional extra ``web`` (``pip install -e ".[web]"``).
    """
    viewer = Viewer(case, route)
    app = FastAPI(title="linepack viewer", docs_url=None, redoc_url=None, openapi_url=None)
    static = resources.files("linepack") / "web" / "static"
    described = viewer.describe()

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError):
        msgs = []
        for e in exc.errors():
            loc = [str(x) for x in e.get("loc", ()) if x != "body"]
            field = loc[0] + "".join(f"['{x}']" for x in loc[1:]) if loc else "body"
            msgs.append(f"{field}: {e.get('msg', 'invalid')}")
        return JSONResponse({"detail": "; ".join(msgs) or "invalid request"}, status_code=422)

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError):
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):  # never a traceback to the client
        return JSONResponse({"detail": f"internal error ({type(exc).__name__}); see the server log"},
                            status_code=500)

    @app.get("/", response_class=HTMLResponse)
    def index() -> Any:
        return HTMLResponse((static / "index.html").read_text(encoding="utf-8"))

    @app.get("/static/plotly.min.js")
    def plotly_js() -> Any:
        return FileResponse(_plotly_js(), media_type="text/javascript")

    @app.get("/static/{name}")
    def asset(name: str) -> Any:
        if name not in _STATIC:
            return JSONResponse({"detail": f"no static file '{name}'"}, status_code=404)
        media = {"js": "text/javascript", "css": "text/css", "html": "text/html"}[name.rsplit(".", 1)[1]]
        return HTMLResponse((static / name).read_text(encoding="utf-8"), media_type=media)

    @app.get("/api/case")
    def api_case() -> Any:
        return described

    @app.post("/api/whatif")
    def api_whatif(body: WhatIf) -> Any:
        return viewer.what_if(body.demands_mcm_d, body.entry_p_bar, body.setpoints_bar)

    app.state.viewer = viewer
    return app


def serve(case: Case, *, host: str = "127.0.0.1", port: int = 8050, route: list[str] | None = None,
          log_level: str = "warning") -> None:
    """Run the viewer with uvicorn until interrupted (bound to ``host``, by default this machine only)."""
    try:
        import uvicorn
    except ImportError:
        raise LinepackError('the viewer needs the optional extra \'web\': pip install -e ".[web]"') from None
    uvicorn.run(create_app(case, route=route), host=host, port=port, log_level=log_level)
