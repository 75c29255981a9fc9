"""The test tree's root: being here puts ``tests/`` on the import path (pytest's ``prepend`` mode), so every
test package and ``tests/client`` share the helpers of ``emulator_helpers``.

The property-based tests (hypothesis) draw the same examples on every run, so the suite passes or fails
the same way each time; ``SAGE_HYPOTHESIS=explore`` draws new ones (with more examples, e.g.
``SAGE_ANY_INPUT_EXAMPLES=160``) to look for inputs nobody has tried yet."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("suite", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile("explore" if os.environ.get("SAGE_HYPOTHESIS") == "explore" else "suite")
