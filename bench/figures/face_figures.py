"""The pictures of docs/faces.md for a noise-to-face model: a sample grid, a truncation strip and a walk.

    python bench/figures/face_figures.py --model faces --out docs/faces

writes OUT-samples.png (64 faces, seed 0), OUT-truncation.png (rows: psi 1, 0.8, 0.6, 0.4, 0.2, 0; columns:
the same 8 noise vectors, each pulled towards z = 0 by psi) and OUT-walk.gif (a spherical walk through the
noise of seeds 1 to 6, 10 frames between two, `ganforge interpolate`'s own function).
"""

from __future__ import annotations

import argparse

import torch

from ganforge.apps.generate import generate, load_model
from ganforge.apps.style import interpolation_frames, save_gif
from ganforge.utils.images import save_grid

PSIS = (1.0, 0.8, 0.6, 0.4, 0.2, 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model")
    source.add_argument("--checkpoint")
    parser.add_argument("--out", required=True, help="path prefix of the three pictures")
    args = parser.parse_args()
    loaded = load_model(model=args.model, checkpoint=args.checkpoint)
    samples, _ = generate(loaded, 64, seed=0)
    save_grid(samples, f"{args.out}-samples.png", 8)
    rows = [generate(loaded, 8, seed=3, truncation=psi)[0] for psi in PSIS]
    save_grid(torch.cat(rows), f"{args.out}-truncation.png", 8)
    save_gif(interpolation_frames(loaded, [1, 2, 3, 4, 5, 6], steps=10, space="z"), f"{args.out}-walk.gif", scale=1)
    print(f"wrote {args.out}-samples.png, {args.out}-truncation.png (psi {', '.join(map(str, PSIS))} by row) and "
          f"{args.out}-walk.gif")


if __name__ == "__main__":
    main()
