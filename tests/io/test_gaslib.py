"""GasLib XML import: the seven instances, unit conversions, hostile and broken XML.

The data are the original GasLib files (CC BY 3.0; Schmidt et al. 2017, Data 2(4):40;
Pfetsch et al. 2015), shipped in tests/data/gaslib (CC BY 3.0; see its README).
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import numpy as np
import pytest

from linepack.errors import InputError
from linepack.io import parse_gaslib, read_gaslib
from linepack.units import ATM, BAR, knm3_per_hour_to_kg_s

DATA = Path(__file__).resolve().parents[1] / "data" / "gaslib"

pytestmark = pytest.mark.skipif(
    not DATA.is_dir(),
    reason=f"GasLib instances not found at {DATA}")

# (net, scn, cs) relative to DATA; element counts exactly as the GasLib README (shared/data/gaslib/README.md) lists them
INSTANCES = {
    "GasLib-11": (("GasLib-11/GasLib-11.net", "GasLib-11/GasLib-11.scn", "GasLib-11/GasLib-11.cs"),
                  dict(source=3, sink=3, innode=5, pipe=8, valve=1, compressorStation=2)),
    "GasLib-24": (("GasLib-24/GasLib-24.net", "GasLib-24/GasLib-24.scn", "GasLib-24/GasLib-24.cs"),
                  dict(source=3, sink=5, innode=16, pipe=19, resistor=1, shortPipe=1,
                       compressorStation=3, controlValve=1)),
    "GasLib-40": (("GasLib-40/GasLib-40.net", "GasLib-40/GasLib-40.scn", "GasLib-40/GasLib-40.cs"),
                  dict(source=3, sink=29, innode=8, pipe=39, compressorStation=6)),
    "GasLib-134": (("GasLib-134/GasLib-134-v2.net", None, None),
                   dict(source=3, sink=45, innode=86, pipe=86, shortPipe=45, compressorStation=1,
                        controlValve=1)),
    "GasLib-135": (("GasLib-135/GasLib-135.net", "GasLib-135/GasLib-135.scn",
                    "GasLib-135/GasLib-135.cs"),
                   dict(source=6, sink=99, innode=30, pipe=141, compressorStation=29)),
    "GasLib-582": (("GasLib-582/GasLib-582-v2.net", "GasLib-582/nomination_cold_5.scn",
                    "GasLib-582/GasLib-582-v2.cs"),
                   dict(source=31, sink=129, innode=422, pipe=278, shortPipe=269, valve=26,
                        controlValve=23, compressorStation=5, resistor=8)),
    "GasLib-4197": (("GasLib-4197/GasLib-4197.net", "GasLib-4197/nomination_mild_0006.scn",
                     "GasLib-4197/GasLib-4197.cs"),
                    dict(source=11, sink=1009, innode=3177, pipe=3537, shortPipe=343, valve=426,
                         controlValve=120, compressorStation=12, resistor=28)),
}
ALL_KINDS = ("source", "sink", "innode", "pipe", "shortPipe", "resistor", "valve",
             "controlValve", "compressorStation", "checkValve")

_cache: dict[str, tuple] = {}


def load(name):
    """Read an instance once per test session (net, scn and cs where they exist)."""
    if name not in _cache:
        files, _ = INSTANCES[name]
        _cache[name] = read_gaslib(*(None if f is None else DATA / f for f in files))
    return _cache[name]


def text(rel):
    return (DATA / rel).read_text(encoding="utf-8")


# -- the seven instances ------------------------------------------------------------

@pytest.mark.parametrize("name", list(INSTANCES))
def test_instance_counts(name):
    """Every instance loads and has exactly the element counts of the GasLib README."""
    net, scn = load(name)
    expected = {k: INSTANCES[name][1].get(k, 0) for k in ALL_KINDS}
    assert net.count() == expected
    assert net.meta["licence"].startswith("CC BY 3.0")
    assert any("Data 2(4):40" in c for c in net.meta["citation"])
    assert any("Pfetsch" in c for c in net.meta["citation"])


@pytest.mark.parametrize("name", [n for n, (f, _) in INSTANCES.items() if f[1] is not None])
def test_nominations_balance_and_fix_no_pressure(name):
    """A nomination's inflows sum to zero (entries +, exits -) and no pressure is fixed."""
    net, scn = load(name)
    q = scn.nodes["inflow_kg_s"]
    assert set(scn.nodes.index) <= set(net.nodes.index)
    assert abs(q.sum()) <= 1e-9 * q.abs().sum()
    assert scn.nodes["p_fixed_pa"].isna().all()
    entries = net.nodes.index[net.nodes["kind"] == "source"].intersection(scn.nodes.index)
    assert (q[entries] >= 0).all()


def test_gaslib134_nomination_from_zip():
    """A GasLib-134 nomination read from the zip loads on GasLib-134-v2.net and balances."""
    with zipfile.ZipFile(DATA / "GasLib-134/GasLib-134.zip") as z:
        scn_text = z.read("Nominations-134/2011-11-01.scn")
    net, scn = parse_gaslib(text("GasLib-134/GasLib-134-v2.net"), scn_text)
    assert len(scn.nodes) == 48
    q = scn.nodes["inflow_kg_s"]
    assert abs(q.sum()) <= 1e-9 * q.abs().sum()
    # GasLib-134-v2.net: the sources give gasTemperature in K (289.15 K)
    assert scn.temperature == pytest.approx(289.15)


# -- unit conversion, with values read from the XML ----------------------------------

def test_gaslib24_units_from_the_file():
    """GasLib-24 gives pipe diameters in m, one length in m and heights without a unit."""
    net, _ = load("GasLib-24")
    c, n = net.connections, net.nodes
    # GasLib-24.net pipe L01: <length unit="km" value="50"/> <diameter unit="m" value="1.1"/>
    assert c.at["L01", "length_m"] == 50_000.0
    assert c.at["L01", "diameter_m"] == 1.1
    # roughness unit="mm" value="0.01"
    assert c.at["L01", "roughness_m"] == pytest.approx(1e-5, rel=1e-15)
    # pipe L04: <length unit="m" value="10"/> (the km line above it is commented out)
    assert c.at["L04", "length_m"] == 10.0
    assert c.at["L04", "diameter_m"] == 2.1
    # source entry03: <height value="200.0"/> without unit ⇒ m
    assert n.at["entry03", "height_m"] == 200.0
    # compressorStation CS1: diameterIn 900.0 mm, diameterOut 0.9 m — both 0.9 m in the meta
    cs1 = net.meta["gaslib"]["elements"]["CS1"]
    assert cs1["diameter_in_m"] == 0.9 and cs1["diameter_out_m"] == 0.9


def test_gaslib134_roughness_in_m():
    """GasLib-134 gives roughness in m and diameters in mm."""
    net, _ = load("GasLib-134")
    # GasLib-134-v2.net pipe p_br2: <length unit="km" value="15.25"/>,
    # <diameter unit="mm" value="914.4"/>, <roughness unit="m" value="8e-06"/>
    assert net.connections.at["p_br2", "roughness_m"] == 8e-06
    assert net.connections.at["p_br2", "diameter_m"] == pytest.approx(0.9144, rel=1e-15)
    assert net.connections.at["p_br2", "length_m"] == pytest.approx(15_250.0, rel=1e-15)
    # sources: <gasTemperature unit="K" value="289.15"/>, <normDensity value="0.7433"/>
    assert net.gas["temperature"] == pytest.approx(289.15)
    assert net.gas["normal_density"] == pytest.approx(0.7433)


def test_heights_in_meter_quirk():
    """GasLib-40 writes height unit="meter" (all heights 0); "meter" reads as metres."""
    net, _ = load("GasLib-40")
    assert 'unit="meter"' in text("GasLib-40/GasLib-40.net")
    assert (net.nodes["height_m"] == 0.0).all()
    # GasLib-11.net entry01: <height value="0" unit="m"/>, edited to 12.5 meter
    src = text("GasLib-11/GasLib-11.net").replace('<height value="0" unit="m"/>',
                                                  '<height value="12.5" unit="meter"/>', 1)
    net11, _ = parse_gaslib(src)
    assert net11.nodes.at["entry01", "height_m"] == 12.5


def test_net_pressures_are_absolute_bar():
    """.net pressures are absolute bar: GasLib-11 entry01 pressureMax 70.0 bar → 7.0e6 Pa."""
    net, _ = load("GasLib-11")
    assert net.nodes.at["entry01", "p_max_pa"] == 70.0 * BAR
    assert net.nodes.at["entry01", "p_min_pa"] == 40.0 * BAR


def test_flow_conversion_with_norm_density():
    """GasLib flows (1000 m³/h at normal conditions) become kg/s with the mean source ρn."""
    net, scn = load("GasLib-11")
    rho = 0.785  # GasLib-11.net: normDensity 0.785 at all three sources
    assert net.gas["normal_density"] == pytest.approx(rho, rel=1e-15)
    # GasLib-11.scn entry01: flow lower = upper = 160.00 [1000m_cube_per_hour]
    assert scn.nodes.at["entry01", "inflow_kg_s"] == pytest.approx(
        knm3_per_hour_to_kg_s(160.0, rho), rel=1e-14)
    assert scn.nodes.at["entry01", "inflow_kg_s"] == pytest.approx(160e3 * 0.785 / 3600, rel=1e-14)
    # GasLib-11.net pipe pipe01_entry01_entry03: flowMin -1100, flowMax 1100 [1000m_cube_per_hour]
    c = net.connections.loc["pipe01_entry01_entry03"]
    assert c["flow_max_kg_s"] == pytest.approx(knm3_per_hour_to_kg_s(1100.0, rho), rel=1e-14)
    assert c["flow_min_kg_s"] == -c["flow_max_kg_s"]
    # technical bounds of the entry: flowMax 750 [1000m_cube_per_hour]
    fb = net.meta["gaslib"]["node_flow_bounds"]["entry01"]
    assert fb["flow_max_kg_s"] == pytest.approx(knm3_per_hour_to_kg_s(750.0, rho), rel=1e-14)


def test_exit_withdraws_and_negative_value_flips():
    """An exit's positive value is a withdrawal; a negative one (GasLib-4197) an injection."""
    net, scn = load("GasLib-4197")
    rho = net.gas["normal_density"]
    # nomination_mild_0006.scn: sink_14 (type exit) flow both = -15.3541317719
    assert scn.nodes.at["sink_14", "inflow_kg_s"] == pytest.approx(
        knm3_per_hour_to_kg_s(15.3541317719, rho), rel=1e-14)
    assert "sink_14" in scn.meta["role_flipped"]
    # scenarioTemperature 7 °C; soil and ambient temperature are kept in meta
    assert scn.temperature == pytest.approx(280.15)
    assert scn.meta["soil_temperature_k"] == pytest.approx(282.65)
    assert scn.meta["ambient_temperature_k"] == pytest.approx(280.15)


def test_scenario_pressure_units():
    """.scn pressure: explicit barg (GasLib-40), explicit bar and barg mixed (GasLib-582)."""
    _, scn40 = load("GasLib-40")
    # GasLib-40.scn source_1: pressure lower 0 barg, upper 80 barg
    assert scn40.nodes.at["source_1", "p_min_pa"] == ATM
    assert scn40.nodes.at["source_1", "p_max_pa"] == pytest.approx(80 * BAR + ATM, rel=1e-15)
    _, scn582 = load("GasLib-582")
    # nomination_cold_5.scn source_4: pressure lower 2.0133 bar (absolute)
    assert scn582.nodes.at["source_4", "p_min_pa"] == pytest.approx(2.0133 * BAR, rel=1e-15)
    # sink_109: pressure lower 50.0 barg
    assert scn582.nodes.at["sink_109", "p_min_pa"] == pytest.approx(50 * BAR + ATM, rel=1e-15)
    # source_4: contractPressureMax 86.01325 bar kept in meta
    assert scn582.meta["nodes"]["source_4"]["contract_p_max_pa"] == pytest.approx(86.01325 * BAR)


_SCN = """<?xml version="1.0" encoding="UTF-8"?>
<boundaryValue xmlns="http://gaslib.zib.de/Gas">
  <scenario id="test">{body}</scenario>
</boundaryValue>"""


def test_scenario_pressure_defaults_to_barg():
    """A .scn pressure without unit is barg (Scenario.xsd): 50 → 51.01325 bar absolute."""
    body = ('<node type="exit" id="exit01"><pressure bound="lower" value="50"/>'
            '<flow bound="both" value="10" unit="1000m_cube_per_hour"/></node>')
    _, scn = parse_gaslib(text("GasLib-11/GasLib-11.net"), _SCN.format(body=body))
    assert scn.nodes.at["exit01", "p_min_pa"] == 50 * BAR + ATM
    assert math.isnan(scn.nodes.at["exit01", "p_max_pa"])


def test_scenario_flow_midpoint_and_default_unit():
    """lower != upper gives the midpoint (recorded in meta); no flow unit means m³/s."""
    body = ('<node type="exit" id="exit01"><flow bound="lower" value="1"/>'
            '<flow bound="upper" value="3"/></node>')
    net, scn = parse_gaslib(text("GasLib-11/GasLib-11.net"), _SCN.format(body=body))
    rho = net.gas["normal_density"]
    assert scn.nodes.at["exit01", "inflow_kg_s"] == pytest.approx(-2.0 * rho, rel=1e-15)
    assert scn.meta["flow_midpoint"]["exit01"]["lower_kg_s"] == pytest.approx(rho)


def test_scenario_unknown_node_is_refused():
    """A .scn node that the network lacks is an InputError with a suggestion."""
    body = '<node type="exit" id="exit1"><flow bound="both" value="1"/></node>'
    with pytest.raises(InputError, match=r"exit1.*did you mean 'exit01'"):
        parse_gaslib(text("GasLib-11/GasLib-11.net"), _SCN.format(body=body), scenario_name="t.scn")


# -- compressor stations (.cs) -------------------------------------------------------

def test_power_max_from_gas_turbine_fit():
    """power_max_w: the drive's power fit at speedMax and 15 °C (GasLib-11.cs)."""
    net, _ = load("GasLib-11")
    # GasLib-11.cs, station CS01_entry03_N01: turbo T_CS2_M4 speedMax 6500 per_min,
    # gasTurbine P_CS2_M4 power_fun_coeff_1..9
    c = [-1507.55, 3.23595, -0.000215272, 9.38, -0.02044, 1.35429e-06, 0.0448214, -8.49405e-05,
         5.83333e-09]
    n, t = 6500.0, 15.0
    p_kw = sum(t ** j * (c[3 * j] + c[3 * j + 1] * n + c[3 * j + 2] * n ** 2) for j in range(3))
    assert net.connections.at["CS01_entry03_N01", "power_max_w"] == pytest.approx(p_kw * 1e3,
                                                                                   rel=1e-12)
    assert math.isnan(net.connections.at["CS01_entry03_N01", "ratio_max"])  # turbo only
    st = net.meta["compressor_stations"]["CS01_entry03_N01"]
    assert st["compressors"]["T_CS2_M4"]["n_isoline_coeff"][0] == 62.0918
    assert len(st["drives"]["P_CS2_M4"]["power_fun_coeff"]) == 9


def test_power_fit_reproduces_gaslib4197_measurements():
    """The power formula matches GasLib-4197's maximalPowerMeasurements (11039 kW)."""
    net, _ = load("GasLib-4197")
    # GasLib-4197.cs, station compressorStation_8, drive_1: measured maximalPower 11039 kW at
    # 6825 per_min (= speedMax of compressor_1) and ambientTemperature 15 Celsius
    derived = net.meta["compressor_stations"]["compressorStation_8"]["derived"]
    assert derived["drive_speed_rpm"]["drive_1"] == 6825.0
    assert derived["drive_power_max_w"]["drive_1"] == pytest.approx(11039e3, rel=1e-3)


def test_piston_and_mixed_configurations():
    """GasLib-582 station 5: the piston-only configuration has ratio 2; the station stays NaN."""
    net, _ = load("GasLib-582")
    d = net.meta["compressor_stations"]["compressorStation_5"]["derived"]
    # GasLib-582-v2.cs: pistonCompressor compressor_2 maximalCompressionRatio 2 (config_1);
    # config_2 and config_3 use the turbo compressor_1
    assert d["configuration_ratio_max"] == {"config_1": 2.0, "config_2": None, "config_3": None}
    assert math.isnan(net.connections.at["compressorStation_5", "ratio_max"])
    # config_3 runs both units: its power is the sum of both drives
    assert d["power_max_w"] == pytest.approx(sum(d["drive_power_max_w"].values()), rel=1e-12)
    assert net.connections.at["compressorStation_5", "power_max_w"] == d["power_max_w"]
    # the gas-driven motor: P = c1 + c2 n + c3 n² at 350 per_min
    assert d["drive_power_max_w"]["drive_2"] == pytest.approx(
        1e3 * (230.514705882 + 24.4195632799 * 350 + 0.00423351158645 * 350 ** 2), rel=1e-12)


_CS = """<?xml version="1.0" encoding="UTF-8"?>
<compressorStations xmlns="http://gaslib.zib.de/CompressorStations">
  <compressorStation id="CS01_entry03_N01">
    <compressors>
      <pistonCompressor drive="d1" id="k1"><speedMin unit="per_min" value="165"/>
        <speedMax unit="{unit}" value="300"/><maximalCompressionRatio value="1.8"/>
      </pistonCompressor>
      <pistonCompressor drive="d2" id="k2"><speedMax unit="per_min" value="300"/>
        <maximalCompressionRatio value="1.5"/></pistonCompressor>
    </compressors>
    <drives>
      <gasDrivenMotor id="d1"><power_fun_coeff_1 value="100"/><power_fun_coeff_2 value="10"/>
        <power_fun_coeff_3 value="0"/></gasDrivenMotor>
      <gasDrivenMotor id="d2"><power_fun_coeff_1 value="0"/><power_fun_coeff_2 value="10"/>
        <power_fun_coeff_3 value="0"/></gasDrivenMotor>
    </drives>
    <configurations>
      <configuration confId="1" nrOfSerialStages="2">
        <stage stageNr="1" nrOfParallelUnits="1"><compressor id="k1" nominalSpeed="300"/></stage>
        <stage stageNr="2" nrOfParallelUnits="1"><compressor id="k2" nominalSpeed="300"/></stage>
      </configuration>
      <configuration confId="2" nrOfSerialStages="1">
        <stage stageNr="1" nrOfParallelUnits="2"><compressor id="k1" nominalSpeed="300"/>
          <compressor id="k2" nominalSpeed="300"/></stage>
      </configuration>
    </configurations>
  </compressorStation>
</compressorStations>"""


def test_piston_only_station_ratio():
    """Piston-only station: ratio = max over configurations of the product over stages."""
    net, _ = parse_gaslib(text("GasLib-11/GasLib-11.net"), None, _CS.format(unit="per_min"))
    # config 1: 1.8 · 1.5 = 2.7 in series; config 2: min(1.8, 1.5) in parallel
    assert net.connections.at["CS01_entry03_N01", "ratio_max"] == pytest.approx(2.7)
    # both configurations use both drives: (100 + 10·300) + 10·300 kW
    assert net.connections.at["CS01_entry03_N01", "power_max_w"] == 6100e3
    assert math.isnan(net.connections.at["CS02_N04_N05", "power_max_w"])  # not in this .cs


def test_cs_unknown_speed_unit_is_refused():
    """An unknown speed unit in the .cs names the compressor, the field and the unit."""
    with pytest.raises(InputError, match=r"compressor 'k1'.*speedMax.*'per_hour'.*per_min"):
        parse_gaslib(text("GasLib-11/GasLib-11.net"), None, _CS.format(unit="per_hour"),
                     cs_name="x.cs")


# -- bad and hostile input -----------------------------------------------------------

def test_unknown_unit_names_element_field_and_expected():
    """An unknown unit raises InputError naming the file, line, element, field and units."""
    src = text("GasLib-11/GasLib-11.net")
    bad = src.replace('<length unit="km" value="55"/>', '<length unit="furlong" value="55"/>', 1)
    assert bad != src
    with pytest.raises(InputError) as e:
        parse_gaslib(bad, net_name="GasLib-11.net")
    msg = str(e.value)
    assert "pipe 'pipe01_entry01_entry03'" in msg and "length" in msg and "'furlong'" in msg
    assert "'km'" in msg and "'mm'" in msg
    assert e.value.path == "GasLib-11.net"
    assert e.value.line == src[:src.index('<length unit="km" value="55"/>')].count("\n") + 1


def test_non_numeric_value_is_refused():
    """A value that is not a number names the element and the value."""
    src = text("GasLib-11/GasLib-11.net").replace('<length unit="km" value="55"/>',
                                                  '<length unit="km" value="fifty"/>', 1)
    with pytest.raises(InputError, match=r"pipe 'pipe01_entry01_entry03': length must be a "
                                         r"number \(got 'fifty'\)"):
        parse_gaslib(src)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<network xmlns="http://gaslib.zib.de/Gas">&lol3;</network>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE network [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<network xmlns="http://gaslib.zib.de/Gas">&xxe;</network>"""


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY],
                         ids=["billion-laughs", "external-entity"])
def test_hostile_xml_is_refused(hostile):
    """Entity expansion and external entities are refused with an InputError."""
    with pytest.raises(InputError, match="refused") as e:
        parse_gaslib(hostile, net_name="evil.net")
    assert e.value.path == "evil.net"


def test_truncated_xml_names_file_and_line():
    """Truncated XML is an InputError naming the file and the line."""
    src = text("GasLib-11/GasLib-11.net")
    cut = src[: len(src) // 2]
    with pytest.raises(InputError, match="malformed XML") as e:
        parse_gaslib(cut, net_name="GasLib-11.net")
    assert e.value.path == "GasLib-11.net"
    assert e.value.line is not None and e.value.line > 100


def test_wrong_root_and_wrong_namespace():
    """A .scn given as .net, or a .net without its namespace, is refused."""
    with pytest.raises(InputError, match=r"not a GasLib \.net file: the root element is "
                                         r"<boundaryValue>"):
        parse_gaslib(text("GasLib-11/GasLib-11.scn"), net_name="GasLib-11.scn")
    no_ns = text("GasLib-11/GasLib-11.net").replace('xmlns="http://gaslib.zib.de/Gas"', "")
    with pytest.raises(InputError, match="without namespace; expected <network> in namespace"):
        parse_gaslib(no_ns)
    wrong_ns = text("GasLib-11/GasLib-11.cs").replace("CompressorStations\"", "Other\"", 1)
    with pytest.raises(InputError, match=r"\.cs file"):
        parse_gaslib(text("GasLib-11/GasLib-11.net"), None, wrong_ns)


def test_read_gaslib_missing_file():
    """A missing file is an InputError that names the path."""
    with pytest.raises(InputError, match="nope.net"):
        read_gaslib(DATA / "nope.net")


def test_units_are_si_and_finite_where_given():
    """Pipe geometry of every instance is SI and plausible (diameters 0.05–2.5 m)."""
    for name in INSTANCES:
        net, _ = load(name)
        pipes = net.connections[net.connections["kind"] == "pipe"]
        d = pipes["diameter_m"].to_numpy()
        assert np.isfinite(d).all() and (d > 0.05).all() and (d < 2.5).all(), name
        assert (pipes["roughness_m"] < 1e-2).all(), name
