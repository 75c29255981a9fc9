"""Serve an emulator on a free loopback port until stdin closes (used by conftest.server_url)."""

import sys

from sage_accounting.emulator import Emulator

emu = Emulator(seed=sys.argv[1] if len(sys.argv) > 1 else "minimal")
with emu.serve() as url:
    print(url, flush=True)
    sys.stdin.read()
