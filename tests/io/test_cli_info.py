"""`linepack info NET --json` counts exactly what the GasLib README lists for each instance."""

import json
from pathlib import Path

import pytest

from linepack.cli import main

GASLIB = Path(__file__).resolve().parents[1] / "data" / "gaslib"
pytestmark = pytest.mark.skipif(not GASLIB.is_dir(), reason=f"GasLib data not found at {GASLIB}")

# Counts from shared/data/gaslib/README.md ("Files" table).
EXPECTED = {
    "GasLib-11/GasLib-11.net": dict(source=3, sink=3, innode=5, pipe=8, valve=1, compressorStation=2),
    "GasLib-24/GasLib-24.net": dict(source=3, sink=5, innode=16, pipe=19, resistor=1, shortPipe=1,
                                    compressorStation=3, controlValve=1),
    "GasLib-40/GasLib-40.net": dict(source=3, sink=29, innode=8, pipe=39, compressorStation=6),
    "GasLib-134/GasLib-134-v2.net": dict(source=3, sink=45, innode=86, pipe=86, shortPipe=45,
                                         compressorStation=1, controlValve=1),
    "GasLib-135/GasLib-135.net": dict(source=6, sink=99, innode=30, pipe=141, compressorStation=29),
    "GasLib-582/GasLib-582-v2.net": dict(source=31, sink=129, innode=422, pipe=278, shortPipe=269,
                                         valve=26, controlValve=23, compressorStation=5, resistor=8),
    "GasLib-4197/GasLib-4197.net": dict(source=11, sink=1009, innode=3177, pipe=3537, shortPipe=343,
                                        valve=426, controlValve=120, compressorStation=12, resistor=28),
}
KINDS = ("source", "sink", "innode", "pipe", "shortPipe", "resistor", "valve", "controlValve",
         "compressorStation")


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_info_json_counts_match_the_gaslib_readme(rel, capsys):
    """Every element kind, zeros included, as the README table gives them."""
    assert main(["info", str(GASLIB / rel), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["elements"] == {k: EXPECTED[rel].get(k, 0) for k in KINDS}
