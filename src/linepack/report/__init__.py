"""Reports of network results: key figures and one self-contained offline HTML file.

This room READS networks and results and never calls a solver. :func:`summarize`
needs only pandas; :func:`write_report` needs plotly (the ``[plot]`` extra), which
is imported when a report is written, not when this package is imported.
"""

from linepack.report.html import write_report
from linepack.report.summary import summarize
from linepack.report.transient import write_transient_report

__all__ = ["write_report", "write_transient_report", "summarize"]
