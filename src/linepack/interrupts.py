"""Interrupts that survive foreign solvers.

CasADi calls Python's signal handlers while IPOPT iterates (``PyErr_CheckSignals``), stops
IPOPT when a handler raises, and then *drops* the exception: the solve returns with
``NonIpopt_Exception_Thrown`` and the Python code after it carries on as if nothing had
happened, so Ctrl-C (``KeyboardInterrupt``) or the command line's SIGTERM exception never
reaches the caller. :func:`watched` wraps such a call: a signal handled during the call is
recorded, and its exception is raised again as soon as the call returns.

It works for any Python-level handler (Python's own ``KeyboardInterrupt`` one, or the command
line's SIGTERM handler), needs no set-up by the caller, and does nothing outside the main
thread (where Python runs no signal handlers).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

__all__ = ["watched"]

_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                 if hasattr(signal, name))


@contextlib.contextmanager
def watched() -> Iterator[None]:
    """Re-raise, after the ``with`` block, an exception a signal handler raised inside it.

    If the block itself lets the exception through, it propagates as usual; if the code in
    the block swallowed it (a C extension such as CasADi), it is raised on leaving the block,
    also in place of another exception the block raises after the signal.
    The handlers in place before the block are restored on leaving it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[BaseException] = []
    previous = {}
    for sig in _SIGNALS:
        handler = signal.getsignal(sig)
        if not callable(handler):        # SIG_DFL, SIG_IGN or a handler set from C: leave it
            continue

        def recording(signum, frame, _handler=handler):
            try:
                _handler(signum, frame)
            except BaseException as exc:
                caught.append(exc)
                raise

        previous[sig] = handler
        signal.signal(sig, recording)
    try:
        yield
    except BaseException as exc:
        # CasADi may drop the handler's exception without clearing Python's error indicator:
        # the next C call in its wrapper then fails with a SystemError ("returned a result
        # with an exception set"). The signal is the cause: its exception is the one raised.
        if caught and exc is not caught[0]:
            raise caught[0] from None
        raise
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if caught:
        raise caught[0]
