"""Single frames of moving-mnist as a folder of PNGs, for the diagnostic of docs/video.md: can an image GAN
(the dcgan family) learn the frames alone, with and without its critic's batch normalisation?

    python bench/quality/video_frames.py --out runs/mm-frames/frames --num 8000
    OMP_NUM_THREADS=1 ganforge train dcgan-64 --data runs/mm-frames/frames --out runs/mm-frames-dcgan-nonorm \\
        --seed 0 --threads 1 --precision bf16 --minutes 15 --set model.image_channels=1 \\
        --set model.discriminator_norm=none

Frame k is one frame (picked by a generator seeded with 0) of training clip k, so the frames come from the
training digits only.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image

from ganforge.data.moving_mnist import load_moving_mnist


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="a folder for the PNGs")
    parser.add_argument("--num", type=int, default=8000, help="frames (one per training clip; default 8000)")
    args = parser.parse_args()
    clips = load_moving_mnist("train")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for index in range(min(args.num, len(clips))):
        frames = clips.clip(index).frames
        Image.fromarray(frames[rng.integers(len(frames))]).save(out / f"{index:05d}.png")
    print(f"wrote {min(args.num, len(clips))} frames of 64x64 to {out}")


if __name__ == "__main__":
    main()
