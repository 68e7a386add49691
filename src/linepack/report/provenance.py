"""Where the figures of a case come from: labelled assumptions, cited fact rows, confidence.

A native case may carry, per element and field, a provenance text
(``network.meta["provenance"][element id][field]``, per scenario entry
``scenario.meta["provenance"][node id]``) that names the fact rows it rests on as
``[SOURCE_KEY] (confidence)`` and the labelled assumptions as ``A_NAME``; the assumptions
themselves are listed in ``network.meta["assumptions"]`` (``id``, ``text``, ``value``,
``reason``) and the source keys in ``network.meta["references"]``. This module only reads
those texts (no solver, no plotting): the HTML report shows the labels beside each figure
and lists every assumption and source with what rests on it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

__all__ = ["CONFIDENCE_ORDER", "provenance_labels", "cell_marker", "element_provenance",
           "assumption_table", "source_table"]

#: Confidence words of the fact rows, weakest first.
CONFIDENCE_ORDER = ("low", "medium", "high")

_ASSUMPTION = re.compile(r"\bA_[A-Z0-9]+(?:_[A-Z0-9]+)*\b")
_SOURCE = re.compile(r"\[([A-Z][A-Z0-9_]*)\](?:\s*\((low|medium|high)\))?")


def provenance_labels(text: Any) -> dict[str, Any]:
    """The labels a provenance text names.

    Returns
    -------
    dict
        ``assumptions``: the ``A_*`` ids in order of appearance (no repeats); ``sources``:
        ``(key, confidence or "")`` pairs; ``weakest``: the lowest confidence named
        (``"low"``, ``"medium"``, ``"high"`` or ``""`` when none is).
    """
    text = "" if text is None else str(text)
    assumptions = list(dict.fromkeys(_ASSUMPTION.findall(text)))
    sources = list(dict.fromkeys((k, c or "") for k, c in _SOURCE.findall(text)))
    named = [c for _, c in sources if c]
    weakest = min(named, key=CONFIDENCE_ORDER.index) if named else ""
    return {"assumptions": assumptions, "sources": sources, "weakest": weakest}


def cell_marker(texts: Iterable[Any]) -> str:
    """A short marker of one figure's provenance texts: ``"A"`` when it rests on a labelled
    assumption, else the initial of the weakest fact-row confidence (``"L"``, ``"M"``,
    ``"H"``), else ``""``. An assumption and a fact row: ``"A·L"`` etc."""
    assumed, weakest = False, ""
    for t in texts:
        lab = provenance_labels(t)
        assumed |= bool(lab["assumptions"])
        w = lab["weakest"]
        if w and (not weakest or CONFIDENCE_ORDER.index(w) < CONFIDENCE_ORDER.index(weakest)):
            weakest = w
    parts = (["A"] if assumed else []) + ([weakest[0].upper()] if weakest else [])
    return "·".join(parts)


def _label_text(texts: Iterable[Any]) -> str:
    """Labels of texts, compact: ``A_X, A_Y, KEY (medium)``."""
    a: dict[str, None] = {}
    s: dict[str, None] = {}
    for t in texts:
        lab = provenance_labels(t)
        a.update(dict.fromkeys(lab["assumptions"]))
        s.update(dict.fromkeys(f"{k} ({c})" if c else k for k, c in lab["sources"]))
    return ", ".join(list(a) + list(s))


def element_provenance(network: Any, scenario: Any = None) -> pd.DataFrame:
    """One row per (element, field) with a provenance text.

    Columns: ``element``, ``owner`` (``"network"`` or ``"scenario"``), ``field``, ``text``,
    ``labels`` (the assumption ids and source keys with confidence, comma-separated),
    ``marker`` (:func:`cell_marker`). Scenario entries carry the field ``"scenario"``
    (the boundary value of that node: its inflow or held pressure).
    """
    rows = []
    prov = (getattr(network, "meta", None) or {}).get("provenance") or {}
    for eid, fields in prov.items():
        if isinstance(fields, Mapping):
            items = fields.items()
        else:
            items = [("element", fields)]
        for field, text in items:
            rows.append({"element": str(eid), "owner": "network", "field": str(field),
                         "text": str(text)})
    sprov = ((getattr(scenario, "meta", None) or {}).get("provenance") or {}) if scenario else {}
    for eid, text in sprov.items():
        if isinstance(text, Mapping):
            for field, t in text.items():
                rows.append({"element": str(eid), "owner": "scenario", "field": str(field),
                             "text": str(t)})
        else:
            rows.append({"element": str(eid), "owner": "scenario", "field": "scenario",
                         "text": str(text)})
    df = pd.DataFrame(rows, columns=["element", "owner", "field", "text"])
    df["labels"] = [_label_text([t]) for t in df["text"]]
    df["marker"] = [cell_marker([t]) for t in df["text"]]
    return df


def assumption_table(network: Any, scenario: Any = None) -> pd.DataFrame:
    """The case's labelled assumptions with the value in force and what rests on them.

    Columns: ``id``, ``text``, ``value`` (in force: the applied assumption set's, else the
    case's), ``central`` (the value as written), ``reason``, ``used_by`` (number of element
    fields whose provenance names it), ``elements`` (up to six of them). Empty when the
    case lists none.
    """
    meta = getattr(network, "meta", None) or {}
    listed = meta.get("assumptions") or []
    aset = meta.get("assumption_set")
    overrides = (((meta.get("assumption_sets") or {}).get(aset) or {}).get("assumptions") or {}) \
        if aset else {}
    prov = element_provenance(network, scenario)
    fields: dict[str, int] = {}
    uses: dict[str, list[str]] = {}
    for r in prov.itertuples():
        for aid in provenance_labels(r.text)["assumptions"]:
            fields[aid] = fields.get(aid, 0) + 1
            uses.setdefault(aid, [])
            if r.element not in uses[aid]:
                uses[aid].append(r.element)
    skip = {"assumptions", "provenance", "assumption_sets", "references", "assumption_set"}
    in_meta: dict[str, list[str]] = {}
    for key, blob in meta.items():
        if key in skip or not blob:
            continue
        text = blob if isinstance(blob, str) else json.dumps(blob, ensure_ascii=False, default=str)
        for aid in provenance_labels(text)["assumptions"]:
            in_meta.setdefault(aid, [])
            if f"meta.{key}" not in in_meta[aid]:
                in_meta[aid].append(f"meta.{key}")
    rows = []
    for a in listed:
        if not isinstance(a, Mapping) or "id" not in a:
            continue
        aid = str(a["id"])
        users = uses.get(aid, [])
        shown = ", ".join(users[:6]) + (f" … (+{len(users) - 6})" if len(users) > 6 else "")
        if in_meta.get(aid):
            shown = "; ".join(x for x in (shown, ", ".join(in_meta[aid])) if x)
        rows.append({"id": aid, "text": str(a.get("text", "")),
                     "value": overrides.get(aid, a.get("value", "")),
                     "central": a.get("value", ""), "reason": str(a.get("reason", "")),
                     "used_by": fields.get(aid, 0), "elements": shown})
    return pd.DataFrame(rows, columns=["id", "text", "value", "central", "reason", "used_by",
                                       "elements"])


def source_table(network: Any, scenario: Any = None) -> pd.DataFrame:
    """The cited sources: key, citation, the confidence(s) the fact rows give and how many
    element fields rest on them. Columns: ``key``, ``citation``, ``confidence``,
    ``used_by``."""
    meta = getattr(network, "meta", None) or {}
    refs = meta.get("references") or {}
    conf: dict[str, set[str]] = {}
    uses: dict[str, set[str]] = {}
    texts = list(element_provenance(network, scenario).itertuples())
    extra = [str(v) for v in (meta.get("gas_provenance") or {}).values()]
    for r in texts:
        for k, c in provenance_labels(r.text)["sources"]:
            conf.setdefault(k, set()).update({c} if c else set())
            uses.setdefault(k, set()).add(f"{r.element}.{r.field}")
    for t in extra:
        for k, c in provenance_labels(t)["sources"]:
            conf.setdefault(k, set()).update({c} if c else set())
            uses.setdefault(k, set()).add("gas")
    keys = list(dict.fromkeys(list(refs) + sorted(uses)))
    rows = [{"key": k, "citation": str(refs.get(k, "")),
             "confidence": ", ".join(c for c in CONFIDENCE_ORDER if c in conf.get(k, set())),
             "used_by": len(uses.get(k, ()))} for k in keys]
    return pd.DataFrame(rows, columns=["key", "citation", "confidence", "used_by"])
