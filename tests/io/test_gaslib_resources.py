"""Issue #15.5: GasLib files are read as a stream with bounded memory; paths that are not
regular files (FIFO, directory, device) and files over the limits are refused before
parsing, with an InputError naming the path.

The GasLib-11 files are the corpus copies (CC BY 3.0; Schmidt et al. 2017, Data 2(4):40;
Pfetsch et al. 2015); the large network is synthetic, written by :func:`synthetic_net`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import linepack
from linepack.errors import InputError
from linepack.io import gaslib, parse_gaslib, read_gaslib

GASLIB11 = Path(__file__).parents[1] / "data" / "gaslib" / "GasLib-11"
NET11, SCN11, CS11 = (GASLIB11 / f"GasLib-11{e}" for e in (".net", ".scn", ".cs"))
SRC = Path(linepack.__file__).parents[1]


def synthetic_net(n_pipes: int, *, sink_first: bool = False) -> bytes:
    """A GasLib .net chain: one source (normDensity 0.785), ``n_pipes`` innodes or, with
    ``sink_first``, a sink with flow bounds listed before the source."""
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<network xmlns="http://gaslib.zib.de/Gas" '
            'xmlns:framework="http://gaslib.zib.de/Framework">\n'
            '  <framework:information><framework:title>synthetic</framework:title>'
            '</framework:information>\n  <framework:nodes>\n')
    source = ('    <source id="n0" x="0" y="0"><height value="0" unit="m"/>'
              '<pressureMin unit="bar" value="1"/><pressureMax unit="bar" value="70"/>'
              '<flowMin unit="1000m_cube_per_hour" value="0"/>'
              '<flowMax unit="1000m_cube_per_hour" value="360"/>'
              '<normDensity unit="kg_per_m_cube" value="0.785"/></source>\n')
    sink = ('    <sink id="s" x="0" y="1"><height value="0" unit="m"/>'
            '<flowMin unit="1000m_cube_per_hour" value="0"/>'
            '<flowMax unit="1000m_cube_per_hour" value="36"/></sink>\n')
    inner = "".join(f'    <innode id="n{i}" x="{i}" y="0">\n      <height value="0" unit="m"/>\n'
                    '      <pressureMin unit="bar" value="1.0"/>\n'
                    '      <pressureMax unit="bar" value="70.0"/>\n    </innode>\n'
                    for i in range(1, n_pipes + 1))
    nodes = (sink + source if sink_first else source + sink) + inner
    pipes = "".join(f'    <pipe from="n{i}" id="p{i}" to="n{i + 1}">\n'
                    '      <flowMin unit="1000m_cube_per_hour" value="-1100"/>\n'
                    '      <flowMax unit="1000m_cube_per_hour" value="1100"/>\n'
                    '      <length unit="km" value="5"/>\n'
                    '      <diameter unit="mm" value="500.0"/>\n'
                    '      <roughness unit="mm" value="0.1"/>\n    </pipe>\n'
                    for i in range(n_pipes))
    pipes += '    <pipe from="n0" id="ps" to="s"><length unit="km" value="5"/>' \
             '<diameter unit="mm" value="500.0"/><roughness unit="mm" value="0.1"/></pipe>\n'
    return (head + nodes + '  </framework:nodes>\n  <framework:connections>\n' + pipes
            + '  </framework:connections>\n</network>\n').encode()


def _returns_within(seconds: float, fn, release=None):
    """Run ``fn`` in a daemon thread; its exception or result, or fail after ``seconds``
    (``release()`` then unblocks the thread, e.g. by opening a FIFO's other end)."""
    out: dict = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed to the test
            out["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        if release is not None:
            release()
        t.join(5)
        pytest.fail(f"still running after {seconds} s (it hung)")
    return out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo (POSIX)")
@pytest.mark.parametrize("reader", ["read_gaslib", "read_native", "cli"])
def test_a_fifo_is_refused_at_once(tmp_path, reader):
    """A FIFO given as input hung (open() waits for a writer); now an InputError naming it."""
    fifo = tmp_path / ("pipe.net" if reader != "read_native" else "pipe.json")
    os.mkfifo(fifo)

    def release():  # open the other end, so that a hung reader gets EOF
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)

    if reader == "cli":
        from linepack.cli import main
        call = lambda: main(["validate", str(fifo)])  # noqa: E731
    else:
        call = lambda: getattr(linepack, reader)(fifo)  # noqa: E731
    t0 = time.perf_counter()
    out = _returns_within(10.0, call, release)
    assert time.perf_counter() - t0 < 5.0
    if reader == "cli":
        assert out.get("value") == 2
    else:
        e = out.get("error")
        assert isinstance(e, InputError), out
        assert str(fifo) in str(e) and "FIFO" in str(e) and "not a regular file" in str(e)


@pytest.mark.parametrize("path, what", [("dir", "a directory"), ("/dev/null", "a character device")])
def test_directories_and_devices_are_refused(tmp_path, path, what):
    p = tmp_path / path if path == "dir" else Path(path)
    if path == "dir":
        p.mkdir()
    if not p.exists():
        pytest.skip(f"{p} is missing: this case needs a POSIX system's character device")
    for fn in (read_gaslib, linepack.read_native):
        with pytest.raises(InputError, match=f"cannot read the file: it is {what}"):
            fn(p)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    """A sparse file of 201 MiB: refused from its size alone, in well under a second."""
    big = tmp_path / "big.net"
    with open(big, "wb") as fh:
        fh.truncate(201 * 2 ** 20)
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"big.net: refused: the .*201.0 MiB.*200 MiB"):
        read_gaslib(big)
    assert time.perf_counter() - t0 < 1.0


def test_a_file_over_the_element_limit_is_refused_as_the_count_passes(monkeypatch):
    """MAX_ELEMENTS is checked while streaming: the error names the file and the line."""
    monkeypatch.setattr(gaslib, "MAX_ELEMENTS", 100)
    with pytest.raises(InputError) as e:
        read_gaslib(NET11)
    msg = str(e.value)
    assert f"{NET11}:" in msg and "more than 100 elements" in msg and "MAX_ELEMENTS" in msg
    assert e.value.line is not None and e.value.line > 1


def test_streamed_file_and_text_give_the_same_network():
    a, sa = read_gaslib(NET11, SCN11, CS11)
    b, sb = parse_gaslib(NET11.read_bytes(), SCN11.read_bytes(), CS11.read_bytes(),
                         net_name=str(NET11), scenario_name=str(SCN11), cs_name=str(CS11))
    assert a.nodes.equals(b.nodes) and a.connections.equals(b.connections)
    assert a.meta == b.meta and sa.nodes.equals(sb.nodes)


def test_flows_listed_before_the_source_use_the_mean_normal_density():
    """The normal density (mean over the sources) is known only once every node is read; a
    sink's volumetric flow bounds listed before the source are converted with it, exactly
    as when the source comes first."""
    first, _ = parse_gaslib(synthetic_net(3))
    later, _ = parse_gaslib(synthetic_net(3, sink_first=True))
    rho = 0.785
    got = later.meta["gaslib"]["node_flow_bounds"]["s"]["flow_max_kg_s"]
    assert got == pytest.approx(36e3 / 3600 * rho, rel=1e-12)
    assert got == first.meta["gaslib"]["node_flow_bounds"]["s"]["flow_max_kg_s"]
    assert later.connections.equals(first.connections)


def test_a_volumetric_flow_without_any_normal_density_names_its_line():
    text = synthetic_net(2).replace(b'<normDensity unit="kg_per_m_cube" value="0.785"/>', b"")
    with pytest.raises(InputError, match=r"<net>:\d+: source 'n0': flowMin is a volumetric flow"):
        parse_gaslib(text)


@pytest.mark.slow
def test_memory_of_a_large_file_stays_a_small_multiple_of_its_size(tmp_path):
    """A 20 MB synthetic .net (42,000 pipes): the reader's peak memory growth stays below 6×
    the file (the ElementTree reader took 17×; a 199 MB file took 10 GB)."""
    net = tmp_path / "large.net"
    net.write_bytes(synthetic_net(42_000))
    size = net.stat().st_size
    assert size > 19e6
    code = textwrap.dedent(f"""
        import resource, sys
        import linepack
        from linepack.io.gaslib import read_gaslib
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        net, _ = read_gaslib({str(net)!r})
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(len(net.connections), (peak - base) * 1024)
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(SRC)}, timeout=120)
    assert run.returncode == 0, run.stderr
    n_conns, grown = run.stdout.split()
    assert int(n_conns) == 42_001
    assert int(grown) < 6 * size, f"grew {int(grown) / 1e6:.0f} MB for a {size / 1e6:.0f} MB file"


def test_a_file_far_over_the_element_limit_is_refused_before_parsing(tmp_path):
    """1.1 million elements in 4.4 MB: counted in C before expat starts (the message gives the
    estimate, no line), instead of being parsed for many seconds up to the limit."""
    f = tmp_path / "many.net"
    f.write_bytes(b'<?xml version="1.0"?>\n<network xmlns="http://gaslib.zib.de/Gas">'
                  + b"<x/>" * 1_100_000 + b"</network>\n")
    with pytest.raises(InputError) as e:
        read_gaslib(f)
    assert "about 1,100,001 elements, more than 1,000,000" in str(e.value)
    assert e.value.line is None and str(f) in str(e.value)


def test_a_file_with_millions_of_attributes_is_refused_before_parsing(tmp_path):
    """One element with 4.1 million attributes: expat would build them all (about 100 bytes
    each) before linepack sees the element; they are counted first and the file refused
    (expat never sees it, so the repeated name does not matter here)."""
    f = tmp_path / "attrs.net"
    f.write_bytes(b'<?xml version="1.0"?>\n<network xmlns="http://gaslib.zib.de/Gas"><x'
                  + b' a="1"' * 4_100_000 + b"/></network>\n")
    with pytest.raises(InputError) as e:
        read_gaslib(f)
    assert "attributes, more than 4,000,000" in str(e.value)
    assert "MAX_ATTRIBUTES" in str(e.value) and e.value.line is None
