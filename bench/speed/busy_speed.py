"""Two trainings sharing the cores: what oversubscription costs, fp32 against bf16, and what --threads 1 gives.

    python bench/speed/busy_speed.py [--preset mnist-gan] [--steps 400]

Runs `ganforge train PRESET --steps N` (its CLI, a fresh run folder each time) alone, then two at once
side by side, each with PyTorch's default threads (one per core, so the two jobs' threads compete) and
with --threads 1 each, for --precision fp32 and bf16. Prints the wall time of each case (for a pair: until
both finished) and how much slower each job ran than alone. Run it on an otherwise quiet machine: it is the
only figure here that measures contention, so anything else running adds to it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch


def wall(jobs: list[list[str]]) -> float:
    """Seconds until every job (a ganforge train command line) finished, all started at once."""
    started = time.perf_counter()
    running = [subprocess.Popen([sys.executable, "-m", "ganforge", *job], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True) for job in jobs]
    for process in running:
        _, err = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"a training failed: {err.strip().splitlines()[-1] if err.strip() else process.returncode}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="mnist-gan")
    parser.add_argument("--steps", type=int, default=400)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{args.preset}, {args.steps} steps per job, {cores} cores, PyTorch default threads "
          f"{torch.get_num_threads()}, torch {torch.__version__}")
    print(f"{'precision':9} {'case':34} {'wall s':>7} {'each job vs alone':>18}")
    with tempfile.TemporaryDirectory() as tmp:
        count = 0

        def job(precision: str, threads: int | None) -> list[str]:
            nonlocal count
            count += 1
            line = ["train", args.preset, "--steps", str(args.steps), "--out", str(Path(tmp) / f"r{count}"),
                    "--precision", precision, "--no-progress", "--device", "cpu"]
            return line + (["--threads", str(threads)] if threads else [])

        for precision in ("fp32", "bf16"):
            alone = wall([job(precision, None)])
            print(f"{precision:9} {'alone, default threads':34} {alone:7.1f} {1.0:17.2f}x")
            for threads, name in ((None, "two at once, default threads each"), (1, "two at once, --threads 1 each")):
                pair = wall([job(precision, threads), job(precision, threads)])
                print(f"{precision:9} {name:34} {pair:7.1f} {pair / alone:17.2f}x")


if __name__ == "__main__":
    main()
