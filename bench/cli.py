"""Start-up benchmark: the command line and the library import against httpie and httpx, side by side.

Run: ``.venv/bin/python bench/cli.py [rounds]``.  Each round runs every command once, interleaved, so a
slow spell on this shared machine hits them all alike; the figures are medians over the rounds.  The
last line printed is one JSON object with the figures and ratios (targets: 1.5).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
PY = sys.executable

COMMANDS: dict[str, list[str]] = {
    "httpie_help": [str(BIN / "http"), "--help"],
    "sage_help": [str(BIN / "sage-accounting"), "--help"],
    "sage_version": [str(BIN / "sage-accounting"), "--version"],
    "sage_actions_list": [str(BIN / "sage-accounting"), "actions", "list"],
    "import_httpx": [PY, "-c", "import httpx"],
    "import_sage_accounting": [PY, "-c", "import sage_accounting"],
    "import_client": [PY, "-c", "from sage_accounting import SageAccounting"],
}
# (figure, baseline): each ratio the issue sets a target for, and the client import for reference.
RATIOS = {
    "help": ("sage_help", "httpie_help"),
    "version": ("sage_version", "httpie_help"),
    "actions_list": ("sage_actions_list", "httpie_help"),
    "import": ("import_sage_accounting", "import_httpx"),
    "import_client": ("import_client", "import_httpx"),
}
TARGET = 1.5


def _time(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode(errors='replace')[-500:]}")
    return elapsed


def main(rounds: int = 15) -> dict[str, object]:
    env = dict(os.environ, COLUMNS="120", NO_COLOR="1")
    for argv in COMMANDS.values():  # warm the file cache and the byte-code
        _time(argv, env)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, argv in COMMANDS.items():
            times[name].append(_time(argv, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"{'command':<26}{'median ms':>10}{'min ms':>9}")
    for name, values in times.items():
        print(f"{name:<26}{medians[name] * 1000:>10.1f}{min(values) * 1000:>9.1f}")
    ratios = {key: round(medians[a] / medians[b], 3) for key, (a, b) in RATIOS.items()}
    print()
    for key, (a, b) in RATIOS.items():
        mark = "ok" if ratios[key] <= TARGET else "over"
        print(f"{a} / {b}: {ratios[key]:.2f}x (target <= {TARGET}x, {mark})")
    return {
        "rounds": rounds,
        "median_ms": {name: round(m * 1000, 1) for name, m in medians.items()},
        "ratios": ratios,
        "target_ratio": TARGET,
    }


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
    print(json.dumps(result))
