"""linepack.interrupts.watched: a signal whose exception a C extension drops (CasADi stops
IPOPT on Ctrl-C and carries on) is raised again when the watched call returns."""

from __future__ import annotations

import os
import signal
import time

import pytest

from linepack import interrupts


def _swallowing_call(sig: int) -> str:
    """What CasADi does: the signal's handler runs inside the call, its exception is caught
    and dropped, and the call returns normally."""
    try:
        os.kill(os.getpid(), sig)
        time.sleep(1.0)                 # the handler runs here and raises
    except BaseException:             # noqa: B036 - dropped, as the C extension does
        return "stopped early"
    return "ran to the end"


def test_dropped_ctrl_c_is_raised_after_the_call():
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt):
        with interrupts.watched():
            assert _swallowing_call(signal.SIGINT) == "stopped early"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_without_watched_the_interrupt_is_lost():
    """The failure watched() is for: the same call outside it loses the Ctrl-C."""
    assert _swallowing_call(signal.SIGINT) == "stopped early"


class _Stop(BaseException):
    pass


def test_any_python_handler_is_replayed_and_restored():
    """A handler such as the command line's SIGTERM one: its exception is raised after the
    call, and the handler is back in place afterwards."""
    def stop(signum, frame):
        raise _Stop(signum)

    old = signal.signal(signal.SIGTERM, stop)
    try:
        with pytest.raises(_Stop):
            with interrupts.watched():
                _swallowing_call(signal.SIGTERM)
        assert signal.getsignal(signal.SIGTERM) is stop
    finally:
        signal.signal(signal.SIGTERM, old)


def test_no_signal_no_effect():
    with interrupts.watched():
        x = sum(range(10))
    assert x == 45
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_the_signal_wins_over_the_error_the_dropped_exception_leaves():
    """CasADi may drop the handler's exception without clearing Python's error indicator; the
    next C call in its wrapper then fails with a SystemError ("returned a result with an
    exception set": seen once in CI with SIGTERM inside IPOPT). The signal's exception is the
    one raised, not the SystemError."""
    with pytest.raises(KeyboardInterrupt):
        with interrupts.watched():
            _swallowing_call(signal.SIGINT)
            raise SystemError("<method 'get' of 'dict' objects> returned a result with an "
                              "exception set")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_error_without_a_signal_passes_through():
    with pytest.raises(ValueError):
        with interrupts.watched():
            raise ValueError("not a signal")
