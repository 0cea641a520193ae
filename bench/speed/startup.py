"""How long a `ganforge` command takes to start: a fresh interpreter importing the command line (cli/main.py
imports every command), beside the same plus the libraries the start no longer imports (scipy.signal, scipy.io,
scipy.linalg, skimage.morphology: now imported where they are used), alternated --rounds times in one run so
that the two compare on the same load:

    python bench/speed/startup.py [--rounds 7]

Prints the median seconds of each and their difference.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time

START = "import ganforge.cli.main"
BEFORE = START + "; import scipy.signal, scipy.io.wavfile, scipy.linalg, skimage.morphology"


def seconds(code: str) -> float:
    """Wall time of a fresh interpreter running `code`."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    seconds(START)  # warm the file cache
    now, before = [], []
    for _ in range(args.rounds):
        now.append(seconds(START))
        before.append(seconds(BEFORE))
    a, b = statistics.median(now), statistics.median(before)
    print(f"{platform.processor() or platform.machine()}, {args.rounds} rounds, medians:")
    print(f"start of every command:                      {a:.2f} s")
    print(f"with the libraries it no longer imports:     {b:.2f} s")
    print(f"saved: {b - a:.2f} s ({(b - a) / b:.0%} of the old start)")


if __name__ == "__main__":
    main()
