"""Peak memory of large photos: upscale and colourise with the shipped models, each in its own process.

    python bench/speed/big_photos.py [--upscale 3000] [--colourise 8000]

Makes a smooth synthetic RGB photo of each side (content does not change the memory), runs
`ganforge upscale --model srresnet-x4` and `ganforge colourise --model colourise` on it, and prints
each command's wall time and peak resident memory (the child process's ru_maxrss), beside the size of
its output in uint8: what bounded-memory processing (tiles for super-resolution, strips for the colour
conversions) keeps the peak to.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

# the child: ganforge's CLI, then its own peak resident memory on stderr
CHILD = """
import resource, sys
from ganforge.cli.main import main
sys.argv = ["ganforge", *sys.argv[1:]]
code = 0
try:
    main()
except SystemExit as exit:
    code = exit.code or 0
print("PEAK", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def photo(path: Path, side: int) -> Path:
    rng = np.random.default_rng(0)
    small = (rng.random((max(side // 16, 2), max(side // 16, 2), 3)) * 255).astype(np.uint8)
    Image.fromarray(small).resize((side, side), Image.BICUBIC).save(path)
    return path


def peak(command: list[str]) -> tuple[float, float]:
    """(seconds, peak resident GB) of `ganforge COMMAND` in a fresh process."""
    started = time.perf_counter()
    process = subprocess.run([sys.executable, "-c", CHILD, *command], check=False, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"ganforge {' '.join(command)} failed: {process.stderr.strip().splitlines()[-1]}")
    kilobytes = int(next(line for line in process.stderr.splitlines() if line.startswith("PEAK")).split()[1])
    return seconds, kilobytes / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upscale", type=int, default=3000, help="side of the photo to upscale x4")
    parser.add_argument("--colourise", type=int, default=8000, help="side of the photo to colourise")
    args = parser.parse_args()
    print(f"{'command':44} {'wall s':>7} {'peak GB':>8} {'output uint8 GB':>16}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for verb, model, side, scale in (("upscale", "srresnet-x4", args.upscale, 4),
                                         ("colourise", "colourise", args.colourise, 1)):
            source = photo(tmp / f"{verb}.png", side)
            seconds, gigabytes = peak([verb, "--model", model, "--input", str(source), "--out", str(tmp / verb)])
            output = (side * scale) ** 2 * 3 / 2**30
            print(f"{verb + ' ' + model + f' {side}x{side}':44} {seconds:7.0f} {gigabytes:8.2f} {output:16.2f}")


if __name__ == "__main__":
    main()
