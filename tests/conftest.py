"""The test tree's root: being here puts ``tests/`` on the import path (pytest's ``prepend`` mode), so every
test package and ``tests/client`` share the helpers of ``emulator_helpers``."""
