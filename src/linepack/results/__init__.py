"""Result records."""

from linepack.results.records import SteadyResult, atomic_write_text

__all__ = ["SteadyResult", "atomic_write_text"]
