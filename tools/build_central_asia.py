#!/usr/bin/env python3
"""Build the Central Asia corridor model ``src/linepack/data/central-asia.json``.

Usage::

    python tools/build_central_asia.py [DATA_DIR] [--out PATH]

``DATA_DIR`` is the fact sheet folder (``FACTS.md`` and its CSV files); the
default is ``../shared/data/central-asia`` relative to the repository root.

This script is the provenance record of the model. Every number it writes is
either read from a named row of a fact CSV (file, row key, source key,
confidence) or comes from a named engineering assumption in
:data:`ASSUMPTIONS` with its reason. The provenance of each numeric field is
written next to it (``"provenance"`` of nodes and connections, ``"meta"`` of
scenarios, ``meta["gas_provenance"]``); the cited source keys and their full
citations are copied into ``meta["references"]``.

Calibration knobs (derated MAOP, which strings and diameters form the
dedicated route, station limits, border minimum pressure) are the first
entries of :data:`ASSUMPTIONS`; change a value there and rebuild.

The output is deterministic: elements sorted by id, floats rounded to fixed
decimals, no time stamps. Only the Python standard library is used.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "central-asia"
DEFAULT_OUT = REPO / "src" / "linepack" / "data" / "central-asia.json"

#: 0 °C and 20 °C [K]; 1 atm [bar]. Russian/Kazakh statistics use 20 °C "standard"
#: m³ (GOST 2939-63, Gazprom glossary), linepack flows are 0 °C "normal" m³.
T0, T20, ATM_BAR = 273.15, 293.15, 1.01325
STD_TO_NORMAL = T0 / T20  # 1 m³ at 20 °C, 1 atm = 273.15/293.15 m³ at 0 °C, 1 atm (ideal gas)
#: The review addendum beside FACTS.md (rows A1…A12, cited as ADD_A1…).
ADDENDUM = "FACTS-addendum-2026-12.md"
#: Mean Earth radius (IUGG) for great-circle distances. [km]
EARTH_RADIUS_KM = 6371.0088


# ======================================================================================
# ASSUMPTIONS. Calibration knobs first. value: number (or a small table); unit in "unit".
# ======================================================================================
def _a(aid, value, unit, text, reason):
    return {"id": aid, "value": value, "unit": unit, "text": text, "reason": reason}


ASSUMPTIONS = [
    # -- calibration knobs ------------------------------------------------------------
    _a("A_CAC_MAOP", 55.0, "bar abs",
       "Maximum operating pressure of the CAC-4/CAC-5 strings on the dedicated route "
       "(5.4 MPa gauge = 55 kgf/cm² class, ≈ 55 bar absolute).",
       "Design pressure of the CAC strings was not found [pipelines.csv CAC/CAC-4/CAC-5 reverse "
       "route/design_pressure_MPa]. 5.4 MPa (55 kgf/cm²) is the Soviet design class of the "
       "1960s–70s 1020–1220 mm trunk lines; the strings are 40–50 years old and under a repair "
       "programme of >10,000 defective pipes [KZTODAY_20250530], so no higher rating is assumed. "
       "Calibration knob: lower it to represent derating."),
    _a("A_CAC_HEAD_P", 55.0, "bar abs",
       "Pressure held at Alexandrov Gai, the head of the dedicated route (discharge of Gazprom's "
       "Alexandrov Gai compressor station into the route); the pressure reference of the transit "
       "island.",
       "The route starts at CS Alexandrov Gai [TELEGRAPH_GAZPROM]; its discharge pressure is not "
       "published. Set equal to A_CAC_MAOP (the station can fill the route to its limit). "
       "Calibration knob."),
    _a("A_BORDER_P_MIN", 35.0, "bar abs",
       "Lowest pressure accepted at the Karakalpakiya gas metering station (delivery point to "
       "Uzbekistan).",
       "Contractual delivery pressure not found. 35 bar abs is the upper end of the 30–35 bar "
       "band typical of delivery points on 5.4 MPa systems, leaving suction pressure for the "
       "Uzbek stations downstream. Calibration knob; with A_CAC_MAOP it sets the technical "
       "maximum of the route."),
    _a("A_CAC_A_OD", 1220.0, "mm",
       "Outer diameter of string A, the dedicated route of 2023–24 (one string, assembled from "
       "CAC-4 and CAC-5 sections).",
       "GEM lists 1015/1220/1420 mm for both CAC-4 and CAC-5 without the split "
       "[GEMREPO_CAC]; in 2023–24 gas ran in one of the four strings [AZERNEWS_2024] on a "
       "combined CAC-IV/CAC-V route [TELEGRAPH_GAZPROM]. A string pieced together from two "
       "lines is limited by its smaller sections, so 1220 mm (CAC-2/CAC-3 and the Kazakh "
       "CAC system diameter, [GEMREPO_CACROWS], [GEMREPO_CAC3]) is taken. With A_CAC_MAOP "
       "and A_BORDER_P_MIN it puts the 2023 technical maximum near 20 mcm/d (20 °C), the "
       "band implied by the December 2023 report [TREND_20231227]. Calibration knob."),
    _a("A_LOOP_OD", 1220.0, "mm",
       "Outer diameter of the parallel sections of the other CAC string (CAC-4) that the "
       "combined dedicated route takes into service beside the 2023–24 string "
       "(cac_loop_*, each behind a valve v_cac_loop_*).",
       "The combined dedicated route is one route pieced together from sections of CAC-4 and "
       "CAC-5, not two full parallel strings [ADD_A1]; QazaqGaz refilled CAC-4 km 1134–851 "
       "for the transition to it [ADD_A2]. GEM lists 1015/1220/1420 mm for both strings without "
       "the split [GEMREPO_CAC]; the same 1220 mm as A_CAC_A_OD is taken (assumption sets: "
       "low/central 1220 mm, high 1420 mm). Calibration knob."),
    _a("A_CHAINAGE", [1134.0, 311.0], "km",
       "The CAC-4 km chainage of the repair programme runs linearly along the model route: "
       "km 1134 at the Alexandrov Gai end, km 311 at the Karakalpakiya end.",
       "The chainage origin is not stated [KZTODAY_20250530]; the repaired span km 311–1134 "
       "(823 km) equals the Kazakh portion of CAC-4 (821 km, [GEMREPO_CACROWS]), so it covers "
       "the route from the Russian to the Uzbek border. The original chainage runs with the "
       "Soviet north-bound flow (km rising towards Russia)."),
    _a("A_SECTION_SNAP", 10.0, "km",
       "Repair-section ends that fall within 10 km of a compressor station are moved to the "
       "station (sections then run station to station); km 851 is a node of its own "
       "(cac_km851).",
       "With A_CHAINAGE the published section ends km 985, 695, 598, 501 and 390 lie 2–10 km "
       "from Zhangala, Makat, Kulsary, Opornaya and Beineu; a section between stations keeps the "
       "network small and changes no pipe length."),
    _a("A_LOOP_2025", "km 1134–851 in parallel", "-",
       "From August 2025 (control set combined-2025) the refilled CAC-4 section km 1134–851 runs "
       "in parallel with the 2023–24 string (loops alexandrov_gai–zhangala and "
       "zhangala–km851 open).",
       "CAC-4 km 1134–851 was finished and refilled in Aug 2025 for the switch to the combined "
       "dedicated route [ADD_A2], [MAILRU_20250822]. Whether it runs beside or instead of the "
       "CAC-5 section is not published: the low assumption set takes 'instead' (no loop, "
       "capacity as 2023–24), central and high 'beside'."),
    _a("A_REPAIR_2026", "all 2025 repair sections in parallel", "-",
       "From 2026 (control set combined-2026) every CAC-4 section of the 2025 repair list runs in "
       "parallel with the route: km 1134–851, 850–695, 695–598, 501–390, 390–311; the CAC-4 "
       "section km 598–501 (Kulsary–Opornaya), absent from the list, stays out.",
       "The 2025 repair list [KZTODAY_20250530] and '11 bcm/y from 2026 after more than 10,000 "
       "pipes are replaced' [ADD_A3]; assumed finished by 2026."),
    _a("A_UZ_BASIS", "20 °C", "-",
       "The Uzbek receiving-side figure of 32 mcm/d is taken in 20 °C standard m³, like the "
       "other CIS statistics, and modelled as the largest flow of the shortPipe "
       "uz_receiving_side into Karakalpakiya.",
       "Uzbekistan rebuilds 511 km of trunk line and 10 compressor stations to receive 32 mcm/d "
       "[ADD_A4]; the basis is not stated; Uzbek and Russian statistics use the 20 °C "
       "standard cubic metre (GOST 2939-63) [GAZPROM_GLOSSARY]."),
    _a("A_SUMMER_DERATE_P", 50.0, "bar abs",
       "Alexandrov Gai discharge pressure in the summer derating scenario: sections under repair "
       "run below the 55 bar limit (assumption sets: low 48, central 50, high 52 bar; the range "
       "is bounded by the record: the derated route carried the Mar–Aug 2024 average and "
       "stayed below the Jan–Feb 2024 flows).",
       "Gazprom called the August 2024 flows 'the maximum technically possible' [ADD_A8] while "
       "867 defects were repaired on the route in 2024 [ADD_A1]; no derated pressure is "
       "published."),
    _a("A_CAC_WALL_1220", 12.0, "mm",
       "Wall thickness of 1220 mm CAC pipe (inner diameter = 1220 − 2·12 = 1196 mm).",
       "Soviet 1220×12 mm pipe is the usual size for 5.4 MPa lines (SNiP 2.05.06 hoop-stress "
       "sizing with 17G1S steel gives 11.4 mm). Not published for CAC."),
    _a("A_CAC_WALL_1420", 15.7, "mm",
       "Wall thickness of 1420 mm CAC pipe (inner diameter 1388.6 mm).",
       "1420×15.7 mm is the common Soviet 1980s size for 1420 mm trunk lines (rated up to "
       "7.4 MPa); conservative (thick wall, smaller bore) at 5.4 MPa. Not published for CAC."),
    _a("A_CAC_CS_REVERSE", "bypass in 2023–24", "-",
       "The Kazakh compressor stations on the dedicated route (Zhangala, Makat, Kulsary, "
       "Opornaya, Beineu) are bypassed in the 2023–24 and two-string configurations; gas flows "
       "on Alexandrov Gai's discharge pressure alone. Control set 'one-string-compressed' "
       "activates them.",
       "The stations were built for north-bound flow; CAC was switched to reverse within "
       "about three months [TIMESCA_DEC2023] and no reverse compression in Kazakhstan is "
       "reported; the December 2023 level was called the maximum technically possible "
       "[TREND_20231227]. Calibration knob (controls)."),
    _a("A_CAC_CS_POWER", 30.0, "MW",
       "Shaft power available at each Kazakh CAC station when active (duty units).",
       "Installed power not found for any station [compressor_stations.csv]. Soviet-era CAC "
       "shops were equipped with 10 MW gas-turbine units (GTK-10 class); three in duty "
       "(plus standby) is typical for a 1220–1420 mm shop. Calibration knob."),
    _a("A_CAC_CS_RATIO_MAX", 1.45, "-",
       "Largest pressure ratio of a Kazakh CAC station when active.",
       "Single-stage centrifugal trunk-line compressors of the GTK-10 era give 1.25–1.5 per "
       "shop. Calibration knob."),
    _a("A_CS_EFF_OLD", 0.80, "-",
       "Isentropic efficiency of Soviet-era CAC compressor stations.",
       "Typical of 1970s–80s centrifugal units after decades of service."),
    _a("A_CS_P_IN_MIN", 31.0, "bar abs",
       "Lowest inlet pressure of any active compressor station or regulator.",
       "Lower end of Intergas Central Asia's stated operating range 3–9.81 MPa "
       "[GEMREPO_BBS2] (3 MPa gauge ≈ 31 bar abs)."),
    # -- other pressures ----------------------------------------------------------------
    _a("A_P_MIN_NODE", 31.0, "bar abs",
       "Lowest pressure at every node without a specific minimum (trunk nodes, station "
       "inlets, city gate stations).",
       "Lower end of Intergas Central Asia's operating range 3–9.81 MPa [GEMREPO_BBS2]; "
       "applied also to the Russian and planned lines, whose limits are not known."),
    _a("A_BBS_MAOP", 99.1, "bar abs",
       "Maximum operating pressure of Beineu–Bozoi–Shymkent (9.81 MPa gauge).",
       "Low-confidence GEM value [GEMREPO_BBS2], equal to Intergas's stated maximum; the "
       "15 bcm/y capacity [GEMREPO_BBS1] is hydraulically consistent with it."),
    _a("A_BBS_HEAD_P", 95.0, "bar abs",
       "Pressure held at the BBS head at Beineu (discharge of the Beineu hub into BBS); the "
       "pressure reference of the domestic island.",
       "Not published. 15 bcm/y through the 311 km Beineu–Bozoi section of 1067 mm pipe needs "
       "about 85–95 bar at Beineu (Weymouth, see docs); 4 bar below A_BBS_MAOP for control "
       "margin. Stands for compression at the Beineu hub, which is not modelled separately."),
    _a("A_BBS_CS_P_OUT", 95.0, "bar abs",
       "Outlet pressure held by the BBS stations (Bozoi, Aral, Korkyt Ata, Karaozek, "
       "Turkestan) when active.", "Same margin below A_BBS_MAOP as A_BBS_HEAD_P."),
    _a("A_BBS_CS_POWER", 32.0, "MW",
       "Shaft power available at each BBS station (duty units).",
       "Not published [compressor_stations.csv]. Stations of 2018–2020 for a 15 bcm/y 1067 mm "
       "line: two 16 MW gas-turbine units in duty (plus standby) cover the ≈25 MW needed at "
       "ratio 1.6 and 15.9 bcm/y (see docs)."),
    _a("A_BBS_CS_RATIO_MAX", 1.7, "-",
       "Largest pressure ratio of a BBS station.", "Modern pipeline centrifugal compressors, "
       "one stage, 1.4–1.7."),
    _a("A_CS_EFF_NEW", 0.82, "-",
       "Isentropic efficiency of stations built after 2010 and of planned stations.",
       "Typical of modern gas-turbine-driven centrifugal compressors at design point."),
    _a("A_MAOP_NEW", 75.0, "bar abs",
       "Maximum operating pressure of Saryarka (all phases) and of the planned Ishim–Astana "
       "and Altai lines (7.4 MPa gauge).",
       "Design pressures not found [pipelines.csv SARYARKA/phase I/design_pressure_MPa]; "
       "7.4 MPa is the standard class of 820–1020 mm trunk lines in the former Soviet Union."),
    _a("A_SARY_HEAD_P", 46.0, "bar abs",
       "Outlet pressure of the regulator at the Saryarka tie-in (BBS km 988) in today's "
       "operation of phase I (no compressor stations on Saryarka); assumption sets: low 45.3 "
       "(the lowest head that still meets the assumed winter demand, A_SARY_ANNUAL × "
       "A_SEASON_WINTER), central 46, high 55 bar abs.",
       "Calibrated so that phase I carries its published design of 2.2 bcm/y [ADD_A9] "
       "(pipelines.csv SARYARKA/phase I/design_capacity_bcm_y) at winter temperature with "
       "31 bar at Astana; the earlier 74 bar gave ≈4.1 bcm/y, far above the design. The design "
       "pressure is not published; the high set takes the 5.4 MPa class (55 bar abs)."),
    _a("A_SARY_HEAD_P_FULL", 74.0, "bar abs",
       "Outlet pressure of the Saryarka tie-in regulator and of the planned phase IV stations "
       "(Zhezkazgan, Temirtau) in the 2028–30 option scenarios.",
       "With phase IV and BBS line 2 the line is run up to its rating (A_MAOP_NEW less 1 bar): "
       "the 9–10 bcm/y whole-line figure after phase IV [GEMREPO_SARY4] needs it."),
    _a("A_SARY_TIEIN", 988.0, "km",
       "Saryarka takes gas from Beineu–Bozoi–Shymkent at km 988, 44 km after CS Karaozek "
       "(km 944); node bbs_km988 on the Karaozek–Turkestan section.",
       "astanagas.kz [ADD_A10]; the earlier model tied in at km 944 (the station)."),
    _a("A_SARY_CS_POWER", 16.0, "MW",
       "Shaft power of each planned Saryarka phase IV station (Zhezkazgan, Temirtau).",
       "Not published; two 8 MW units, sized for 2.2 → 9–10 bcm/y [GEMREPO_SARY4] on 820 mm."),
    _a("A_SARY_CS_RATIO_MAX", 1.5, "-",
       "Largest pressure ratio of the planned Saryarka phase IV stations.", "As A_BBS_CS_RATIO_MAX, "
       "one stage on a 7.4 MPa line."),
    _a("A_ISHIM_RATIO", 1.6, "-",
       "Pressure ratio held by the lumped Ishim–Astana station when the option is on.",
       "The entry at Ishim is a flow nomination (one pressure reference per island), so the "
       "station holds a ratio; 1.6 lifts a ≈42–45 bar Russian delivery to ≈70 bar."),
    _a("A_ISHIM_CS_AT_HEAD", "Ishim", "-",
       "The 50 MW of compressor power planned for Ishim–Astana [ADYRNA_ESIL] is lumped into one "
       "station at the Ishim entry.", "Station sites not published."),
    _a("A_ISHIM_RATIO_MAX", 1.7, "-", "Largest ratio of the Ishim–Astana station.",
       "As A_BBS_CS_RATIO_MAX."),
    _a("A_ALTAI_HEAD_P", 74.0, "bar abs",
       "Pressure held at Barnaul, the head of the Altai option (a new head station); the "
       "pressure reference of the Altai island.", "1 bar below A_MAOP_NEW; not published."),
    # -- pipe geometry ------------------------------------------------------------------
    _a("A_ROUGH_OLD", 0.05, "mm",
       "Equivalent sand roughness of the 1970s–80s CAC pipe.",
       "Commercial steel without internal coating, after decades of service: 0.03–0.05 mm "
       "(conservative end)."),
    _a("A_ROUGH_NEW", 0.02, "mm",
       "Equivalent sand roughness of pipe laid after 2010 (BBS, Saryarka) and of planned lines.",
       "New uncoated line pipe 0.01–0.03 mm; internal flow coating (not documented) would give "
       "≈0.005–0.01 mm."),
    _a("A_WALL_BBS", 15.0, "mm",
       "Wall thickness of BBS pipe (1067 mm → inner 1037 mm).",
       "Barlow sizing for 9.81 MPa, X70 (SMYS 485 MPa), design factor 0.72: 15.0 mm. Not "
       "published."),
    _a("A_WALL_NEW", {"820": 10.0, "630": 8.0, "426": 7.0, "1020": 12.0, "720": 9.0, "530": 8.0},
       "mm",
       "Wall thickness of the 7.4 MPa lines by outer diameter (Saryarka 820, Saryarka II 630, "
       "Saryarka III 426, Ishim–Astana 1020, Altai 720/530).",
       "Barlow sizing for 7.4 MPa, X70, design factor 0.72, rounded up to a standard thickness "
       "with ≥1 mm margin. Not published."),
    _a("A_ROUTE_FACTOR_CAC", 1.02, "-",
       "CAC pipe length = great-circle distance between the node coordinates × 1.02.",
       "No per-section lengths are published. The Kazakh portion of CAC-4 is 821 km (OIES 2008 "
       "[GEMREPO_CACROWS]) and the CAC-4 repair chainage spans km 311–1134, i.e. 823 km "
       "[KZTODAY_20250530]; the model's Alexandrov Gai–Karakalpakiya length (incl. the short "
       "Russian and Uzbek stubs) then comes out within a few per cent of these. Desert "
       "route, nearly straight."),
    _a("A_PRORATE", "published total", "-",
       "Where only a line's total length is published, it is split over the sections in "
       "proportion to the great-circle distances between the node coordinates (Saryarka phase I "
       "beyond the km 373.9 tap, Ishim–Astana ≈644 km, Altai ≈1000 km).",
       "Keeps the published total; the split follows geography."),
    _a("A_ISHIM_OD", 1020.0, "mm",
       "Outer diameter of the planned Ishim–Astana line.",
       "Not published [gasification_options.csv OPT_ISHIM_ASTANA/diameter]. 1020 mm is the "
       "smallest standard size that carries the stated 10 bcm/y [VESTIKAVKAZA_20260204] over "
       "≈644 km at 7.4 MPa with ≈50 MW of compression [ADYRNA_ESIL] (Weymouth)."),
    _a("A_ALTAI_OD", {"trunk Barnaul–Rubtsovsk–Semey": 720.0, "branches Semey–Oskemen, Semey–Pavlodar": 530.0},
       "mm",
       "Outer diameters of the Altai option.",
       "Not published [gasification_options.csv OPT_ALTAI/diameter]. Sized for the stated "
       "2.3 bcm/y demand [VVPTODAY_2020] at winter peak (×A_SEASON_WINTER) with 7.4 MPa and "
       "no intermediate station."),
    # -- coordinates and heights --------------------------------------------------------
    _a("A_POS_ZHANGALA", 0.36, "-",
       "CS Zhangala placed at 36 % of the straight line Alexandrov Gai → Makat.",
       "Coordinates not determined [compressor_stations.csv CAC/Zhangala]. The station is "
       "named for CAC flow switching in West Kazakhstan region [NEWTIMES_SOYUZ]; the CAC "
       "line Alexandrov Gai–Makat crosses the region's Zhangala district there (general "
       "geographic knowledge). Line attribution is unclear (low confidence)."),
    _a("A_POS_OPORNAYA", 0.5, "-",
       "CS Opornaya placed at the midpoint of the straight line Kulsary → Beineu.",
       "Coordinates not determined; route order Kulsary–Opornaya–Beineu and Mangystau region "
       "from route_nodes.csv CAC/4 [TREND_2008_OPORNAYA]."),
    _a("A_POS_KARAKALPAKIYA", 0.21, "-",
       "GIS Karakalpakiya placed at 21 % of the straight line Beineu → Kungrad, just on the "
       "Uzbek side of the border.",
       "Coordinates not determined; the metering station is the end of the route near the "
       "KZ–UZ border in north Karakalpakstan [route_nodes.csv CAC/6, TELEGRAPH_GAZPROM]; the "
       "historic CAC runs Kungrad–Beineu [BLOGSPOT_CAC]. The line crosses the border "
       "(Natural Earth 1:110m) at ≈19.5 %."),
    _a("A_POS_KM_POST", "linear in km", "-",
       "BBS stations without coordinates (Bozoi km 311, Korkyt Ata km 725, Karaozek km 944) "
       "placed by linear interpolation of latitude/longitude in km post between the nearest "
       "stations with coordinates (Beineu km 0, Aral km 518, Turkestan km 1230).",
       "Coordinates not determined; the straight chord runs north of the Syr Darya valley "
       "that the line follows, error up to ≈50 km."),
    _a("A_KYZYLORDA_COORD", [44.85, 65.51], "deg (lat, lon)",
       "Kyzylorda city offtake at 44.85 N, 65.51 E.",
       "Town-centre coordinates given in the note of route_nodes.csv BBS/6 (general knowledge, "
       "like all town coordinates of the fact sheet)."),
    _a("A_H_CASPIAN", 0.0, "m", "Height of the Caspian Lowland nodes: Alexandrov Gai, "
       "Zhangala, Makat, Kulsary, Opornaya, Beineu.",
       "No elevations in the fact sheet; general geographic knowledge, actual −28 … +30 m. "
       "At 40–60 bar 100 m of height is ≈0.3–0.5 bar."),
    _a("A_H_USTYURT", 100.0, "m", "Height of Karakalpakiya (north-eastern edge of the Ustyurt "
       "plateau).", "General geographic knowledge, ±50 m."),
    _a("A_H_TURAN", 100.0, "m", "Height of Bozoi, Aral, Korkyt Ata, Karaozek, Kyzylorda "
       "(Turan lowland, Syr Darya valley).", "General geographic knowledge, 50–150 m."),
    _a("A_H_TURKESTAN", 200.0, "m", "Height of Turkestan.", "General geographic knowledge, ±30 m."),
    _a("A_H_SHYMKENT", 500.0, "m", "Height of Shymkent (Akbulak GMS).",
       "General geographic knowledge, ±100 m."),
    _a("A_H_UPLANDS", 450.0, "m", "Height of Karaganda and Temirtau (Kazakh Uplands).",
       "General geographic knowledge, 450–550 m."),
    _a("A_H_STEPPE", 350.0, "m", "Height of Zhezkazgan and Astana.",
       "General geographic knowledge, ±50 m."),
    _a("A_H_NORTH", 150.0, "m", "Height of Kokshetau, Petropavl and Ishim.",
       "General geographic knowledge, 80–230 m."),
    _a("A_H_IRTYSH", 200.0, "m", "Height of Barnaul, Rubtsovsk, Semey, Oskemen, Pavlodar.",
       "General geographic knowledge, 120–290 m."),
    # -- topology -------------------------------------------------------------------------
    _a("A_INTERCONNECT", "closed", "-",
       "The dedicated transit route and the domestic system (BBS head) meet at Beineu through "
       "a crossover valve that is closed in every scenario.",
       "Transit began after works that separated a dedicated string for metering "
       "[EADAILY_20231004], [ICE_20231009]; the crossover stands for the hub's station "
       "yard, where CAC strings and BBS meet [BLOGSPOT_CAC], [BSGP_FILL]."),
    _a("A_SHORTPIPE_OFFTAKE", "shortPipe", "-",
       "City offtakes next to a station (Kyzylorda at Karaozek, Turkestan city at Turkestan CS) "
       "are joined to the station inlet by a lossless short pipe.",
       "Their branch lines are not documented; pressure at the city gate = station suction."),
    _a("A_SARY_ZHEZKAZGAN_TAP", "km 373.9", "-",
       "The Zhezkazgan offtake and the planned phase IV Zhezkazgan station sit at the km 373.9 "
       "tap of Saryarka, at the city's coordinates.",
       "The Kazakhmys branch to the Zhezkazgan CHP taps at km 373.9 [GEMREPO_SARY4]; the station "
       "site is not published (city proxy coordinates)."),
    _a("A_OPTION_B_NODES", "separate", "-",
       "The Ishim–Astana option has its own Petropavl and Kokshetau offtake nodes "
       "(petropavl_ishim, kokshetau_ishim).",
       "Options A (Saryarka II–III) and B (Ishim–Astana) are alternative designs for the same "
       "corridor [GEMREPO_SARY2]; keeping them apart lets either carry the northern demand "
       "while the other stays dead-ended with no flow."),
    # -- demand -----------------------------------------------------------------------------
    _a("A_SEASON_WINTER", 1.45, "-", "Winter (peak-month) demand / annual-mean demand of "
       "domestic offtakes.", "Heating-dominated residential and CHP load in a continental "
       "climate; winter/summer ≈ 2.6 (with A_SEASON_SUMMER). No monthly data in the facts."),
    _a("A_SEASON_SUMMER", 0.55, "-", "Summer demand / annual-mean demand of domestic offtakes.",
       "See A_SEASON_WINTER."),
    _a("A_BBS_LOAD_ANNUAL", 0.75, "-",
       "Annual-mean BBS throughput as a share of its 15 bcm/y capacity.",
       "Between the published winter loading of 106 % [RATEL_DELAY] and a summer trough; no "
       "annual throughput is published."),
    _a("A_BBS_LOAD_SUMMER", 0.55, "-", "Summer BBS throughput as a share of 15 bcm/y.",
       "Domestic load falls to ≈A_SEASON_SUMMER of the mean; export to China continues."),
    _a("A_SARY_ANNUAL", 1.5, "bcm/y (20 °C)",
       "Annual-mean demand of the Saryarka phase I corridor (all offtakes).",
       "Not published. Chosen so that winter demand (×A_SEASON_WINTER = 2.18 bcm/y) fills the "
       "2.2 bcm/y phase I capacity [GEMREPO_SARY3], consistent with the reported shortage and "
       "the BBS overload that delayed phases II–III [RATEL_DELAY]."),
    _a("A_SARY_SPLIT", {"zhezkazgan": 0.15, "karaganda": 0.25, "temirtau": 0.10, "astana": 0.50},
       "-", "Split of the Saryarka corridor demand over its offtakes.",
       "Oblast consumption not found [gasification_regions.csv]; roughly by population "
       "(Astana ≈1.4 mn, Karaganda ≈0.5 mn, Temirtau ≈0.2 mn, Zhezkazgan ≈0.1 mn plus its CHP) "
       "with Astana ≈97 % gasified [BAQ_20251215]."),
    _a("A_KYZYLORDA_ANNUAL", 0.5, "bcm/y (20 °C)",
       "Annual-mean offtake for Kyzylorda city and region at Karaozek.",
       "Not published; ≈0.8 mn people at ≈600 m³/person/y (national 20.9 bcm for 20 mn people "
       "[KT_20240716], [SEVENKUN_2024B], less industry)."),
    _a("A_TURKESTAN_ANNUAL", 0.3, "bcm/y (20 °C)",
       "Annual-mean offtake for Turkestan city and district at the Turkestan station.",
       "Not published; the rest of Turkestan region is served from the southern grid at "
       "Shymkent."),
    _a("A_AKBULAK_BALANCE", "BBS throughput − upstream offtakes", "-",
       "The Akbulak (Shymkent) delivery — southern grid, BGR–TBA and export to China — takes "
       "BBS throughput minus the modelled upstream offtakes.",
       "BBS carries 5 bcm/y for the south and 10 bcm/y for export [GEMREPO_BBS1]; the split at "
       "Akbulak is not published, so the end delivery balances the published loading."),
    _a("A_BBS2_OD", 1067.0, "mm",
       "Outer diameter of BBS line 2 (wall A_WALL_BBS), laid beside line 1 section by "
       "section (bbs2_*, each behind a valve v_bbs2_*), open only in the 2028–30 option "
       "scenarios.",
       "GEM copies the line-1 value (low confidence) [pipelines.csv BBS/line 2 (BBSh-2)/"
       "diameter_mm]; stage 1 (linear part, 10 bcm/y) due end-2026 [ADD_A11]; Saryarka "
       "phases II–III depend on it [GEMREPO_SARY3]."),
    _a("A_BBS2_SHARED_CS", "line-1 station sites", "-",
       "BBS line 2 stage 1 runs between the line-1 station sites and shares their compression "
       "(the six stage-2 stations of line 2 are not modelled).",
       "Stage 1 is the linear part only; stage-2 stations raise line 2 to 15 bcm/y "
       "[pipelines.csv BBS/line 2 (BBSh-2)/design_capacity_bcm_y]; their sites are not "
       "published."),
    _a("A_SARY_NORTH_SPLIT", {"kokshetau": 0.45, "petropavl": 0.55}, "-",
       "Split of the 1.7 bcm/y added by Saryarka stages 2–4 [SEVENKUN_2024] between Kokshetau "
       "and Petropavl (also used for the Ishim–Astana option's offtakes).",
       "Roughly by city population (≈0.16 mn and ≈0.22 mn)."),
    _a("A_NORTH_DESIGN_RATE", 1.0, "-",
       "The 1.7 bcm/y that Saryarka stages 2–4 add [SEVENKUN_2024] is used as the winter design "
       "rate of the Kokshetau and Petropavl offtakes (no seasonal factor applied).",
       "It is a capacity figure of the Ministry, i.e. already the design (peak) throughput; "
       "multiplying it by A_SEASON_WINTER would size the 426 mm phase III beyond its purpose."),
    _a("A_ISHIM_SUPPLIES_ASTANA", "Astana + Kokshetau + Petropavl", "-",
       "In gasification-ishim-astana the Ishim entry nominates the winter demand of Astana, "
       "Kokshetau and Petropavl.",
       "The memorandum's line is for Astana and the north-east [INTERFAXRU_20251009]; its "
       "10 bcm/y capacity [VESTIKAVKAZA_20260204] covers it."),
    _a("A_ALTAI_SPLIT", {"semey": 1 / 3, "oskemen": 1 / 3, "pavlodar": 1 / 3}, "-",
       "Split of the Altai route's 2.3 bcm/y [VVPTODAY_2020] over Semey, Oskemen and Pavlodar.",
       "Three cities of similar size (≈0.3–0.35 mn each); regional split not published."),
    _a("A_DEC_PEAK", 18.0, "mcm/d (20 °C)",
       "Transit at Karakalpakiya in the December 2023 peak scenario.",
       "Gazprom's chairman: \"twice our daily obligations\", i.e. ≈ 18 mcm/d against the "
       "9 mcm/d contract, with no published upper figure [ADD_A5], [TREND_20231227]. Consistent "
       "with 2023's 1.28 bcm [ULYS_2024] less ≈0.3 bcm in the first month [APSNY_300]: ≈0.98 bcm "
       "over 7 Nov–31 Dec ≈ 17.8 mcm/d average. The earlier 18–25 mcm/d band had no source for "
       "its upper end and is dropped."),
    _a("A_WINTER_TRANSIT_FACTOR", "Jan–Feb 2024 / 2024 mean", "-",
       "Peak-month factor of the transit: the Jan–Feb 2024 average (1.114 bcm in 60 days = "
       "18.57 mcm/d [ADD_A6]) over the 2024 mean (5.64 bcm / 366 d = 15.41 mcm/d) = 1.205; "
       "applied to 11 bcm/y in the peak-day scenario (36.3 mcm/d at 20 °C).",
       "The only published monthly figures of the transit; 2024 also carried the ramp-up of "
       "the contract, so the factor may overstate a mature year's swing (a flat profile, "
       "factor 1, is the other bound; both are shown)."),
    _a("A_2024_DAYS", 366, "d", "2024 has 366 days (5.64 bcm → 15.41 mcm/d at 20 °C).",
       "Leap year."),
    _a("A_T_SEASON", {"winter": 275.65, "annual": 284.65, "summer": 293.15}, "K",
       "Gas temperature of the scenarios: midpoints of the inferred ground temperature at pipe "
       "depth for the west (Atyrau, Mangystau): winter +1…+4 °C, annual +10…+13 °C, summer "
       "+18…+22 °C.",
       "Ground temperature sets the gas temperature far from stations; the inferred west band "
       "[ground_conditions.csv, GENERAL] (low confidence) governs the transit route; the south "
       "band is within 2 K of it."),
    # -- fuel, cost and the path to 11 bcm/y -------------------------------------------
    _a("A_DRIVE_EFF", {"CAC (1970s–80s gas turbines)": 0.28, "BBS, Saryarka, planned": 0.34},
       "-",
       "Thermal efficiency of the compressor drivers (fuel heat at the net calorific value → "
       "shaft work), used for station fuel gas.",
       "Driver types not published [compressor_stations.csv]. Soviet 10 MW pipeline gas "
       "turbines of the GTK-10 class reach ≈ 0.25–0.29; modern 16–32 MW industrial and "
       "aero-derivative units ≈ 0.32–0.38 (simple cycle). Mid values taken; the fuel scales "
       "as 1/efficiency."),
    _a("A_FUEL_PRICE", {"low": 100.0, "central": 150.0, "high": 250.0}, "USD per 1000 m³ (20 °C)",
       "Value of the fuel gas burnt at the stations, for the energy cost per bcm transported.",
       "No transit tariff or fuel price is published in the facts. The range spans regulated "
       "Kazakh wholesale prices (low end) to export netbacks (high end); a labelled "
       "assumption, not a fact."),
    _a("A_KZT_USD", 500.0, "KZT per USD",
       "Exchange rate used to put the tenge costs of the fact sheet in US dollars.",
       "Average of 2024–25, rounded; costs are indicative (± 10 %)."),
    _a("A_COST_SECTION", {"low": 0.3, "central": 0.6, "high": 1.2}, "million USD per km",
       "Cost of repairing and recommissioning an existing CAC-4 section beside the route "
       "(defective-pipe replacement, in-line inspection, hydrotest, tie-ins), per km.",
       "No cost of the repair programme is published [KZTODAY_20250530]. Set well below new "
       "pipe (A_COST_NEW_PIPE) because the pipe is in the ground; the range is wide on "
       "purpose."),
    _a("A_COST_NEW_PIPE", {"low": 1.5, "central": 2.5, "high": 4.0}, "million USD per km",
       "Cost of new 1020–1220 mm trunk pipe in Kazakhstan, per km (used for a new loop of the "
       "section not in the repair list).",
       "Benchmarks in the facts: BBS line 2, 6.9 bn USD for ≈ 1,600 km of 1067 mm pipe and six "
       "stations [pipelines.csv BBS/line 2 (BBSh-2)/cost] (≈ 3.5–4.3 M USD/km incl. stations); "
       "BBS line 1 3.6 bn USD for 1,449.5 km [pipelines.csv BBS/line 1/cost] (≈ 2.5 M USD/km); "
       "Saryarka phase I 267.3 bn KZT for 1,061 km of 820 mm [pipelines.csv SARYARKA/phase "
       "I/cost]."),
    _a("A_COST_CS_RESTART", {"low": 10.0, "central": 25.0, "high": 50.0}, "million USD per station",
       "Cost of putting a Kazakh CAC station back to work for south-bound (reverse) "
       "compression: re-piping the station yard for reverse flow and overhauling ≈ 30 MW of "
       "units.",
       "Not published. New stations are far dearer: the two Saryarka phase IV stations are "
       "put at 180.7 bn KZT (2025) [pipelines.csv SARYARKA/phase IV/status], ≈ 180 M USD each "
       "at A_KZT_USD."),
    _a("A_UPRATE_P", 60.0, "bar abs",
       "Candidate step of the plan: after the repair programme and a hydrotest, the route and "
       "the Alexandrov Gai discharge are run at 60 bar instead of 55.",
       "Speculative: the CAC design pressure is not published [pipelines.csv CAC/system/"
       "design_pressure_MPa]; a 1985 1420 mm string (CAC-5) may be of the 7.4 MPa class. Cost "
       "A_COST_UPRATE × route length."),
    _a("A_COST_UPRATE", {"low": 0.05, "central": 0.15, "high": 0.3}, "million USD per km",
       "Cost of the hydrotest and re-rating of the route for A_UPRATE_P, per km.",
       "Not published; hydrotesting a repaired line is a small share of new pipe cost."),
    _a("A_COST_PIPE_PER_MM_KM", "Saryarka II+III published cost / Σ OD × length", "USD per mm·km",
       "Cost of new domestic trunk pipe per mm of outer diameter and km, for the gasification "
       "options compared (cost ∝ diameter × length).",
       "Calibrated on the one published cost with its diameters: Saryarka phases II+III, "
       "182.1 bn KZT (2025) for 276 km of 630 mm and 177 km of 426 mm [pipelines.csv "
       "SARYARKA/phases II+III/cost] at A_KZT_USD. Cost ∝ diameter is a first-order rule "
       "(steel weight and trench work); A_COST_OPTION_RANGE gives the spread."),
    _a("A_COST_CS_PER_MW", "Saryarka phase IV published cost / its assumed power", "USD per MW",
       "Cost of new compressor stations per MW of shaft power, for the options compared.",
       "Saryarka phase IV: two stations for 180.7 bn KZT (2025) [pipelines.csv SARYARKA/phase "
       "IV/status] at A_KZT_USD, with 2 × A_SARY_CS_POWER of power."),
    _a("A_COST_OPTION_RANGE", {"low": 0.8, "central": 1.0, "high": 1.5}, "-",
       "Factors on the central capex of the gasification options for the low and high cost.",
       "Published cost estimates of Kazakh gas projects moved by 2–5× between 2018 and 2025 "
       "(Saryarka II+III 67.1 → 182.1 bn KZT, phase IV 35.5 → 180.7 bn KZT [pipelines.csv]); "
       "the high factor is generous on purpose."),
    _a("A_OPTION_DIAMETERS", {"Saryarka II": [530, 630, 720], "Saryarka III": [426, 530],
                              "Ishim–Astana": [720, 820, 1020], "Altai trunk": [530, 720],
                              "Altai branches": [426, 530]}, "mm",
       "Standard outer diameters tried for each new pipe of the gasification options.",
       "The published or assumed diameter of each line and its standard neighbours; walls by "
       "A_WALL_NEW."),
    _a("A_DISCOUNT_RATE", {"low": 0.06, "central": 0.08, "high": 0.12}, "per year",
       "Real discount rate that annualises the capex of the gasification options (expansion "
       "planning: capital recovery factor over A_ASSET_LIFE).",
       "No financing terms of the options are published. 6–12 % spans state-backed "
       "infrastructure lending (low) to a commercial emerging-market cost of capital (high)."),
    _a("A_ASSET_LIFE", 30.0, "years",
       "Economic life of new pipe and compressor stations for the annualised capex.",
       "A common depreciation life of gas transmission assets; the physical life of trunk pipe "
       "is longer (CAC strings are 40–55 years old [pipelines.csv])."),
    _a("A_OPEX_PIPE", {"low": 0.005, "central": 0.01, "high": 0.02}, "share of capex per year",
       "Operation and maintenance of new pipe (excluding fuel).",
       "Not published for Kazakh lines; 0.5–2 % of capex per year is the usual planning range "
       "for buried steel trunk pipe."),
    _a("A_OPEX_CS", {"low": 0.02, "central": 0.03, "high": 0.05}, "share of capex per year",
       "Operation and maintenance of new compressor stations (excluding fuel).",
       "Not published; gas-turbine stations need 2–5 % of capex per year (overhauls, staff)."),
    _a("A_GASIF_DEMAND", {"low": 0.7, "central": 1.0, "high": 1.4}, "-",
       "Demand scenarios of the expansion planning: factors on the design demand of the north "
       "(Kokshetau, Petropavl: +1.7 bcm/y at the winter design rate) and of the east (Semey, "
       "Oskemen, Pavlodar: 2.3 bcm/y at winter peak).",
       "The two figures are single statements [pipelines.csv SARYARKA/phases II-IV/"
       "capacity_bcm_y_ministry; gasification_options.csv OPT_ALTAI/consumption estimate]; "
       "regional projections in the facts move by up to 3× (Kostanay 1–1.5 bcm/y today, 4.1 "
       "projected [gasification_regions.csv]). −30 %/+40 % brackets slow connection uptake and "
       "the wider Pavlodar scheme (all districts)."),
    _a("A_EXPANSION_CS_SIZES", [8.0, 16.0], "MW per station",
       "Sizes offered for each Saryarka phase IV station in the expansion planning: one or two "
       "8 MW units (A_SARY_CS_POWER is two).",
       "Unit size of A_SARY_CS_POWER; the cost per MW is A_COST_CS_PER_MW for either size."),
    _a("A_GAS_ONE", "composition A", "-",
       "One gas for the whole model: the Russian pipeline-gas composition A of gas_quality.csv.",
       "The transit gas is West Siberian (97.8–98.8 % CH₄ [STUDOPEDIA_COMP]); composition A "
       "(98.16 % CH₄) matches it; B (96.96 %) is leaner in methane. Kazakh domestic gas "
       "composition was not found; GOST 5542 applies to both [OBLGAZ_GOST]."),
]

#: Low and high assumption sets: the assumptions whose evidence leaves a range, with the value
#: each set takes (the central set is the model itself). The build writes each set as the
#: element fields, scenario entries and controls that differ from the central model
#: (``meta["assumption_sets"]``); ``linepack.load_case(name, assumptions="low")`` applies them.
ASSUMPTION_SETS = {
    "low": {
        "A_BORDER_P_MIN": 38.0,      # the 2023–24 string must still carry the Jan–Feb 2024 18.6 mcm/d
        "A_LOOP_2025": "instead",    # the refilled CAC-4 section replaces the CAC-5 one
        "A_SARY_HEAD_P": 45.3,       # lowest head that still meets the winter Saryarka demand
        "A_SUMMER_DERATE_P": 48.0,   # must still carry the Mar–Aug 2024 average
    },
    "high": {
        "A_BORDER_P_MIN": 33.0,      # keeps the one-string maximum within 20 % of 'twice' 9 mcm/d
        "A_LOOP_OD": 1420.0,
        "A_SARY_HEAD_P": 55.0,
        "A_SUMMER_DERATE_P": 52.0,   # must stay below the Jan–Feb 2024 flows
    },
}

# Component data for the bulk gas properties (same values as linepack.physics.gas):
# molar mass ISO 6976:2016 Table 1 [kg/mol]; Tc [K], pc [Pa] Poling et al. (2001) App. A;
# gross CV ISO 6976:1995 Table 5, 0 °C/0 °C [J/m³]; summation factor √b at 0 °C, Table 2.
COMPONENTS = {
    "CH4": (16.04246e-3, 190.56, 45.99e5, 39.840e6, 0.0490),
    "C2H6": (30.06904e-3, 305.32, 48.72e5, 69.790e6, 0.1000),
    "C3H8": (44.09562e-3, 369.83, 42.48e5, 99.220e6, 0.1453),
    "IC4H10": (58.1222e-3, 407.80, 36.40e5, 128.230e6, 0.2049),
    "NC4H10": (58.1222e-3, 425.12, 37.96e5, 128.660e6, 0.2069),
    "IC5H12": (72.14878e-3, 460.39, 33.81e5, 157.760e6, 0.2510),
    "NC5H12": (72.14878e-3, 469.70, 33.70e5, 158.070e6, 0.2864),
    "NC6H14": (86.17536e-3, 507.60, 30.25e5, 187.530e6, 0.3286),
    "N2": (28.0134e-3, 126.20, 33.98e5, 0.0, 0.0224),
    "CO2": (44.0095e-3, 304.12, 73.74e5, 0.0, 0.0819),
}
_COMP_ALIAS = {"CH4": "CH4", "C2": "C2H6", "C3": "C3H8", "iC4": "IC4H10", "nC4": "NC4H10",
               "iC5": "IC5H12", "nC5": "NC5H12", "C6": "NC6H14", "N2": "N2", "CO2": "CO2"}
R_MOLAR = 8.314462618  # [J/(mol·K)] (CODATA 2018, exact)
P_NORMAL = 101325.0    # [Pa]


# ======================================================================================
# facts
# ======================================================================================
class Facts:
    """The fact CSVs, addressable by (file, row key), with source keys resolved."""

    #: columns that make the row key of each file
    KEYS = {
        "route_nodes.csv": ("pipeline_id", "seq"),
        "compressor_stations.csv": ("pipeline_id", "station"),
        "pipelines.csv": ("pipeline_id", "segment", "attribute"),
        "transit_russia_uzbekistan.csv": ("period", "metric"),
        "gasification_options.csv": ("option_id", "attribute"),
        "gasification_regions.csv": ("region", "metric"),
        "kazakhstan_gas_balance.csv": ("year", "metric"),
        "gas_quality.csv": ("item", "reference_conditions"),
        "ground_conditions.csv": ("place", "metric"),
    }

    def __init__(self, folder: Path):
        self.folder = folder
        with open(folder / "sources.csv", newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        self.citation = {r["source_key"]: r["source"] for r in rows}
        self._key_of = {r["source"].strip(): r["source_key"] for r in rows}
        self.rows: dict[tuple[str, str], dict] = {}
        for fname, cols in self.KEYS.items():
            with open(folder / fname, newline="", encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
            keys = ["/".join(r[c].strip() for c in cols if r[c].strip()) for r in rows]
            for i, (key, r) in enumerate(zip(keys, rows)):
                if keys.count(key) > 1:  # same attribute twice: tell them apart by as_of
                    key = f"{key}@{r.get('as_of', '').strip() or f'line{i + 2}'}"
                if (fname, key) in self.rows:
                    raise SystemExit(f"{fname}: duplicate row key {key!r}")
                self.rows[(fname, key)] = r
        self.used: set[str] = set()
        # the December 2026 review addendum: a markdown table | # | item | value | confidence | source |
        self.addendum: dict[str, dict] = {}
        add = folder / ADDENDUM
        if add.exists():
            for line in add.read_text(encoding="utf-8").splitlines():
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                if len(cells) == 5 and re.fullmatch(r"A\d+", cells[0]):
                    self.addendum[cells[0]] = dict(zip(("id", "item", "value", "confidence",
                                                        "source"), cells))
                    self.citation[f"ADD_{cells[0]}"] = (f"{ADDENDUM} row {cells[0]} "
                                                       f"({cells[1]}): {cells[4]}")

    def add_ref(self, aid: str, note: str = "") -> str:
        """Provenance text of an addendum row: ``FACTS-addendum-2026-12.md A4 [ADD_A4] (medium)``."""
        if aid not in self.addendum:
            raise SystemExit(f"fact not found: {ADDENDUM} row {aid!r}")
        self.used.add(f"ADD_{aid}")
        extra = f"; {note}" if note else ""
        return f"{ADDENDUM} {aid} [ADD_{aid}] ({self.addendum[aid]['confidence']}){extra}"

    def row(self, fname: str, key: str) -> dict:
        try:
            return self.rows[(fname, key)]
        except KeyError:
            raise SystemExit(f"fact not found: {fname} row {key!r}") from None

    def source_key(self, fname: str, key: str, part: str = "route") -> str:
        """The source key of a row; ``part`` picks 'route' or 'coordinates' of composite cells."""
        text = self.row(fname, key)["source"].strip()
        pieces = text.split(" | ")
        if len(pieces) > 1:  # "[route: ]X | coordinates: Y"
            parts = {}
            for i, piece in enumerate(pieces):
                m = re.match(r"(route|coordinates): (.*)$", piece.strip(), re.S)
                label, body = (m.group(1), m.group(2)) if m else ("route" if i == 0 else f"p{i}", piece)
                parts[label] = body.strip()
            text = parts.get(part) or parts["route"]
        else:
            m = re.match(r"route: (.*)$", text, re.S)
            text = m.group(1).strip() if m else text
        if text not in self._key_of:
            raise SystemExit(f"{fname} row {key!r}: source {text[:60]!r} has no key in sources.csv")
        skey = self._key_of[text]
        self.used.add(skey)
        return skey

    def ref(self, fname: str, key: str, part: str = "route", note: str = "") -> str:
        """Provenance text of a fact row: ``file row [SOURCE] (confidence)``."""
        skey = self.source_key(fname, key, part)
        conf = self.row(fname, key).get("confidence", "").strip() or "n/a"
        extra = f"; {note}" if note else ""
        return f"{fname} {key} [{skey}] ({conf}){extra}"

    def ref_missing(self, fname: str, key: str) -> str:
        """Provenance text of a row that records a value as not found (no source key)."""
        note = self.row(fname, key).get("note", "").strip()
        return f"{fname} {key} ({note or 'not found'})"

    def value(self, fname: str, key: str, col: str = "value") -> str:
        return self.row(fname, key)[col].strip()

    def number(self, fname: str, key: str, col: str = "value") -> float:
        """The first number in a cell (``~311``, ``1061 (main route); ...``)."""
        cell = self.value(fname, key, col)
        m = re.search(r"-?\d+(?:[.,]\d+)*", cell)
        if not m:
            raise SystemExit(f"{fname} row {key!r}: no number in {col}={cell!r}")
        return float(m.group(0).replace(",", ""))

    def latlon(self, fname: str, key: str) -> tuple[float, float]:
        r = self.row(fname, key)
        if not r["lat"].strip():
            raise SystemExit(f"{fname} row {key!r} has no coordinates")
        return float(r["lat"]), float(r["lon"])


# ======================================================================================
# helpers
# ======================================================================================
AID = {a["id"]: a for a in ASSUMPTIONS}


def A(aid: str):
    """Value of an assumption (and check that it exists)."""
    return AID[aid]["value"]


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (la1, lo1), (la2, lo2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = (math.sin((la2 - la1) / 2) ** 2
         + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def lerp(a, b, t):
    return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))


def r(x: float, nd: int) -> float:
    """Stable rounding (no -0.0)."""
    y = round(float(x), nd)
    return 0.0 if y == 0 else y


def bcm_y_to_normal_mcm_d(q_bcm_y: float, days: float = 365.0) -> float:
    """bcm/y of 20 °C m³ → million normal (0 °C) m³ per day."""
    return q_bcm_y * 1000.0 / days * STD_TO_NORMAL


def inner_mm(od: float, wall: float) -> float:
    return od - 2.0 * wall


# ======================================================================================
# the model
# ======================================================================================
class Model:
    def __init__(self, facts: Facts):
        self.f = facts
        self.nodes: dict[str, dict] = {}
        self.conns: dict[str, dict] = {}
        self.pos: dict[str, tuple[float, float]] = {}

    # -- elements ------------------------------------------------------------------
    def node(self, nid, kind, alias, latlon, prov_pos, height_aid, p_max, prov_pmax,
             p_min=None, prov_pmin=None):
        assert nid not in self.nodes and nid not in self.conns, nid
        if p_min is None:
            p_min = A("A_P_MIN_NODE")
            prov_pmin = (self.f.ref("pipelines.csv", "CAC/system/design_pressure_MPa",
                                    note="Intergas operating range 3–9.81 MPa")
                         + " + A_P_MIN_NODE")
        lat, lon = latlon
        self.pos[nid] = (lat, lon)
        self.nodes[nid] = {
            "id": nid, "kind": kind, "alias": alias,
            "lon": r(lon, 4), "lat": r(lat, 4),
            "height_m": r(A(height_aid), 1),
            "p_min_bar": r(p_min, 2), "p_max_bar": r(p_max, 2),
            "provenance": {"lon": prov_pos, "lat": prov_pos, "height_m": height_aid,
                           "p_min_bar": prov_pmin, "p_max_bar": prov_pmax},
        }

    def pipe(self, cid, frm, to, alias, length_km, prov_len, od_mm, prov_od, wall_mm,
             wall_aid, rough_aid):
        self._conn(cid, "pipe", frm, to, alias,
                   {"length_km": r(length_km, 2), "diameter_mm": r(inner_mm(od_mm, wall_mm), 1),
                    "roughness_mm": r(A(rough_aid), 4)},
                   {"length_km": prov_len,
                    "diameter_mm": f"{prov_od}; inner = OD {od_mm:g} − 2×{wall_mm:g} mm ({wall_aid})",
                    "roughness_mm": rough_aid})

    def station(self, cid, frm, to, alias, p_out_max, prov_pout, ratio_aid, power, prov_power,
                eff_aid):
        self._conn(cid, "compressorStation", frm, to, alias,
                   {"p_in_min_bar": r(A("A_CS_P_IN_MIN"), 2), "p_out_max_bar": r(p_out_max, 2),
                    "ratio_max": r(A(ratio_aid), 3), "power_max_mw": r(power, 2),
                    "efficiency": r(A(eff_aid), 3)},
                   {"p_in_min_bar": "A_CS_P_IN_MIN", "p_out_max_bar": prov_pout,
                    "ratio_max": ratio_aid, "power_max_mw": prov_power, "efficiency": eff_aid})

    def _conn(self, cid, kind, frm, to, alias, values, prov):
        assert cid not in self.conns and cid not in self.nodes, cid
        assert frm in self.nodes and to in self.nodes, (cid, frm, to)
        rec = {"id": cid, "kind": kind, "from": frm, "to": to, "alias": alias, **values}
        if prov:
            rec["provenance"] = prov
        self.conns[cid] = rec

    def simple(self, cid, kind, frm, to, alias, prov_note):
        """A connection without numeric fields (valve, shortPipe)."""
        self._conn(cid, kind, frm, to, alias, {}, {"topology": prov_note})

    def station_nodes(self, base, alias, latlon, prov_pos, h, pmax, prov_pmax):
        self.node(f"{base}_in", "innode", f"{alias} (inlet)", latlon, prov_pos, h, pmax, prov_pmax)
        self.node(f"{base}_out", "innode", f"{alias} (outlet)", latlon, prov_pos, h, pmax, prov_pmax)


def build(facts: Facts) -> dict:
    f = facts
    m = Model(f)
    RN, CS, PL = "route_nodes.csv", "compressor_stations.csv", "pipelines.csv"

    def coord_ref(fname, key):
        return f.ref(fname, key, part="coordinates")

    # ---------------------------------------------------------------- transit island
    cac_pmax = A("A_CAC_MAOP")
    P_CAC = "A_CAC_MAOP"
    ag = f.latlon(RN, "CAC/1")
    mk = f.latlon(RN, "CAC/2")
    ku = f.latlon(RN, "CAC/3")
    be = f.latlon(RN, "CAC/5")
    kg = f.latlon(RN, "CAC/7")
    zh = lerp(ag, mk, A("A_POS_ZHANGALA"))
    op = lerp(ku, be, A("A_POS_OPORNAYA"))
    kk = lerp(be, kg, A("A_POS_KARAKALPAKIYA"))

    m.node("alexandrov_gai", "source", "CS Alexandrov Gai (Gazprom), head of the reverse route",
           ag, coord_ref(RN, "CAC/1"), "A_H_CASPIAN", cac_pmax, P_CAC)
    m.station_nodes("zhangala", "CS Zhangala", zh,
                    f.ref(CS, "CAC/Zhangala") + " + A_POS_ZHANGALA (between "
                    + f.ref(RN, "CAC/1", "coordinates") + " and " + f.ref(RN, "CAC/2", "coordinates") + ")",
                    "A_H_CASPIAN", cac_pmax, P_CAC)
    m.station_nodes("makat", "CS Makat", mk, coord_ref(RN, "CAC/2"), "A_H_CASPIAN", cac_pmax, P_CAC)
    m.station_nodes("kulsary", "CS Kulsary", ku, coord_ref(RN, "CAC/3"), "A_H_CASPIAN", cac_pmax, P_CAC)
    m.station_nodes("opornaya", "CS Opornaya", op,
                    f.ref(RN, "CAC/4") + " + A_POS_OPORNAYA (between "
                    + f.ref(RN, "CAC/3", "coordinates") + " and " + f.ref(RN, "CAC/5", "coordinates") + ")",
                    "A_H_CASPIAN", cac_pmax, P_CAC)
    m.station_nodes("beineu", "CS Beineu (CAC)", be, coord_ref(RN, "CAC/5"), "A_H_CASPIAN",
                    cac_pmax, P_CAC)
    kk_prov = (f.ref(RN, "CAC/6") + " + A_POS_KARAKALPAKIYA (between "
               + f.ref(RN, "CAC/5", "coordinates") + " and " + f.ref(RN, "CAC/7", "coordinates") + ")")
    m.node("karakalpakiya_in", "innode", "GIS Karakalpakiya inlet: end of the dedicated route", kk,
           kk_prov, "A_H_USTYURT", cac_pmax, P_CAC, A("A_BORDER_P_MIN"), "A_BORDER_P_MIN")
    m.node("karakalpakiya", "sink", "GIS Karakalpakiya (delivery to Uzbekistan)", kk, kk_prov,
           "A_H_USTYURT", cac_pmax, P_CAC, A("A_BORDER_P_MIN"), "A_BORDER_P_MIN")
    # The Uzbek receiving side (32 mcm/d, 20 °C) as the largest flow into Karakalpakiya.
    rho_n = gas_properties(f)[0]["normal_density"]
    uz_q20 = float(re.search(r"(\d+) mcm/d", f.addendum["A4"]["value"]).group(1))  # 32
    m._conn("uz_receiving_side", "shortPipe", "karakalpakiya_in", "karakalpakiya",
            "Uzbek receiving side at GIS Karakalpakiya (limit 32 mcm/d, 20 °C)",
            {"flow_max_kg_s": r(uz_q20 * 1e6 * STD_TO_NORMAL * rho_n / 86400.0, 4)},
            {"flow_max_kg_s": (f.add_ref("A4", note="32 mcm/d") + " + A_UZ_BASIS; × 273.15/293.15 "
                               "× normal density / 86 400 s"),
             "topology": f.add_ref("A4")})

    # The dedicated route as sections: the 2023–24 string (cac_a_*) from station to station,
    # split at km 851 (A_CHAINAGE, A_SECTION_SNAP), and beside each section the parallel
    # section of the other string (cac_loop_*) behind a valve.
    od_a = A("A_CAC_A_OD")
    od_loop = A("A_LOOP_OD")
    walls = {1220.0: ("A_CAC_WALL_1220", A("A_CAC_WALL_1220")),
             1420.0: ("A_CAC_WALL_1420", A("A_CAC_WALL_1420"))}
    prov_od = f.ref(PL, "CAC/CAC-4/diameter_mm") + " + {aid}"
    short = lambda n: n.removesuffix("_in").removesuffix("_out")  # noqa: E731
    legs = [("alexandrov_gai", "zhangala_in"), ("zhangala_out", "makat_in"),
            ("makat_out", "kulsary_in"), ("kulsary_out", "opornaya_in"),
            ("opornaya_out", "beineu_in"), ("beineu_out", "karakalpakiya_in")]
    gc_legs = [great_circle_km(m.pos[a_], m.pos[b_]) * A("A_ROUTE_FACTOR_CAC") for a_, b_ in legs]
    total_route = sum(r(x, 2) for x in gc_legs)
    k_top, k_bot = A("A_CHAINAGE")
    km_per_model_km = (k_top - k_bot) / total_route
    # km 851 lies on the Zhangala–Makat leg: split it there
    x851 = (k_top - 851.0) / km_per_model_km - r(gc_legs[0], 2)
    t851 = x851 / gc_legs[1]
    assert 0.0 < t851 < 1.0, t851
    m.node("cac_km851", "innode", "CAC km 851: end of the CAC-4 section refilled in Aug 2025",
           lerp(m.pos["zhangala_out"], m.pos["makat_in"], t851),
           f.ref(PL, "CAC/CAC-4/CAC-5 reverse route/repair_completed") + " + A_CHAINAGE",
           "A_H_CASPIAN", cac_pmax, P_CAC)
    repair_ref = f.ref(PL, "CAC/CAC-4/km_chainage_KZ")
    refill_ref = f.ref(PL, "CAC/CAC-4/CAC-5 reverse route/repair_completed") + " and " + f.add_ref("A2")
    # (from, to, length, section label, why the loop exists)
    sections = [
        ("alexandrov_gai", "zhangala_in", r(gc_legs[0], 2), "s1a", "km 1134–985", refill_ref),
        ("zhangala_out", "cac_km851", r(x851, 2), "s1b", "km 985–851", refill_ref),
        ("cac_km851", "makat_in", r(gc_legs[1], 2) - r(x851, 2), "s2", "km 850–695", repair_ref),
        ("makat_out", "kulsary_in", r(gc_legs[2], 2), "s3", "km 695–598", repair_ref),
        ("kulsary_out", "opornaya_in", r(gc_legs[3], 2), "s4", "km 598–501",
         f.ref(PL, "CAC/CAC-4/length_km_KZ") + " (km 598–501 is not in the 2025 repair list "
         + repair_ref + ")"),
        ("opornaya_out", "beineu_in", r(gc_legs[4], 2), "s5", "km 501–390", repair_ref),
        ("beineu_out", "karakalpakiya_in", r(gc_legs[5], 2), "s6", "km 390–311", repair_ref),
    ]
    cac_total = 0.0
    route_pipes, loop_valves = [], {}
    for a_node, b_node, length, sec, kms, why in sections:
        seg = f"{short(a_node)}_{short(b_node)}"
        cac_total += length
        prov_len = ("great circle × A_ROUTE_FACTOR_CAC"
                    + (", split at km 851 (A_CHAINAGE)" if "km851" in seg else ""))
        wa, wv = walls[od_a]
        m.pipe(f"cac_a_{seg}", a_node, b_node,
               f"CAC dedicated route {short(a_node)}–{short(b_node)} ({kms})", length, prov_len,
               od_a, prov_od.format(aid="A_CAC_A_OD"), wv, wa, "A_ROUGH_OLD")
        route_pipes.append(f"cac_a_{seg}")
        head = f"cac_loop_{seg}_head"
        m.node(head, "innode", f"CAC parallel section {short(a_node)}–{short(b_node)} (behind valve)",
               m.pos[a_node], m.nodes[a_node]["provenance"]["lon"], _h_aid(m, a_node), cac_pmax, P_CAC)
        m.simple(f"v_cac_loop_{seg}", "valve", a_node, head,
                 f"valve of the parallel CAC-4 section {kms} ({short(a_node)}–{short(b_node)})",
                 f"{why} + A_CHAINAGE + A_SECTION_SNAP")
        wl, wlv = walls[od_loop]
        m.pipe(f"cac_loop_{seg}", head, b_node,
               f"CAC-4 parallel section {kms} ({short(a_node)}–{short(b_node)})", length, prov_len,
               od_loop, prov_od.format(aid="A_LOOP_OD"), wlv, wl, "A_ROUGH_OLD")
        loop_valves[f"cac_loop_{seg}"] = {"valve": f"v_cac_loop_{seg}", "section": sec,
                                          "chainage": kms, "length_km": length}
    for st, nm in (("zhangala", "Zhangala"), ("makat", "Makat"), ("kulsary", "Kulsary"),
                   ("opornaya", "Opornaya"), ("beineu", "Beineu")):
        rowkey = f"CAC/{nm}"
        m.station(f"cs_{st}", f"{st}_in", f"{st}_out", f"CS {nm} (CAC, dedicated route)",
                  cac_pmax, P_CAC, "A_CAC_CS_RATIO_MAX", A("A_CAC_CS_POWER"),
                  f.ref(CS, rowkey, note="installed power not published") + " + A_CAC_CS_POWER",
                  "A_CS_EFF_OLD")
    m.transit = {"pipes": route_pipes, "loops": loop_valves}

    # ---------------------------------------------------------------- domestic island
    bbs_pmax = A("A_BBS_MAOP")
    P_BBS = f.ref(PL, "BBS/line 1/design_pressure_MPa") + " + A_BBS_MAOP"
    b_be = f.latlon(RN, "BBS/1")
    b_aral = f.latlon(RN, "BBS/3")
    b_turk = f.latlon(RN, "BBS/7")
    b_shym = f.latlon(RN, "BBS/8")
    km = {"bozoi": f.number(CS, "BBS/Bozoi", "km_post"), "aral": f.number(CS, "BBS/Aral", "km_post"),
          "korkyt_ata": f.number(CS, "BBS/Korkyt Ata", "km_post"),
          "karaozek": f.number(CS, "BBS/Karaozek", "km_post"),
          "turkestan": f.number(CS, "BBS/Turkestan", "km_post"),
          "shymkent": f.number(PL, "BBS/line 1/length_km")}
    km_ref = {"bozoi": f.ref(CS, "BBS/Bozoi") + " and " + f.ref(PL, "BBS/line 1/section_length_km"),
              "aral": f.ref(CS, "BBS/Aral"), "korkyt_ata": f.ref(CS, "BBS/Korkyt Ata"),
              "karaozek": f.ref(CS, "BBS/Karaozek"), "turkestan": f.ref(CS, "BBS/Turkestan"),
              "shymkent": f.ref(PL, "BBS/line 1/length_km")}

    def on_bbs(k):
        if k <= km["aral"]:
            return lerp(b_be, b_aral, k / km["aral"])
        return lerp(b_aral, b_turk, (k - km["aral"]) / (km["turkestan"] - km["aral"]))

    m.node("beineu_bbs", "source", "Beineu hub: head of Beineu–Bozoi–Shymkent (domestic supply)",
           b_be, coord_ref(RN, "BBS/1"), "A_H_CASPIAN", bbs_pmax, P_BBS)
    m.simple("v_beineu_interconnect", "valve", "beineu_out", "beineu_bbs",
             "Beineu crossover between the dedicated transit string and the BBS head (closed)",
             f.ref(PL, "CAC/CAC-4/CAC-5 reverse route/metering_note") + " + A_INTERCONNECT")
    bbs_pos = {
        "bozoi": (on_bbs(km["bozoi"]), f"{km_ref['bozoi']} + A_POS_KM_POST (km {km['bozoi']:g})", "A_H_TURAN"),
        "aral": (b_aral, coord_ref(RN, "BBS/3"), "A_H_TURAN"),
        "korkyt_ata": (on_bbs(km["korkyt_ata"]),
                       f"{km_ref['korkyt_ata']} + A_POS_KM_POST (km {km['korkyt_ata']:g})", "A_H_TURAN"),
        "karaozek": (on_bbs(km["karaozek"]),
                     f"{km_ref['karaozek']} + A_POS_KM_POST (km {km['karaozek']:g})", "A_H_TURAN"),
        "turkestan": (b_turk, coord_ref(RN, "BBS/7"), "A_H_TURKESTAN"),
    }
    names = {"bozoi": "Bozoi", "aral": "Aral", "korkyt_ata": "Korkyt Ata", "karaozek": "Karaozek",
             "turkestan": "Turkestan"}
    for k, (ll, pr, h) in bbs_pos.items():
        m.station_nodes(k, f"CS {names[k]} (BBS)", ll, pr, h, bbs_pmax, P_BBS)
    m.node("shymkent_akbulak", "sink", "Shymkent, Akbulak GMS: end of BBS (southern grid, export)",
           b_shym, coord_ref(RN, "BBS/8"), "A_H_SHYMKENT", bbs_pmax, P_BBS)
    m.node("kyzylorda", "sink", "Kyzylorda city and region offtake (at Karaozek)",
           tuple(A("A_KYZYLORDA_COORD")), "A_KYZYLORDA_COORD", "A_H_TURAN", bbs_pmax, P_BBS)
    m.node("turkestan", "sink", "Turkestan city offtake (at Turkestan CS)", b_turk,
           coord_ref(RN, "BBS/7"), "A_H_TURKESTAN", bbs_pmax, P_BBS)
    m.simple("sp_kyzylorda", "shortPipe", "karaozek_in", "kyzylorda", "Kyzylorda offtake",
             "A_SHORTPIPE_OFFTAKE")
    m.simple("sp_turkestan", "shortPipe", "turkestan_in", "turkestan", "Turkestan city offtake",
             "A_SHORTPIPE_OFFTAKE")
    od_bbs = f.number(PL, "BBS/line 1/diameter_mm")
    prov_od_bbs = f.ref(PL, "BBS/line 1/diameter_mm")
    km["km988"] = A("A_SARY_TIEIN")
    km_ref["km988"] = f.add_ref("A10") + " + A_SARY_TIEIN"
    tie_pos = on_bbs(km["km988"])
    m.node("bbs_km988", "innode", "BBS km 988: Saryarka tie-in (44 km after CS Karaozek)", tie_pos,
           km_ref["km988"] + " + A_POS_KM_POST", "A_H_TURAN", bbs_pmax, P_BBS)
    chain = ["beineu_bbs", "bozoi", "aral", "korkyt_ata", "karaozek", "km988", "turkestan",
             "shymkent"]
    kms = [0.0] + [km[c] for c in chain[1:]]
    od_bbs2 = A("A_BBS2_OD")
    prov_od_bbs2 = f.ref(PL, "BBS/line 2 (BBSh-2)/diameter_mm") + " + A_BBS2_OD"
    bbs2_valves = []
    for i in range(len(chain) - 1):
        a_, b_ = chain[i], chain[i + 1]
        frm = {"beineu_bbs": "beineu_bbs", "km988": "bbs_km988"}.get(a_, f"{a_}_out")
        to = {"shymkent": "shymkent_akbulak", "km988": "bbs_km988"}.get(b_, f"{b_}_in")
        a_name = "beineu" if a_ == "beineu_bbs" else a_
        prov_len = (f"km posts {kms[i]:g} → {kms[i + 1]:g}: "
                    + (km_ref[a_] + " → " if a_ in km_ref else "Beineu km 0 → ") + km_ref[b_])
        m.pipe(f"bbs_{a_name}_{b_}", frm, to, f"Beineu–Bozoi–Shymkent line 1, {a_name}–{b_}",
               kms[i + 1] - kms[i], prov_len, od_bbs, prov_od_bbs, A("A_WALL_BBS"), "A_WALL_BBS",
               "A_ROUGH_NEW")
        # line 2 (BBSh-2) beside it, behind a valve (open in the 2028–30 option scenarios)
        head = f"bbs2_{a_name}_{b_}_head"
        m.node(head, "innode", f"BBS line 2 {a_name}–{b_} (behind valve)", m.pos[frm],
               m.nodes[frm]["provenance"]["lon"], _h_aid(m, frm), bbs_pmax, P_BBS)
        m.simple(f"v_bbs2_{a_name}_{b_}", "valve", frm, head,
                 f"valve of BBS line 2 {a_name}–{b_}",
                 f.ref(PL, "BBS/line 2 (BBSh-2)/status") + " and " + f.add_ref("A11")
                 + " + A_BBS2_SHARED_CS")
        bbs2_valves.append(f"v_bbs2_{a_name}_{b_}")
        m.pipe(f"bbs2_{a_name}_{b_}", head, to, f"Beineu–Bozoi–Shymkent line 2 (stage 1), {a_name}–{b_}",
               kms[i + 1] - kms[i], prov_len + " (as line 1, A_BBS2_SHARED_CS)", od_bbs2,
               prov_od_bbs2, A("A_WALL_BBS"), "A_WALL_BBS", "A_ROUGH_NEW")
    for k in names:
        rowkey = {"korkyt_ata": "BBS/Korkyt Ata"}.get(k, f"BBS/{names[k]}")
        m.station(f"cs_{k}", f"{k}_in", f"{k}_out", f"CS {names[k]} (BBS km {km[k]:g})",
                  bbs_pmax, P_BBS, "A_BBS_CS_RATIO_MAX", A("A_BBS_CS_POWER"),
                  f.ref(CS, rowkey, note="installed power not published") + " + A_BBS_CS_POWER",
                  "A_CS_EFF_NEW")

    # Saryarka phase I
    new_pmax = A("A_MAOP_NEW")
    P_NEW = "A_MAOP_NEW"
    m.node("saryarka_head", "innode", "Saryarka head at BBS km 988 (after the regulator)",
           tie_pos, km_ref["km988"] + " + A_POS_KM_POST", "A_H_TURAN", new_pmax, P_NEW)
    m._conn("cv_saryarka_head", "controlValve", "bbs_km988", "saryarka_head",
            "Saryarka tie-in regulator at BBS km 988 (BBS → Saryarka)",
            {"p_in_min_bar": r(A("A_CS_P_IN_MIN"), 2), "p_out_max_bar": r(new_pmax, 2)},
            {"p_in_min_bar": "A_CS_P_IN_MIN", "p_out_max_bar": "A_MAOP_NEW",
             "topology": f.add_ref("A10") + " + A_SARY_TIEIN; "
             + f.ref(PL, "SARYARKA/phase I/route_summary")})
    SY = "SARYARKA"
    zk = f.latlon(RN, f"{SY}/2")
    kr = f.latlon(RN, f"{SY}/3")
    tm = f.latlon(RN, f"{SY}/4")
    asn = f.latlon(RN, f"{SY}/5")
    m.station_nodes("zhezkazgan", "Zhezkazgan tap km 373.9 / planned CS", zk,
                    coord_ref(RN, f"{SY}/2") + " + A_SARY_ZHEZKAZGAN_TAP", "A_H_STEPPE", new_pmax, P_NEW)
    m.node("karaganda", "sink", "Karaganda offtake", kr, coord_ref(RN, f"{SY}/3"), "A_H_UPLANDS",
           new_pmax, P_NEW)
    m.station_nodes("temirtau", "Temirtau offtake / planned CS", tm, coord_ref(RN, f"{SY}/4"),
                    "A_H_UPLANDS", new_pmax, P_NEW)
    m.nodes["zhezkazgan_in"]["kind"] = "sink"
    m.nodes["zhezkazgan_in"]["alias"] = "Zhezkazgan offtake (tap km 373.9), inlet of planned CS"
    m.nodes["temirtau_in"]["kind"] = "sink"
    m.nodes["temirtau_in"]["alias"] = "Temirtau offtake, inlet of planned CS"
    m.node("astana", "sink", "Astana (end of Saryarka phase I)", asn, coord_ref(RN, f"{SY}/5"),
           "A_H_STEPPE", new_pmax, P_NEW)
    od_sy = f.number(PL, f"{SY}/phase I/diameter_mm")
    w_new = A("A_WALL_NEW")
    tap = f.number(PL, f"{SY}/phase I/route_summary", "note")  # "tap at km 373.9 ..."
    total_sy = f.number(PL, f"{SY}/phase I/length_km")
    prov_sy_od = f.ref(PL, f"{SY}/phase I/diameter_mm")
    m.pipe("sary1_karaozek_zhezkazgan", "saryarka_head", "zhezkazgan_in",
           "Saryarka phase I, Karaozek–Zhezkazgan tap", tap,
           f"km 0 → {tap:g}: " + f.ref(PL, f"{SY}/phase I/route_summary",
                                       note="tap at km 373.9") + " + A_SARY_ZHEZKAZGAN_TAP",
           od_sy, prov_sy_od, w_new["820"], "A_WALL_NEW", "A_ROUGH_NEW")
    rest = [("zhezkazgan_out", "karaganda", "zhezkazgan", "karaganda"),
            ("karaganda", "temirtau_in", "karaganda", "temirtau"),
            ("temirtau_out", "astana", "temirtau", "astana")]
    gcs = [great_circle_km(m.pos[a_], m.pos[b_]) for a_, b_, _, _ in rest]
    for (a_, b_, na, nb), gc in zip(rest, gcs):
        length = (total_sy - tap) * gc / sum(gcs)
        m.pipe(f"sary1_{na}_{nb}", a_, b_, f"Saryarka phase I, {na}–{nb}", length,
               f"({f.ref(PL, f'{SY}/phase I/length_km')} − km {tap:g}) × great circle "
               f"{gc:.1f}/{sum(gcs):.1f} km (A_PRORATE)",
               od_sy, prov_sy_od, w_new["820"], "A_WALL_NEW", "A_ROUGH_NEW")
    for st, rowkey, nm in (("zhezkazgan", f"{SY}/Zhezkazgan (planned, phase IV)", "Zhezkazgan"),
                           ("temirtau", f"{SY}/Temirtau (planned, phase IV)", "Temirtau")):
        m.station(f"cs_{st}", f"{st}_in", f"{st}_out", f"CS {nm} (Saryarka phase IV, planned)",
                  new_pmax, P_NEW, "A_SARY_CS_RATIO_MAX", A("A_SARY_CS_POWER"),
                  f.ref(CS, rowkey, note="installed power not published") + " + A_SARY_CS_POWER",
                  "A_CS_EFF_NEW")

    # Option A: Saryarka phases II + III
    ko = f.latlon(RN, f"{SY}/6")
    pe = f.latlon(RN, f"{SY}/7")
    m.node("kokshetau", "sink", "Kokshetau (Saryarka phase II end, planned)", ko,
           coord_ref(RN, f"{SY}/6"), "A_H_NORTH", new_pmax, P_NEW)
    m.node("petropavl", "sink", "Petropavl (Saryarka phase III end, planned)", pe,
           coord_ref(RN, f"{SY}/7"), "A_H_NORTH", new_pmax, P_NEW)
    m.pipe("sary2_astana_kokshetau", "astana", "kokshetau", "Saryarka phase II Astana–Kokshetau (planned)",
           f.number(PL, f"{SY}/phase II/length_km"), f.ref(PL, f"{SY}/phase II/length_km"),
           f.number(PL, f"{SY}/phase II/diameter_mm"), f.ref(PL, f"{SY}/phase II/diameter_mm"),
           w_new["630"], "A_WALL_NEW", "A_ROUGH_NEW")
    m.pipe("sary3_kokshetau_petropavl", "kokshetau", "petropavl",
           "Saryarka phase III Kokshetau–Petropavl (planned)",
           f.number(PL, f"{SY}/phase III/length_km"), f.ref(PL, f"{SY}/phase III/length_km"),
           f.number(PL, f"{SY}/phase III/diameter_mm"), f.ref(PL, f"{SY}/phase III/diameter_mm"),
           w_new["426"], "A_WALL_NEW", "A_ROUGH_NEW")

    # Option B: Ishim - Astana
    OI = "OPT_ISHIM_ASTANA"
    ish = f.latlon(RN, f"{OI}/1")
    m.node("ishim", "source", "Ishim (Russia): entry of the planned Ishim–Astana line", ish,
           coord_ref(RN, f"{OI}/1"), "A_H_NORTH", new_pmax, P_NEW)
    m.node("ishim_out", "innode", "Ishim–Astana station outlet (planned)", ish,
           coord_ref(RN, f"{OI}/1") + " + A_ISHIM_CS_AT_HEAD", "A_H_NORTH", new_pmax, P_NEW)
    m.node("petropavl_ishim", "sink", "Petropavl offtake on the Ishim–Astana line (option B)",
           f.latlon(RN, f"{OI}/2"), coord_ref(RN, f"{OI}/2") + " + A_OPTION_B_NODES", "A_H_NORTH",
           new_pmax, P_NEW)
    m.node("kokshetau_ishim", "sink", "Kokshetau offtake on the Ishim–Astana line (option B)",
           f.latlon(RN, f"{OI}/3"), coord_ref(RN, f"{OI}/3") + " + A_OPTION_B_NODES", "A_H_NORTH",
           new_pmax, P_NEW)
    ishim_len = f.number("gasification_options.csv", f"{OI}/length")
    legs = [("ishim_out", "petropavl_ishim", "ishim", "petropavl"),
            ("petropavl_ishim", "kokshetau_ishim", "petropavl", "kokshetau"),
            ("kokshetau_ishim", "astana", "kokshetau", "astana")]
    gcs = [great_circle_km(m.pos[a_], m.pos[b_]) for a_, b_, _, _ in legs]
    for (a_, b_, na, nb), gc in zip(legs, gcs):
        m.pipe(f"ishim_{na}_{nb}", a_, b_, f"Ishim–Astana (planned), {na}–{nb}",
               ishim_len * gc / sum(gcs),
               f"{f.ref('gasification_options.csv', f'{OI}/length')} × great circle "
               f"{gc:.1f}/{sum(gcs):.1f} km (A_PRORATE)",
               A("A_ISHIM_OD"), f.ref_missing("gasification_options.csv", f"{OI}/diameter")
               + " + A_ISHIM_OD",
               w_new["1020"], "A_WALL_NEW", "A_ROUGH_NEW")
    m.station("cs_ishim", "ishim", "ishim_out", "Ishim–Astana compressor power, lumped (planned)",
              new_pmax, P_NEW, "A_ISHIM_RATIO_MAX",
              f.number("gasification_options.csv", f"{OI}/compressor power"),
              f.ref("gasification_options.csv", f"{OI}/compressor power") + " and "
              + f.ref(CS, f"{OI}/Ishim-Astana compressor stations (planned, total)")
              + " + A_ISHIM_CS_AT_HEAD", "A_CS_EFF_NEW")

    # Option C: Altai route (own island)
    AL = "OPT_ALTAI"
    altai = {"barnaul": f"{AL}/1", "rubtsovsk": f"{AL}/2", "semey": f"{AL}/3",
             "oskemen": f"{AL}/4", "pavlodar": f"{AL}/5"}
    aliases = {"barnaul": "Barnaul (Russia): head of the Altai option",
               "rubtsovsk": "Rubtsovsk (Russia), Altai option", "semey": "Semey offtake (Altai option)",
               "oskemen": "Oskemen offtake (Altai option)", "pavlodar": "Pavlodar offtake (Altai option)"}
    kinds = {"barnaul": "source", "rubtsovsk": "innode"}
    for nid, rk in altai.items():
        m.node(nid, kinds.get(nid, "sink"), aliases[nid], f.latlon(RN, rk), coord_ref(RN, rk),
               "A_H_IRTYSH", new_pmax, P_NEW)
    legs = [("barnaul", "rubtsovsk", "720"), ("rubtsovsk", "semey", "720"),
            ("semey", "oskemen", "530"), ("semey", "pavlodar", "530")]
    gcs = [great_circle_km(m.pos[a_], m.pos[b_]) for a_, b_, _ in legs]
    altai_len = f.number("gasification_options.csv", f"{AL}/length")
    for (a_, b_, od), gc in zip(legs, gcs):
        m.pipe(f"altai_{a_}_{b_}", a_, b_, f"Altai option (studied), {a_}–{b_}",
               altai_len * gc / sum(gcs),
               f"{f.ref('gasification_options.csv', f'{AL}/length')} × great circle "
               f"{gc:.1f}/{sum(gcs):.1f} km (A_PRORATE)",
               float(od), f.ref_missing("gasification_options.csv", f"{AL}/diameter")
               + " + A_ALTAI_OD", w_new[od], "A_WALL_NEW", "A_ROUGH_NEW")

    # ---------------------------------------------------------------- gas
    gas, gas_prov = gas_properties(f)

    # ---------------------------------------------------------------- controls
    cac_cs = [f"cs_{s}" for s in ("zhangala", "makat", "kulsary", "opornaya", "beineu")]
    loops = m.transit["loops"]
    bbs_cs = [f"cs_{s}" for s in names]
    base = {"v_beineu_interconnect": {"mode": "closed"},
            "cv_saryarka_head": {"mode": "active", "p_out_bar": r(A("A_SARY_HEAD_P"), 2)},
            "cs_zhezkazgan": {"mode": "bypass"}, "cs_temirtau": {"mode": "bypass"},
            "cs_ishim": {"mode": "bypass"}}
    for c in bbs_cs:
        base[c] = {"mode": "active", "p_out_bar": r(A("A_BBS_CS_P_OUT"), 2)}
    open_2025 = {"s1a", "s1b"} if A("A_LOOP_2025") != "instead" else set()  # A_LOOP_2025
    open_2026 = {"s1a", "s1b", "s2", "s3", "s5", "s6"}           # A_REPAIR_2026

    def cset(open_sections, cac_active: bool, options: bool = False, **extra):
        out = dict(base)
        for lp in loops.values():
            out[lp["valve"]] = {"mode": "open" if lp["section"] in open_sections else "closed"}
        for v in bbs2_valves:
            out[v] = {"mode": "open" if options else "closed"}
        for c in cac_cs:
            out[c] = ({"mode": "active", "p_out_bar": r(A("A_CAC_MAOP"), 2)} if cac_active
                      else {"mode": "bypass"})
        if options:
            out["cv_saryarka_head"] = {"mode": "active", "p_out_bar": r(A("A_SARY_HEAD_P_FULL"), 2)}
        out.update(extra)
        return dict(sorted(out.items()))

    sary_iv = {c: {"mode": "active", "p_out_bar": r(A("A_SARY_HEAD_P_FULL"), 2)}
               for c in ("cs_zhezkazgan", "cs_temirtau")}
    controls = {
        "default": cset(set(), False),
        "combined-2025": cset(open_2025, False),
        "combined-2026": cset(open_2026, False),
        "one-string-compressed": cset(set(), True),
        "options-2030": cset(open_2026, False, True),
        "options-2030-saryarka-iv": cset(open_2026, False, True, **sary_iv),
        "options-2030-ishim": cset(open_2026, False, True,
                                   cs_ishim={"mode": "active", "ratio": r(A("A_ISHIM_RATIO"), 3)}),
    }
    control_notes = {
        "default": "2023–24: one dedicated string, Kazakh CAC stations bypassed (A_CAC_CS_REVERSE)",
        "combined-2025": "from Aug 2025: CAC-4 km 1134–851 in parallel (A_LOOP_2025)",
        "combined-2026": "from 2026: every 2025 repair section of CAC-4 in parallel (A_REPAIR_2026)",
        "one-string-compressed": "2023–24 string with the five Kazakh CAC stations compressing",
        "options-2030": "combined-2026 + BBS line 2 + Saryarka tie-in at full pressure",
        "options-2030-saryarka-iv": "options-2030 + Saryarka phase IV stations",
        "options-2030-ishim": "options-2030 + the Ishim–Astana station",
    }

    # ---------------------------------------------------------------- fuel, cost, plan
    eff = A("A_DRIVE_EFF")
    drive_eff = {c: eff["CAC (1970s–80s gas turbines)"] for c in cac_cs}
    for c in m.conns.values():
        if c["kind"] == "compressorStation" and c["id"] not in drive_eff:
            drive_eff[c["id"]] = eff["BBS, Saryarka, planned"]
    candidates = []
    for pipe, lp in loops.items():
        kms = lp["chainage"]
        listed = lp["section"] != "s4"
        unit = A("A_COST_SECTION") if listed else A("A_COST_NEW_PIPE")
        candidates.append({
            "id": f"loop-{lp['section']}",
            "action": (f"{'recommission the repaired' if listed else 'rebuild (new pipe) the'} CAC-4 "
                       f"section {kms} beside the route ({pipe.removeprefix('cac_loop_')}, "
                       f"{lp['length_km']:.0f} km)"),
            "kind": "loop",
            "controls": {lp["valve"]: {"mode": "open"}},
            "capex_musd": {k: r(v * lp["length_km"], 1) for k, v in unit.items()},
            "cost_basis": f"{'A_COST_SECTION' if listed else 'A_COST_NEW_PIPE'} × {lp['length_km']:.1f} km"
                          + ("" if listed else " (km 598–501 is not in the 2025 repair list)"),
        })
    for c in cac_cs:
        candidates.append({
            "id": f"restart-{c.removeprefix('cs_')}",
            "action": f"restart {m.conns[c]['alias'].split(' (')[0]} for reverse compression "
                      f"(outlet {A('A_CAC_MAOP'):g} bar, {A('A_CAC_CS_POWER'):g} MW)",
            "kind": "station",
            "controls": {c: {"mode": "active", "p_out_bar": r(A("A_CAC_MAOP"), 2)}},
            "capex_musd": dict(A("A_COST_CS_RESTART")),
            "cost_basis": "A_COST_CS_RESTART"})
    cac_nodes = sorted(n for n, rec in m.nodes.items() if rec["provenance"]["p_max_bar"] == P_CAC)
    candidates.append({
        "id": "uprate-route",
        "action": (f"re-rate the repaired route to {A('A_UPRATE_P'):g} bar after a hydrotest and raise "
                   f"the Alexandrov Gai discharge to it"),
        "kind": "pressure",
        "nodes": {n: {"p_max_bar": r(A("A_UPRATE_P"), 2)} for n in cac_nodes},
        "scenario_nodes": {"alexandrov_gai": {"p_fixed_bar": r(A("A_UPRATE_P"), 2)}},
        "connections": {c: {"p_out_max_bar": r(A("A_UPRATE_P"), 2)} for c in cac_cs},
        "capex_musd": {k: r(v * cac_total, 1) for k, v in A("A_COST_UPRATE").items()},
        "cost_basis": f"A_COST_UPRATE × {cac_total:.1f} km (A_UPRATE_P, speculative)"})

    # ---------------------------------------------------------------- options compared
    options = build_options(f, m, cac_total)

    # ---------------------------------------------------------------- scenarios
    scenarios = build_scenarios(f, m)

    peak_q = scenarios["transit-11bcm-peak-day"]["meta"]["transit_published_mcm_d_20c"]
    flat_q = scenarios["transit-11bcm-target"]["meta"]["transit_published_mcm_d_20c"]
    peak_check = {"scenario": "transit-11bcm-target-winter",
                  "control_sets": ["combined-2025", "combined-2026"],
                  "flows_mcm_d_20c": {"11 bcm/y flat": flat_q,
                                      "11 bcm/y, Jan–Feb peak (A_WINTER_TRANSIT_FACTOR)": peak_q},
                  "transit_winter_factor": r(peak_q / flat_q, 4),
                  "border_limit": "uz_receiving_side"}

    # ---------------------------------------------------------------- assemble
    for cname, cs in controls.items():
        for cid in cs:
            assert cid in m.conns, (cname, cid)
    refs = {k: f.citation[k] for k in sorted(f.used)}
    meta = {
        "description": (
            "Flagship case: Russian gas from CS Alexandrov Gai through Kazakhstan to the "
            "Karakalpakiya metering station (Uzbekistan) on the dedicated CAC-4/CAC-5 reverse "
            "route (since 7 Oct 2023), with the domestic trunk lines that meet it at Beineu "
            "(Beineu–Bozoi–Shymkent, Saryarka phase I) and three gasification options for the "
            "north and east (Saryarka II–III, Ishim–Astana, Altai route). See docs/central-asia.md."),
        "sources": ("Facts: shared/data/central-asia (FACTS.md and CSVs, every row with a source "
                    "key and confidence); cited keys with full citations in meta.references. "
                    "Built by tools/build_central_asia.py."),
        "licence": ("Model data MIT (as linepack). The underlying facts are public statements "
                    "cited in meta.references; town coordinates are approximate town centres."),
        "default_scenario": "transit-2024-average",
        "transit_entry": "alexandrov_gai",
        "transit_exit": "karakalpakiya",
        # 11 bcm/y target (20 °C statistics) as mcm/d of 0 °C normal m³, the unit of the model
        "transit_target_mcm_d": r(bcm_y_to_normal_mcm_d(11.0), 4),
        "transit_target_note": "11 bcm/y (20 °C standard m³, as published) = 30.14 mcm/d (20 °C)",
        "standard_to_normal": STD_TO_NORMAL,
        "transit_route": ["alexandrov_gai", "zhangala_in", "zhangala_out", "cac_km851", "makat_in",
                          "makat_out", "kulsary_in", "kulsary_out", "opornaya_in", "opornaya_out",
                          "beineu_in", "beineu_out", "karakalpakiya_in", "karakalpakiya"],
        # the pipes of the transit path: the route string, and the parallel sections with the
        # valve that puts each in service (linepack of the transit path counts a parallel
        # section only when its valve is open)
        "transit_path": {"pipes": m.transit["pipes"], "loops": m.transit["loops"]},
        "transit_limits": {"uz_receiving_side_mcm_d_20c": 32.0,
                           "note": "Uzbek receiving side, FACTS-addendum A4 (A_UZ_BASIS)"},
        "control_notes": control_notes,
        "station_drive_efficiency": dict(sorted(drive_eff.items())),
        "fuel_price_usd_per_1000m3": dict(A("A_FUEL_PRICE")),
        "economics_note": ("drive efficiency A_DRIVE_EFF, fuel price A_FUEL_PRICE (USD per 1000 "
                           "standard m³, 20 °C), costs A_COST_* (labelled assumptions, see "
                           "assumptions and docs/central-asia.md)"),
        "peak_check": peak_check,
        "options_compared": options,
        "plan": {"base_scenario": "transit-2025-forecast", "target_bcm_y_20c": 11.0,
                 "candidates": candidates},
        "units": ("Pressures absolute bar. inflow_mcm_d is million normal m³/day at 0 °C, "
                  "1.01325 bar; published Russian/Kazakh figures (20 °C standard m³) are "
                  f"converted with 273.15/293.15 = {STD_TO_NORMAL:.6f}."),
        "build": "tools/build_central_asia.py",
        "cac_length_km": {"model_alexandrov_gai_karakalpakiya": r(cac_total, 1),
                          "published_kz_portion_cac4": 821,
                          "published_cac4_repair_chainage_span": 823},
        "gas_composition": gas_prov["composition"],
        "gas_provenance": gas_prov["fields"],
        "references": refs,
    }
    assumptions = []
    for a in ASSUMPTIONS:
        text = a["text"] if a["unit"] in ("-", "") else f"{a['text']} [{a['unit']}]"
        assumptions.append({"id": a["id"], "text": text, "value": _clean(a["value"]),
                            "reason": a["reason"]})
    return {
        "linepack": 1,
        "name": "central-asia",
        "meta": meta,
        "gas": gas,
        "nodes": [m.nodes[k] for k in sorted(m.nodes)],
        "connections": [m.conns[k] for k in sorted(m.conns)],
        "assumptions": assumptions,
        "scenarios": dict(sorted(scenarios.items())),
        "controls": dict(sorted(controls.items())),
    }


def build_options(f: Facts, m: Model, cac_total: float) -> dict:
    """The gasification options as families of variants (diameters, stations) with capex."""
    PL = "pipelines.csv"
    kzt = A("A_KZT_USD")
    w = A("A_WALL_NEW")
    lengths = {"sary2_astana_kokshetau": f.number(PL, "SARYARKA/phase II/length_km"),
               "sary3_kokshetau_petropavl": f.number(PL, "SARYARKA/phase III/length_km")}
    cost_23 = f.number(PL, "SARYARKA/phases II+III/cost") * 1e9 / kzt          # 182.1 bn KZT
    per_mm_km = cost_23 / (lengths["sary2_astana_kokshetau"] * f.number(PL, "SARYARKA/phase II/diameter_mm")
                           + lengths["sary3_kokshetau_petropavl"]
                           * f.number(PL, "SARYARKA/phase III/diameter_mm"))
    phase4 = float(re.search(r"([\d.]+) bn KZT", f.value(PL, "SARYARKA/phase IV/status")).group(1))
    phase4_ref = f.ref(PL, "SARYARKA/phase IV/status", note="180.7 bn KZT (2025)")
    per_mw = phase4 * 1e9 / kzt / (2 * A("A_SARY_CS_POWER"))
    rng = A("A_COST_OPTION_RANGE")
    sizes = A("A_OPTION_DIAMETERS")
    prov = (f"{f.ref(PL, 'SARYARKA/phases II+III/cost')} / Σ OD·km → A_COST_PIPE_PER_MM_KM = "
            f"{per_mm_km:.0f} USD per mm·km; {phase4_ref} / (2 × A_SARY_CS_POWER) → "
            f"A_COST_CS_PER_MW = {per_mw / 1e6:.2f} M USD per MW; A_COST_OPTION_RANGE; A_KZT_USD")

    def capex(pipes: dict, mw: float) -> dict:
        central = sum(per_mm_km * od * m.conns[pid]["length_km"] for pid, od in pipes.items())
        central += per_mw * mw
        return {k: r(central * v / 1e6, 1) for k, v in rng.items()}

    def dia(pid, od):
        return {"diameter_mm": r(od - 2 * w[str(int(od))], 1)}

    north, east = [], []
    for d2 in sizes["Saryarka II"]:
        for d3 in sizes["Saryarka III"]:
            for iv in (True, False):
                pipes = {"sary2_astana_kokshetau": d2, "sary3_kokshetau_petropavl": d3}
                ctl = {} if iv else {"cs_zhezkazgan": {"mode": "bypass"}, "cs_temirtau": {"mode": "bypass"}}
                north.append({
                    "id": f"A {d2}/{d3}{' + IV' if iv else ''}", "option": "OPT_SARYARKA_NORTH",
                    "scenario": "gasification-saryarka-2-3",
                    "connections": {pid: dia(pid, od) for pid, od in pipes.items()},
                    "controls": ctl,
                    "stations": ["cs_zhezkazgan", "cs_temirtau"] if iv else [],
                    "capex_musd": capex(pipes, 2 * A("A_SARY_CS_POWER") if iv else 0.0),
                    "published": (d2, d3, iv) == (630, 426, True)})
    ishim_pipes = [c for c in m.conns if c.startswith("ishim_")]
    for d in sizes["Ishim–Astana"]:
        north.append({
            "id": f"B {d}", "option": "OPT_ISHIM_ASTANA", "scenario": "gasification-ishim-astana",
            "balance_entry": "ishim",
            "connections": {pid: dia(pid, d) for pid in ishim_pipes}, "controls": {},
            "stations": ["cs_ishim"],
            "capex_musd": capex({pid: d for pid in ishim_pipes}, m.conns["cs_ishim"]["power_max_mw"]),
            "published": d == A("A_ISHIM_OD")})
    trunk = [c for c in m.conns if c in ("altai_barnaul_rubtsovsk", "altai_rubtsovsk_semey")]
    branches = [c for c in m.conns if c in ("altai_semey_oskemen", "altai_semey_pavlodar")]
    for dt in sizes["Altai trunk"]:
        for db in sizes["Altai branches"]:
            pipes = {**{p: dt for p in trunk}, **{p: db for p in branches}}
            east.append({
                "id": f"C {dt}/{db}", "option": "OPT_ALTAI", "scenario": "gasification-altai",
                "connections": {pid: dia(pid, od) for pid, od in pipes.items()}, "controls": {},
                "stations": [], "capex_musd": capex(pipes, 0.0),
                "published": (dt, db) == (720, 530)})
    demand = {"north": ["kokshetau", "petropavl", "kokshetau_ishim", "petropavl_ishim"],
              "east": ["semey", "oskemen", "pavlodar"]}
    bbs2_usd = float(re.search(r"([\d.]+) bn USD", f.value(PL, "BBS/line 2 (BBSh-2)/cost")).group(1)) * 1e9
    bbs2_km = float(re.search(r"~([\d,]+) km", f.value(PL, "BBS/line 2 (BBSh-2)/length_km"))
                    .group(1).replace(",", ""))
    bbs2 = {"per_km_musd": bbs2_usd / bbs2_km / 1e6,
            "source": (f"{f.ref(PL, 'BBS/line 2 (BBSh-2)/cost')} / {f.ref(PL, 'BBS/line 2 (BBSh-2)/length_km')}: "
                       f"{bbs2_usd / 1e9:g} bn USD for ≈{bbs2_km:,.0f} km of pipe and six stations "
                       "(the stations' cost is in the per-km figure) × A_COST_OPTION_RANGE")}
    expansion = build_expansion(m, per_mm_km, per_mw, rng, sizes, dia, prov, demand, bbs2)
    return {
        "expansion": expansion,
        "cost_basis": prov,
        "families": {
            "north": {"title": "Kokshetau and Petropavl (+1.7 bcm/y, winter design): Saryarka II–III "
                               "(A) or the Ishim–Astana import line (B, which also takes Astana)",
                      "demand_nodes": demand["north"], "variants": north},
            "east": {"title": "Semey, Oskemen, Pavlodar (2.3 bcm/y at winter peak): the Altai route (C)",
                     "demand_nodes": demand["east"], "variants": east}},
    }


def build_expansion(m: Model, per_mm_km, per_mw, rng, sizes, dia, prov, demand, bbs2) -> dict:
    """Candidates of the expansion planning (linepack.plan_expansion): per option its routes
    (pipes, diameters with capex per km), stations (sizes with capex per MW) and scenario."""
    conf = ("low: cost ∝ outer diameter × length calibrated on the one published cost with "
            "diameters (Saryarka II+III); stations per MW from the published phase IV cost")

    def per_km(od):
        return {k: r(per_mm_km * od * v / 1e6, 4) for k, v in rng.items()}

    def route(rid, pipes, ods, published, required=True):
        return {"id": rid, "pipes": pipes, "required": required,
                "diameters": [{"od_mm": od, **dia(pipes[0], od), "label": f"{od} mm",
                               "capex_musd_per_km": per_km(od), "published": od == published,
                               "source": "A_COST_PIPE_PER_MM_KM × OD × A_COST_OPTION_RANGE",
                               "confidence": "low"} for od in ods]}

    def station(sid, ids, mws, required, control=None):
        out = {"id": sid, "stations": ids, "required": required,
               "sizes": [{"power_mw": mw, "label": f"{len(ids)} × {mw:g} MW",
                          "capex_musd_per_mw": {k: r(per_mw * v / 1e6, 4) for k, v in rng.items()},
                          "source": "A_COST_CS_PER_MW × A_COST_OPTION_RANGE", "confidence": "low"}
                         for mw in mws]}
        if control:
            out["control"] = control
        return out

    ishim_pipes = sorted(c for c in m.conns if c.startswith("ishim_"))
    options = [
        {"id": "A", "family": "north", "option": "OPT_SARYARKA_NORTH",
         "title": "Saryarka II–III (Astana–Kokshetau–Petropavl), phase IV stations optional",
         "scenario": "gasification-saryarka-2-3", "demand_nodes": demand["north"],
         "routes": [route("Saryarka II", ["sary2_astana_kokshetau"], sizes["Saryarka II"], 630),
                    route("Saryarka III", ["sary3_kokshetau_petropavl"], sizes["Saryarka III"], 426)],
         "stations": [station("phase IV", ["cs_zhezkazgan", "cs_temirtau"],
                              A("A_EXPANSION_CS_SIZES"), False)]},
        {"id": "B", "family": "north", "option": "OPT_ISHIM_ASTANA",
         "title": "Ishim–Astana import line (also supplies Astana), 50 MW at Ishim",
         "scenario": "gasification-ishim-astana", "demand_nodes": demand["north"],
         "balance_entry": "ishim",
         "routes": [{**route("Ishim–Astana", ishim_pipes, sizes["Ishim–Astana"], A("A_ISHIM_OD")),
                     "pipes": ishim_pipes}],
         "stations": [station("Ishim station", ["cs_ishim"], [m.conns["cs_ishim"]["power_max_mw"]],
                              True)]},
        {"id": "D", "family": "base", "option": "BBS line 2",
         "title": "BBS line 2 (stage 1) under option A's 2028–30 winter: is it needed?",
         "scenario": "gasification-saryarka-2-3", "demand_nodes": demand["north"],
         "routes": [{"id": "BBS line 2", "required": False,
                     "pipes": sorted(c for c in m.conns if c.startswith("bbs2_")),
                     "diameters": [{"od_mm": A("A_BBS2_OD"), "diameter_mm": m.conns["bbs2_beineu_bozoi"]["diameter_mm"],
                                    "label": f"{A('A_BBS2_OD'):g} mm",
                                    "capex_musd_per_km": {k: r(bbs2["per_km_musd"] * v, 4) for k, v in rng.items()},
                                    "published": True, "source": bbs2["source"], "confidence": "medium"}]}]},
        {"id": "C", "family": "east", "option": "OPT_ALTAI",
         "title": "Altai route Barnaul–Rubtsovsk–Semey with branches to Oskemen and Pavlodar",
         "scenario": "gasification-altai", "demand_nodes": demand["east"],
         "routes": [route("Altai trunk", ["altai_barnaul_rubtsovsk", "altai_rubtsovsk_semey"],
                          sizes["Altai trunk"], 720),
                    route("Semey–Oskemen", ["altai_semey_oskemen"], sizes["Altai branches"], 530),
                    route("Semey–Pavlodar", ["altai_semey_pavlodar"], sizes["Altai branches"], 530)]},
    ]
    return {
        "method": "linepack.plan_expansion: MINLP (SCIP) over the candidates, verified by simulate; "
                  "see docs/central-asia.md",
        "costs": {"discount_rate": dict(A("A_DISCOUNT_RATE")), "life_years": A("A_ASSET_LIFE"),
                  "opex_share_pipe": dict(A("A_OPEX_PIPE")), "opex_share_station": dict(A("A_OPEX_CS")),
                  "fuel_price_usd_per_1000m3_20c": dict(A("A_FUEL_PRICE")),
                  "sources": {"discount_rate": "A_DISCOUNT_RATE", "life_years": "A_ASSET_LIFE",
                              "opex_share_pipe": "A_OPEX_PIPE", "opex_share_station": "A_OPEX_CS",
                              "fuel_price_usd_per_1000m3_20c": "A_FUEL_PRICE",
                              "drive_efficiency": "A_DRIVE_EFF (meta.station_drive_efficiency)",
                              "capex": prov},
                  "confidence": conf},
        "demand_scenarios": {k: v for k, v in A("A_GASIF_DEMAND").items()},
        "demand_source": "A_GASIF_DEMAND on the design demand of each option's scenario",
        "options": options,
    }


def _h_aid(m: Model, nid: str) -> str:
    return m.nodes[nid]["provenance"]["height_m"]


def _clean(v):
    if isinstance(v, float):
        return r(v, 6)
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_clean(x) for x in v]
    return v


def gas_properties(f: Facts):
    """Bulk properties of composition A (gas_quality.csv), ISO 6976 / Kay's rule."""
    key = "Example Russian pipeline gas composition A"  # no reference conditions
    cell = f.value("gas_quality.csv", key)
    x = {}
    for part in cell.split(";"):
        name, val = part.split()
        x[_COMP_ALIAS[name]] = float(val) / 100.0
    total = sum(x.values())
    if abs(total - 1.0) > 1e-6:
        raise SystemExit(f"composition A sums to {total}")
    mm = sum(v * COMPONENTS[c][0] for c, v in x.items())
    s = sum(v * COMPONENTS[c][4] for c, v in x.items())
    z_n = 1.0 - s * s
    rho_n = mm * P_NORMAL / (z_n * R_MOLAR * T0)
    gcv = sum(v * COMPONENTS[c][3] for c, v in x.items()) / z_n
    tpc = sum(v * COMPONENTS[c][1] for c, v in x.items())
    ppc = sum(v * COMPONENTS[c][2] for c, v in x.items())
    comp_ref = f.ref("gas_quality.csv", key) + " + A_GAS_ONE"
    dens_ref = f.ref("gas_quality.csv", "Density (compositions A-B)/0 degC, 101.325 kPa",
                     note="cross-check 0.731–0.742 kg/m³ at 0 °C")
    method = "ISO 6976:1995/2016 component data (as linepack.physics.gas)"
    gas = {"normal_density": r(rho_n, 6), "molar_mass": r(mm, 9),
           "pseudo_critical_pressure": r(ppc, 1), "pseudo_critical_temperature": r(tpc, 3),
           "calorific_value": r(gcv, 0), "temperature": A("A_T_SEASON")["annual"]}
    prov = {
        "normal_density": f"{comp_ref}; {method}, Z_n = 1 − (Σx√b)²; {dens_ref}",
        "molar_mass": f"{comp_ref}; {method}",
        "pseudo_critical_pressure": f"{comp_ref}; Kay's rule, Poling et al. (2001) App. A",
        "pseudo_critical_temperature": f"{comp_ref}; Kay's rule, Poling et al. (2001) App. A",
        "calorific_value": (f"{comp_ref}; gross, combustion and metering at 0 °C, ISO 6976:1995 "
                            "Table 5; cross-check "
                            + f.ref("gas_quality.csv", "Gross calorific value (compositions A-B)/"
                                     "combustion 25 degC, metering 0 degC")),
        "temperature": ("annual mean of A_T_SEASON; "
                        + f.ref("ground_conditions.csv",
                                "west (Atyrau, Mangystau, Beineu, Makat)/ground temperature at "
                                "~1.0-1.5 m (inferred)")),
    }
    return gas, {"composition": {k: r(v, 6) for k, v in sorted(x.items())}, "fields": prov}


# ======================================================================================
# scenarios
# ======================================================================================
def build_scenarios(f: Facts, m: Model) -> dict:
    TR = "transit_russia_uzbekistan.csv"
    T = A("A_T_SEASON")
    season_factor = {"winter": A("A_SEASON_WINTER"), "annual": 1.0, "summer": A("A_SEASON_SUMMER")}
    bbs_cap = f.number("pipelines.csv", "BBS/line 1/design_capacity_bcm_y")
    winter_load = f.number("pipelines.csv", "BBS/line 1/throughput_note") / 100.0  # "106%"
    bbs_load = {"winter": winter_load, "annual": A("A_BBS_LOAD_ANNUAL"),
                "summer": A("A_BBS_LOAD_SUMMER")}
    bbs_load_ref = {
        "winter": f.ref("pipelines.csv", "BBS/line 1/throughput_note", note="106 % in winter 2022-23"),
        "annual": "A_BBS_LOAD_ANNUAL", "summer": "A_BBS_LOAD_SUMMER"}
    cap_ref = f.ref("pipelines.csv", "BBS/line 1/design_capacity_bcm_y")
    sary_total = A("A_SARY_ANNUAL")
    split = A("A_SARY_SPLIT")
    sary_nodes = {"zhezkazgan": "zhezkazgan_in", "karaganda": "karaganda", "temirtau": "temirtau_in",
                  "astana": "astana"}
    north_add = f.number("pipelines.csv", "SARYARKA/phases II-IV/capacity_bcm_y_ministry")
    north_ref = f.ref("pipelines.csv", "SARYARKA/phases II-IV/capacity_bcm_y_ministry")
    nsplit = A("A_SARY_NORTH_SPLIT")
    altai_dem = f.number("gasification_options.csv", "OPT_ALTAI/consumption estimate")
    altai_ref = f.ref("gasification_options.csv", "OPT_ALTAI/consumption estimate")
    conv = "× 273.15/293.15 (20 °C → 0 °C)"

    def domestic(season: str):
        """(flows {node: mcm/d normal, negative = exit}, provenance {node: text})."""
        fac = season_factor[season]
        sfac = "" if season == "annual" else f" × {'A_SEASON_WINTER' if season == 'winter' else 'A_SEASON_SUMMER'}"
        flows, prov = {}, {}
        upstream = 0.0
        for k, nid in sary_nodes.items():
            q = sary_total * split[k] * fac
            flows[nid] = -bcm_y_to_normal_mcm_d(q)
            prov[nid] = f"A_SARY_ANNUAL × A_SARY_SPLIT[{k}]{sfac}, bcm/y (20 °C) / 365 {conv}"
            upstream += q
        for nid, aid in (("kyzylorda", "A_KYZYLORDA_ANNUAL"), ("turkestan", "A_TURKESTAN_ANNUAL")):
            q = A(aid) * fac
            flows[nid] = -bcm_y_to_normal_mcm_d(q)
            prov[nid] = f"{aid}{sfac}, bcm/y (20 °C) / 365 {conv}"
            upstream += q
        total = bbs_cap * bbs_load[season]
        flows["shymkent_akbulak"] = -bcm_y_to_normal_mcm_d(total - upstream)
        prov["shymkent_akbulak"] = (f"A_AKBULAK_BALANCE: {cap_ref} × {bbs_load_ref[season]} "
                                    f"({total:.3f} bcm/y) − upstream offtakes ({upstream:.4f} bcm/y), "
                                    f"/ 365 {conv}")
        return flows, prov

    def nums(text):
        return [float(x) for x in re.findall(r"\d+(?:\.\d+)?", text)]

    q24 = f.number(TR, "2024/delivered to Uzbekistan (Gazprom)") * 1000.0 / A("A_2024_DAYS")
    janfeb_bcm, janfeb_days = nums(f.addendum["A6"]["value"])[:2]          # 1.114 bcm, 60 days
    q_janfeb = janfeb_bcm * 1000.0 / janfeb_days
    jan_aug = f.number(TR, "2024-01..08/transit Jan-Aug 2024")              # 3.473 bcm
    q_summer24 = (jan_aug - janfeb_bcm) * 1000.0 / (244 - janfeb_days)    # Mar–Aug 2024, 184 days
    q_2025 = nums(f.addendum["A3"]["value"])[1] * 1000.0 / 365.0           # 7.3 bcm
    q_target = f.number(TR, "target/ramp-up target Russia->Uzbekistan") * 1000.0 / 365.0
    peak_factor = q_janfeb / q24
    ref24 = (f.ref(TR, "2024/delivered to Uzbekistan (Gazprom)") + " (and "
             + f.ref(TR, "2024/transported to Uzbekistan (QazaqGaz)") + ") / A_2024_DAYS")
    ref_target = (f.ref(TR, "target/ramp-up target Russia->Uzbekistan") + " (also "
                  + f.ref(TR, "target (2025 statement)/Russia->Uzbekistan transit from 2026 (KZ MinEnergo collegium)")
                  + ") / 365")
    transit = {
        "contract": (f.number(TR, "2023-06/Gazprom-Uzbekistan contract daily volume"),
                     f.ref(TR, "2023-06/Gazprom-Uzbekistan contract daily volume") + f" {conv}"),
        "2024": (q24, f"{ref24} {conv}"),
        "peak": (A("A_DEC_PEAK"), f.ref(TR, "2023-12/peak daily rate vs contract") + " and "
                 + f.add_ref("A5") + " + A_DEC_PEAK " + conv),
        "janfeb": (q_janfeb, f.add_ref("A6", note=f"{janfeb_bcm:g} bcm / {janfeb_days:g} d") + f" {conv}"),
        "summer24": (q_summer24, f"({f.ref(TR, '2024-01..08/transit Jan-Aug 2024')} − "
                     f"{f.add_ref('A6')}) / 184 d (Mar–Aug 2024) {conv}"),
        "2025": (q_2025, f.add_ref("A3", note="2025 forecast 7.3 bcm") + f" / 365 {conv}"),
        "target": (q_target, f"{ref_target} {conv}"),
        "peakday": (q_target * peak_factor,
                    f"{ref_target} × A_WINTER_TRANSIT_FACTOR ({f.add_ref('A6')} / {ref24} = "
                    f"{peak_factor:.4f}) {conv}"),
    }

    def scenario(desc, season, controls, transit_key, group, extra_flows=None, extra_prov=None,
                 domestic_override=None, meta_extra=None, head_p=None, head_prov="A_CAC_HEAD_P"):
        flows, prov = domestic(season)
        if domestic_override:
            domestic_override(flows, prov)
        q20, tprov = transit[transit_key]
        flows["karakalpakiya"] = -q20 * STD_TO_NORMAL
        prov["karakalpakiya"] = tprov
        for k, v in (extra_flows or {}).items():
            flows[k] = v
        prov.update(extra_prov or {})
        nodes = [{"id": "alexandrov_gai", "p_fixed_bar": r(head_p or A("A_CAC_HEAD_P"), 2)},
                 {"id": "barnaul", "p_fixed_bar": r(A("A_ALTAI_HEAD_P"), 2)},
                 {"id": "beineu_bbs", "p_fixed_bar": r(A("A_BBS_HEAD_P"), 2)}]
        prov["alexandrov_gai"] = head_prov
        prov["barnaul"] = "A_ALTAI_HEAD_P (island reference; no flow unless the Altai option is on)"
        prov["beineu_bbs"] = "A_BBS_HEAD_P"
        for nid in sorted(flows):
            if flows[nid] != 0.0:
                assert nid in m.nodes, nid
                nodes.append({"id": nid, "inflow_mcm_d": r(flows[nid], 4)})
        nodes.sort(key=lambda d: d["id"])
        meta = {"group": group, "season": season,
                "transit_published_mcm_d_20c": r(q20, 4),
                "temperature_provenance": f"A_T_SEASON[{season}]",
                "provenance": dict(sorted(prov.items()))}
        meta.update(meta_extra or {})
        return {"description": desc, "temperature_k": T[season], "controls": controls,
                "nodes": nodes, "meta": meta}

    S = {}
    labels = {"annual": "annual-mean domestic demand and gas temperature",
              "winter": "winter domestic demand (peak month) and ground temperature",
              "summer": "summer domestic demand and ground temperature"}
    for key, name, what, ctl in (
            ("contract", "transit-2023-contract",
             "Contract level of the 2023 Gazprom–Uzbekistan contract: 9 mcm/d (20 °C) at Karakalpakiya "
             "(8.386 mcm/d at 0 °C), one dedicated string, Kazakh stations bypassed", "default"),
            ("2024", "transit-2024-average",
             "2024 average: 5.64 bcm delivered over 366 days = 15.41 mcm/d (20 °C), 14.36 mcm/d at 0 °C; "
             "one dedicated string, Kazakh stations bypassed", "default"),
            ("target", "transit-11bcm-target",
             "Ramp-up target 11 bcm/y = 30.14 mcm/d (20 °C), 28.08 mcm/d at 0 °C; combined dedicated "
             "route of 2026 (every 2025 repair section of CAC-4 in parallel), Kazakh stations "
             "bypassed", "combined-2026")):
        for season, suffix in (("annual", ""), ("winter", "-winter"), ("summer", "-summer")):
            S[name + suffix] = scenario(f"{what}; {labels[season]}.", season, ctl, key, "transit")
    S["transit-2023-december-peak"] = scenario(
        "December 2023 peak: 'twice our daily obligations' ≈ 18 mcm/d (20 °C) = 16.77 mcm/d at "
        "0 °C (A_DEC_PEAK); one dedicated string, Kazakh stations bypassed; winter domestic "
        "demand and ground temperature.", "winter", "default", "peak", "transit")
    S["transit-2024-jan-feb"] = scenario(
        f"January–February 2024: 1.114 bcm in 60 days = {q_janfeb:.2f} mcm/d (20 °C); one dedicated "
        "string, Kazakh stations bypassed; winter.", "winter", "default", "janfeb", "transit")
    S["transit-2024-summer-derated"] = scenario(
        f"Summer 2024 with the route derated for repairs: Mar–Aug 2024 average {q_summer24:.2f} "
        "mcm/d (20 °C), Alexandrov Gai discharge lowered to A_SUMMER_DERATE_P, summer ground "
        "temperature; one dedicated string, Kazakh stations bypassed.", "summer", "default",
        "summer24", "transit", head_p=A("A_SUMMER_DERATE_P"), head_prov="A_SUMMER_DERATE_P",
        meta_extra={"derating": "A_SUMMER_DERATE_P"})
    S["transit-2025-forecast"] = scenario(
        f"2025 forecast 7.3 bcm = {q_2025:.2f} mcm/d (20 °C) on the combined dedicated route of "
        "Aug 2025 (CAC-4 km 1134–851 in parallel, A_LOOP_2025); annual mean.", "annual",
        "combined-2025", "2025", "transit")
    S["transit-11bcm-peak-day"] = scenario(
        f"Winter peak day of an 11 bcm/y year with the 2024 monthly profile: 30.14 × "
        f"{peak_factor:.3f} = {q_target * peak_factor:.2f} mcm/d (20 °C) (A_WINTER_TRANSIT_FACTOR); "
        "combined route of 2026, stations bypassed; winter. Expected to exceed the Uzbek "
        "receiving side (32 mcm/d): that is the answer this scenario gives.", "winter",
        "combined-2026", "peakday", "transit",
        meta_extra={"expect": "exceeds uz_receiving_side (32 mcm/d, 20 °C)"})
    S["transit-11bcm-target-one-string-compressed"] = scenario(
        "Alternative route to the 11 bcm/y target: one dedicated string (1220 mm) with the five "
        "Kazakh CAC stations active at the MAOP; annual-mean domestic demand.",
        "annual", "one-string-compressed", "target", "transit")

    # gasification options (winter design case, transit at the 11 bcm/y target)
    def north_flows(prefix_k, prefix_p):
        fl, pv = {}, {}
        for k, nid in (("kokshetau", prefix_k), ("petropavl", prefix_p)):
            q = north_add * nsplit[k] * A("A_NORTH_DESIGN_RATE")
            fl[nid] = -bcm_y_to_normal_mcm_d(q)
            pv[nid] = (f"{north_ref} × A_SARY_NORTH_SPLIT[{k}] × A_NORTH_DESIGN_RATE, bcm/y (20 °C) "
                       f"/ 365 {conv}")
        return fl, pv

    fl_a, pv_a = north_flows("kokshetau", "petropavl")

    S["gasification-saryarka-2-3"] = scenario(
        "Option A: Saryarka phases II–III (Astana–Kokshetau 276 km 630 mm, Kokshetau–Petropavl "
        "177 km 426 mm) with the phase IV stations Zhezkazgan and Temirtau active; the 1.7 bcm/y "
        "design rate of stages 2–4 for Kokshetau and Petropavl; BBS line 2 (stage 1) beside line 1, "
        "Akbulak at the 106 % winter loading; transit at the 11 bcm/y target on the 2026 route.",
        "winter", "options-2030-saryarka-iv", "target", "gasification",
        extra_flows=fl_a, extra_prov=pv_a,
        meta_extra={"option": "OPT_SARYARKA_NORTH"})

    fl_b, pv_b = north_flows("kokshetau_ishim", "petropavl_ishim")
    dom_w, _ = domestic("winter")
    ishim_in = -(sum(fl_b.values()) + dom_w["astana"])
    pv_b["ishim"] = ("A_ISHIM_SUPPLIES_ASTANA: winter demand of kokshetau_ishim + petropavl_ishim + "
                     "astana (see their entries)")
    fl_b["ishim"] = ishim_in
    S["gasification-ishim-astana"] = scenario(
        "Option B: Ishim–Astana import line (≈644 km, 1020 mm assumed, 50 MW lumped at Ishim, "
        "ratio control) supplying Astana (winter peak) and Kokshetau and Petropavl (1.7 bcm/y "
        "design rate); Saryarka then "
        "serves Zhezkazgan, Karaganda and Temirtau; transit at the 11 bcm/y target.",
        "winter", "options-2030-ishim", "target", "gasification",
        extra_flows=fl_b, extra_prov=pv_b, meta_extra={"option": "OPT_ISHIM_ASTANA"})

    fl_c, pv_c = {}, {}
    for k in ("semey", "oskemen", "pavlodar"):
        q = altai_dem * A("A_ALTAI_SPLIT")[k] * A("A_SEASON_WINTER")
        fl_c[k] = -bcm_y_to_normal_mcm_d(q)
        pv_c[k] = f"{altai_ref} × A_ALTAI_SPLIT[{k}] × A_SEASON_WINTER, bcm/y (20 °C) / 365 {conv}"
    S["gasification-altai"] = scenario(
        "Option C: Altai route Barnaul–Rubtsovsk–Semey–Oskemen with the Pavlodar branch "
        "(≈1000 km, 720/530 mm assumed) carrying the stated 2.3 bcm/y demand at winter peak; "
        "own island with the pressure held at Barnaul; transit at the 11 bcm/y target.",
        "winter", "options-2030", "target", "gasification",
        extra_flows=fl_c, extra_prov=pv_c, meta_extra={"option": "OPT_ALTAI"})
    return S


# ======================================================================================
# output
# ======================================================================================
def dumps(doc: dict) -> str:
    """JSON with one line per node, connection, scenario node and control entry."""
    def flat(x):
        return json.dumps(x, ensure_ascii=False)

    lines = ["{"]
    top = list(doc.items())
    for i, (k, v) in enumerate(top):
        comma = "," if i < len(top) - 1 else ""
        if k in ("nodes", "connections", "assumptions"):
            lines.append(f"  {flat(k)}: [")
            lines += [f"    {flat(e)}{',' if j < len(v) - 1 else ''}" for j, e in enumerate(v)]
            lines.append(f"  ]{comma}")
        elif k == "scenarios":
            lines.append(f"  {flat(k)}: {{")
            items = list(v.items())
            for j, (sn, s) in enumerate(items):
                lines.append(f"    {flat(sn)}: {{")
                sk = list(s.items())
                for n, (kk, vv) in enumerate(sk):
                    c2 = "," if n < len(sk) - 1 else ""
                    if kk == "nodes":
                        lines.append("      \"nodes\": [")
                        lines += [f"        {flat(e)}{',' if q < len(vv) - 1 else ''}"
                                  for q, e in enumerate(vv)]
                        lines.append(f"      ]{c2}")
                    elif kk == "meta":
                        lines.append("      \"meta\": {")
                        mk = list(vv.items())
                        for q, (a, b) in enumerate(mk):
                            lines.append(f"        {flat(a)}: {flat(b)}{',' if q < len(mk) - 1 else ''}")
                        lines.append(f"      }}{c2}")
                    else:
                        lines.append(f"      {flat(kk)}: {flat(vv)}{c2}")
                lines.append(f"    }}{',' if j < len(items) - 1 else ''}")
            lines.append(f"  }}{comma}")
        elif k in ("controls", "meta", "gas"):
            lines.append(f"  {flat(k)}: {{")
            items = list(v.items())
            lines += [f"    {flat(a)}: {flat(b)}{',' if j < len(items) - 1 else ''}"
                      for j, (a, b) in enumerate(items)]
            lines.append(f"  }}{comma}")
        else:
            lines.append(f"  {flat(k)}: {flat(v)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _diff_elements(central: list, variant: list) -> dict:
    """{id: {field: value}} of the fields of ``variant`` elements that differ from ``central``."""
    by_id = {e["id"]: e for e in central}
    out = {}
    for e in variant:
        c = by_id[e["id"]]
        d = {k: v for k, v in e.items() if k != "provenance" and c.get(k) != v}
        if d:
            out[e["id"]] = d
    return out


def build_assumption_sets(facts: Facts, central: dict) -> dict:
    """Each of :data:`ASSUMPTION_SETS` as the differences to the central model."""
    sets = {"central": {"assumptions": {}, "description": "the model as built (central values)"}}
    for name, values in ASSUMPTION_SETS.items():
        saved = {k: AID[k]["value"] for k in values}
        try:
            for k, v in values.items():
                AID[k]["value"] = v
            doc = build(facts)
        finally:
            for k, v in saved.items():
                AID[k]["value"] = v
        assert [n["id"] for n in doc["nodes"]] == [n["id"] for n in central["nodes"]]
        scen = {}
        for sn, sc in doc["scenarios"].items():
            d = _diff_elements(central["scenarios"][sn]["nodes"], sc["nodes"])
            if d:
                scen[sn] = d
        ctl = {}
        for cn, cs in doc["controls"].items():
            d = {k: v for k, v in cs.items() if central["controls"][cn].get(k) != v}
            if d:
                ctl[cn] = d
        sets[name] = {
            "assumptions": {k: _clean(v) for k, v in values.items()},
            "description": "; ".join(f"{k} = {_clean(v)}" for k, v in values.items()),
            "nodes": _diff_elements(central["nodes"], doc["nodes"]),
            "connections": _diff_elements(central["connections"], doc["connections"]),
            "scenarios": scen, "controls": ctl,
        }
    return sets


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="?", default=str(DEFAULT_DATA),
                    help=f"fact sheet folder (default: {DEFAULT_DATA})")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help=f"output file (default: {DEFAULT_OUT})")
    args = ap.parse_args(argv)
    facts = Facts(Path(args.data))
    doc = build(facts)
    doc["meta"]["assumption_sets"] = build_assumption_sets(facts, doc)
    text = dumps(doc)
    json.loads(text)  # well-formed
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: {len(doc['nodes'])} nodes, {len(doc['connections'])} connections, "
          f"{len(doc['scenarios'])} scenarios, {len(doc['assumptions'])} assumptions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
