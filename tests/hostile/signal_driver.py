"""Run the linepack command line with one hook that says where the run is, so that a test can
send a real signal (SIGINT, SIGTERM, SIGKILL) at a known point. Not a test module.

Usage: ``python signal_driver.py HOOK linepack-arguments...``, where HOOK is

* ``casadi``: print ``@@casadi`` on stderr as each CasADi function (an IPOPT solve) starts,
  and ask IPOPT for a tolerance of 1e-300 with its tiny-step test off, so that each solve
  iterates until its wall-time limit and the signal arrives inside it (with the tolerance
  alone IPOPT stopped after 17–50 iterations, "search direction becomes too small", in
  0.02–0.06 s on GasLib-24: the signal sent 0.1 s after the marker then sometimes fell between
  two solves);
* ``write``: print ``@@write <temporary file>`` on stderr inside the atomic writer, once the
  text is in the temporary file and before it is synced and renamed, then wait 60 s;
* ``solve``: print ``@@solve`` on stderr as ``linepack.simulate``/``transit_capacity`` start;
* ``none``: no hook.

The run itself is ``linepack.cli.run()``, the console entry point of ``linepack``.
"""

from __future__ import annotations

import os
import sys
import time


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _install(hook: str) -> None:
    if hook == "casadi":
        import casadi

        call = casadi.Function.__call__

        def announced(self, *args, **kwargs):
            _say("@@casadi")
            return call(self, *args, **kwargs)

        casadi.Function.__call__ = announced
        nlpsol = casadi.nlpsol

        def slow(name, solver, nlp, opts=None):
            opts = {**(opts or {}), "ipopt.tol": 1e-300, "ipopt.dual_inf_tol": 1e-300,
                    "ipopt.compl_inf_tol": 1e-300, "ipopt.acceptable_iter": 0,
                    "ipopt.max_iter": 100_000, "ipopt.tiny_step_tol": 0.0,
                    "ipopt.tiny_step_y_tol": 0.0}
            return nlpsol(name, solver, nlp, opts)

        casadi.nlpsol = slow
    elif hook == "write":
        sync = os.fsync

        def slow(fd):
            _say(f"@@write {os.readlink(f'/proc/self/fd/{fd}')}")
            # 60 s in slices: the kernel may deliver the signal to another thread of the process
            # (BLAS, Dask), which does not interrupt this thread's sleep; Python then runs the
            # handler only when the sleep returns, so one 60 s sleep made the test flaky
            for _ in range(600):
                time.sleep(0.1)
            sync(fd)

        os.fsync = slow
    elif hook == "solve":
        import linepack

        for name in ("simulate", "transit_capacity"):
            real = getattr(linepack, name)

            def announced(*args, _real=real, **kwargs):
                _say("@@solve")
                return _real(*args, **kwargs)

            setattr(linepack, name, announced)
    elif hook != "none":
        raise SystemExit(f"unknown hook {hook!r}")


if __name__ == "__main__":
    _install(sys.argv[1])
    from linepack.cli import run

    sys.argv = ["linepack", *sys.argv[2:]]
    run()
