"""Translation between linepack and file formats: GasLib XML and the native JSON format.

I/O only translates names and units (through explicit maps); it never computes
physics. See :mod:`linepack.io.gaslib` and :mod:`linepack.io.native`.
"""

from linepack.io.gaslib import parse_gaslib, read_gaslib
from linepack.io.native import Case, parse_native, read_native, write_native

__all__ = ["read_gaslib", "parse_gaslib", "read_native", "parse_native", "write_native", "Case"]
