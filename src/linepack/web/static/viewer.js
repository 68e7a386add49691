// linepack viewer: draws the case, sends what-ifs to the server, redraws with the answer.
"use strict";

const state = { info: null, inFlight: false, pending: false, version: 0, timings: [], split: [] };
window.linepackTimings = state.timings;   // what-if round trips [ms]: request, solve, redraw
window.linepackSplit = state.split;       // [answer received, redrawn] [ms] of each


function fmt(x, digits, unit) {
  if (x === null || x === undefined || !isFinite(x)) return "–";
  return x.toFixed(digits) + (unit ? " " + unit : "");
}

function kpi(label, value, detail, cls) {
  return `<div class="kpi ${cls || ""}" data-kpi="${label}"><div class="label">${label}</div>` +
         `<div class="value">${value}</div><div class="detail">${detail || ""}</div></div>`;
}

function showFigures(res) {
  const k = document.getElementById("kpis");
  const msg = document.getElementById("message");
  if (res.error) {
    k.innerHTML = kpi("status", res.status, "", "bad");
    msg.textContent = res.error;
  } else {
    msg.textContent = "";
    k.innerHTML = [
      kpi("status", res.status, `${res.iterations} Newton iterations, ${fmt(res.solve_ms, 0, "ms")} on the server`,
          res.n_violations ? "bad" : "good"),
      kpi("delivered to exits", fmt(res.delivered_mcm_d, 2, "mcm/d"), "0 °C, 1.01325 bar"),
      kpi("lowest pressure margin", fmt(res.min_margin_bar, 2, "bar"), `above p_min at ${res.min_margin_node || "–"}`,
          res.min_margin_bar !== null && res.min_margin_bar < 0 ? "bad" : ""),
      kpi("pressure range", `${fmt(res.p_min_bar, 1)} – ${fmt(res.p_max_bar, 1, "bar")}`, "absolute"),
      kpi("linepack", fmt(res.linepack_mcm, 1, "million m³"), "gas in the pipes"),
      kpi("limit violations", String(res.n_violations), "nodes outside their pressure bounds",
          res.n_violations ? "bad" : "good"),
    ].join("");
  }
  state.version += 1;
  k.dataset.version = String(state.version);
}

function mapTraces(info, res) {
  const pos = info.positions;
  const lx = [], ly = [], sx = [], sy = [], st = [];
  for (const e of info.edges) {
    const a = pos[e.from], b = pos[e.to];
    if (!a || !b) continue;
    lx.push(a[0], b[0], null); ly.push(a[1], b[1], null);
    if (e.kind === "compressorStation" || e.kind === "controlValve") {
      const q = res.flow_mcm_d ? res.flow_mcm_d[e.id] : null;
      sx.push((a[0] + b[0]) / 2); sy.push((a[1] + b[1]) / 2);
      st.push(`${e.kind} ${e.id}<br>flow ${fmt(q, 2, "mcm/d")}`);
    }
  }
  const ids = Object.keys(pos);
  const p = ids.map(n => (res.p_bar ? res.p_bar[n] : null));
  return [
    { x: lx, y: ly, mode: "lines", line: { color: "#9aa5b1", width: 2 }, hoverinfo: "skip", name: "connections" },
    { x: ids.map(n => pos[n][0]), y: ids.map(n => pos[n][1]), mode: "markers", name: "nodes",
      text: ids.map((n, i) => `${info.kinds[n]} ${n}<br>p ${fmt(p[i], 2, "bar")}`), hovertemplate: "%{text}<extra></extra>",
      marker: { size: 10, color: p, colorscale: "Viridis", cmin: state.cmin ?? res.p_min_bar, cmax: state.cmax ?? res.p_max_bar,
                colorbar: { title: { text: "bar" }, thickness: 12 }, line: { color: "#1d2733", width: 0.5 } } },
    { x: sx, y: sy, mode: "markers", name: "stations", text: st, hovertemplate: "%{text}<extra></extra>",
      marker: { symbol: "triangle-up", size: 12, color: "#d62728", line: { color: "#1d2733", width: 1 } } },
  ];
}

function profileTraces(info, res) {
  const pr = info.profile;
  if (!pr) return [];
  return [
    { x: pr.distance_km, y: pr.p_max_bar, mode: "lines", name: "p_max", line: { color: "#b42318", dash: "dash", width: 1.5 } },
    { x: pr.distance_km, y: pr.p_min_bar, mode: "lines", name: "p_min", line: { color: "#b42318", dash: "dash", width: 1.5 } },
    { x: pr.distance_km, y: res.profile_p_bar || [], mode: "lines+markers", name: "pressure",
      text: pr.node, hovertemplate: "%{text}<br>%{x:.0f} km, %{y:.2f} bar<extra></extra>",
      line: { color: "#1f4e79", width: 2.5 }, marker: { size: 6 } },
  ];
}

const mapLayout = (info) => ({
  margin: { l: 40, r: 10, t: 30, b: 30 }, showlegend: false, hovermode: "closest",
  title: { text: info.geo ? "network (longitude / latitude)" : "network", font: { size: 14 } },
  xaxis: { zeroline: false, gridcolor: "#eef1f5" },
  yaxis: { zeroline: false, gridcolor: "#eef1f5", scaleanchor: info.geo ? "x" : undefined },
});
const profileLayout = (info) => ({
  margin: { l: 55, r: 10, t: 30, b: 45 }, hovermode: "closest",
  title: { text: info.profile ? `pressure from ${info.profile.node[0]} to ${info.profile.node[info.profile.node.length - 1]}` : "no profile route", font: { size: 14 } },
  xaxis: { title: { text: "distance [km]" }, gridcolor: "#eef1f5" },
  yaxis: { title: { text: "pressure [bar, absolute]" }, gridcolor: "#eef1f5" },
  legend: { orientation: "h", y: -0.2 },
});

async function redraw(res) {
  showFigures(res);
  if (res.error) return;
  const info = state.info;
  if (!state.drawn) {
    // the colour scale stays at the base case's pressure range, so colours compare between what-ifs
    state.cmin = res.p_min_bar; state.cmax = res.p_max_bar;
    await Promise.all([
      Plotly.newPlot("map", mapTraces(info, res), mapLayout(info), { responsive: true, displaylogo: false }),
      Plotly.newPlot("profile", profileTraces(info, res), profileLayout(info), { responsive: true, displaylogo: false }),
    ]);
    state.drawn = true;
    return;
  }
  // a what-if changes values only: restyle the traces that carry them (cheaper than a new plot)
  const fresh = mapTraces(info, res);
  await Promise.all([
    Plotly.restyle("map", { "marker.color": [fresh[1].marker.color, fresh[2].marker.color],
                            text: [fresh[1].text, fresh[2].text] }, [1, 2]),
    info.profile ? Plotly.restyle("profile", { y: [res.profile_p_bar] }, [2]) : null,
  ]);
}

function currentBody() {
  const body = { demands_mcm_d: {}, entry_p_bar: {}, setpoints_bar: {} };
  for (const el of document.querySelectorAll("input[data-field]")) {
    const v = parseFloat(el.value);
    if (v !== parseFloat(el.dataset.base)) body[el.dataset.field][el.dataset.id] = v;
  }
  return body;
}

async function send() {
  if (state.inFlight) { state.pending = true; return; }
  state.inFlight = true;
  const t0 = performance.now();
  try {
    const r = await fetch("/api/whatif", { method: "POST", headers: { "Content-Type": "application/json" },
                                           body: JSON.stringify(currentBody()) });
    const res = await r.json();
    const tAnswer = performance.now() - t0;
    if (!r.ok) {
      document.getElementById("message").textContent = `request refused (${r.status}): ${res.detail}`;
    } else {
      await redraw(res);
      const ms = performance.now() - t0;
      state.timings.push(ms);
      state.split.push([tAnswer, ms]);
      document.getElementById("roundtrip").textContent = `${ms.toFixed(0)} ms (what-if: request, solve, redraw)`;
    }
  } catch (err) {
    document.getElementById("message").textContent = `the server did not answer: ${err}`;
  } finally {
    state.inFlight = false;
    if (state.pending) { state.pending = false; send(); }
  }
}

function buildControls(info) {
  const groups = [["demands_mcm_d", "Exit demands [mcm/d]"], ["entry_p_bar", "Entry pressures [bar]"],
                  ["setpoints_bar", "Station outlet set points [bar]"]];
  const root = document.getElementById("control-groups");
  root.innerHTML = "";
  for (const [field, title] of groups) {
    const items = info.controls[field] || [];
    if (!items.length) continue;
    const head = document.createElement("div");
    head.className = "group-title"; head.textContent = title;
    root.appendChild(head);
    for (const c of items) {
      const wrap = document.createElement("div");
      wrap.className = "control";
      const id = `${field}--${c.id}`;
      wrap.innerHTML = `<label for="${id}"><span>${c.id}</span><output id="${id}-out">${c.value.toFixed(2)}</output></label>` +
        `<input type="range" id="${id}" data-field="${field}" data-id="${c.id}" data-base="${c.value}"` +
        ` min="${c.min}" max="${c.max}" step="${c.step}" value="${c.value}">`;
      root.appendChild(wrap);
      const input = wrap.querySelector("input");
      input.value = String(c.value);
      input.dataset.base = input.value;
      input.addEventListener("input", () => {
        wrap.querySelector("output").textContent = parseFloat(input.value).toFixed(2);
        send();
      });
    }
  }
  document.getElementById("reset").onclick = () => {
    for (const el of document.querySelectorAll("input[data-field]")) {
      el.value = el.dataset.base;
      document.getElementById(`${el.id}-out`).textContent = parseFloat(el.value).toFixed(2);
    }
    send();
  };
}

async function start() {
  const r = await fetch("/api/case");
  const info = await r.json();
  state.info = info;
  document.getElementById("title").textContent = info.name || "linepack viewer";
  document.getElementById("subtitle").textContent =
    `scenario ${info.scenario} · ${Object.keys(info.kinds).length} nodes, ${info.edges.length} connections`;
  buildControls(info);
  await redraw(info.base);
  document.body.dataset.ready = "1";
}

start();
