"""Test-suite settings shared by every room."""

from hypothesis import settings

# Property-based tests draw the same examples on every run (a fixed seed): CI stays
# reproducible, and a failure found once is found again. Set HYPOTHESIS_PROFILE=explore
# to draw fresh examples while developing.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)

import os  # noqa: E402

settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
