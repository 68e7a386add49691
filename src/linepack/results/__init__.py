"""Result records."""

from linepack.files import atomic_write_text
from linepack.results.records import SteadyResult

__all__ = ["SteadyResult", "atomic_write_text"]
