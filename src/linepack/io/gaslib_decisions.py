"""GasLib combined decisions (``.cdf``): the allowed joint states of valves, regulators and stations.

A ``.cdf`` file lists decision groups; exactly one decision per group is taken,
and each decision fixes the state of some valves, control valves and compressor
stations (GasLib-582 and -4197; format in shared/reference/gaslib-format.md §6).
This module only translates the file into plain records; choosing a decision
is the problems room's job (:mod:`linepack.problems.decisions`).

Mapping of an element's attributes to a linepack control mode:

* ``valve``: ``value="1"`` → ``open``, ``"0"`` → ``closed``;
* ``controlValve``: ``value="0"`` → ``closed``; ``value="1"`` with ``mode="bypass"``
  → ``bypass``, otherwise ``active``;
* ``compressorStation``: ``value="1"`` → ``active``, ``"0"`` → ``closed`` (where
  GasLib lets gas pass a station that is off it does so through a separate
  bypass valve in the same decision).

``flowDirection`` is kept in the record but not used (stations and regulators
in linepack flow from → to when active).
"""

from __future__ import annotations

from os import PathLike

from linepack.errors import InputError
from linepack.io import _gaslib_map as gm
from linepack.io.gaslib import _Doc, _local_in, _open, _stream_xml

__all__ = ["read_gaslib_decisions", "parse_gaslib_decisions"]

_KINDS = ("valve", "controlValve", "compressorStation")


def parse_gaslib_decisions(text: str | bytes, name: str = "<cdf>") -> list[dict]:
    """Parse a ``.cdf`` file's content.

    Returns
    -------
    list of dict
        One record per decision group: ``{"id": group id, "decisions": [{"id": …,
        "controls": {element id: mode}, "elements": [{"kind", "id", "value",
        "flowDirection", "mode"}]}]}``.
    """
    doc = _Doc(name)
    ns = gm.NS_CDF
    groups: list[dict] = []

    def group(_containers, g) -> None:
        if _local_in(g, ns) != "decisionGroup":
            return
        gid = g.get("id")
        if not gid:
            raise doc.error("a decisionGroup has no id", g)
        decisions = []
        for d in g:
            if _local_in(d, ns) != "decision":
                continue
            did = d.get("id") or f"{gid}#{len(decisions) + 1}"
            elements, controls = [], {}
            for e in d:
                kind = _local_in(e, ns)
                if kind not in _KINDS:
                    continue
                eid, value = e.get("id"), e.get("value")
                if not eid or value not in ("0", "1"):
                    raise doc.error(f"decision '{did}' of group '{gid}': {kind} needs an id and "
                                    f"value 0 or 1 (got id={eid!r}, value={value!r})", e)
                mode = e.get("mode")
                if kind == "valve":
                    ctl = "open" if value == "1" else "closed"
                elif kind == "controlValve":
                    ctl = "closed" if value == "0" else ("bypass" if mode == "bypass" else "active")
                else:
                    ctl = "active" if value == "1" else "closed"
                elements.append({"kind": kind, "id": eid, "value": int(value),
                                 "flowDirection": e.get("flowDirection"), "mode": mode})
                controls[eid] = ctl
            decisions.append({"id": did, "controls": controls, "elements": elements})
        if not decisions:
            raise doc.error(f"decision group '{gid}' has no decision", g)
        groups.append({"id": gid, "decisions": decisions})

    _stream_xml(text, doc, "cdf", 2, group)
    return groups


def read_gaslib_decisions(path: str | PathLike) -> list[dict]:
    """Read a ``.cdf`` file; see :func:`parse_gaslib_decisions`."""
    if path is None:
        raise InputError("no .cdf path given")
    with _open(path) as fh:
        return parse_gaslib_decisions(fh, str(path))
