"""Issue #15.6: `linepack capacity --target` with NaN, an infinite, zero or negative flow was
run (and answered as if meaningful); it is bad input: exit 2, the value named, no traceback."""

import pytest


@pytest.mark.parametrize("value", ["nan", "-5", "inf", "0"])
def test_capacity_refuses_a_target_that_is_not_a_positive_flow(cli, value):
    run = cli("capacity", "central-asia", f"--target={value}")
    assert run.rc == 2, run.err + run.out
    assert "Traceback" not in run.err + run.out
    assert "--target must be a finite flow > 0 mcm/d" in run.message
    assert f"(got {float(value):g})" in run.message
