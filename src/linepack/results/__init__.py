"""Result records."""

from linepack.files import atomic_write_text
from linepack.results.records import SteadyResult
from linepack.results.transient import TransientResult

__all__ = ["SteadyResult", "TransientResult", "atomic_write_text"]
