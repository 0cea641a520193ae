"""A latent walk of a stylegan2 model as an animated GIF: seed 1 -> seed 2 -> ... -> seed 1.

--space w (default) interpolates linearly between the mapped latents w, where StyleGAN's paths
are smooth; --space z interpolates spherically between the noise vectors.

examples:
  ganforge interpolate --model stylegan2-mnist --seeds 1,2,3,4 --out walk.gif
  ganforge interpolate --checkpoint runs/stylegan2-faces --seeds 1,2,3,4 --out walk.gif
  ganforge interpolate --checkpoint runs/stylegan2-faces --seeds 5,9 --space z --steps 30 --out walk.gif
"""

from __future__ import annotations

import argparse

from ganforge.apps.generate import check_truncation, load_model
from ganforge.apps.style import check_scale, interpolation_frames, parse_seeds, save_gif
from ganforge.cli.args import add_model_source

NAME = "interpolate"
HELP = "latent walk of a stylegan2 model as a GIF"
OUTPUTS = {"out": "file"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge interpolate`."""
    add_model_source(parser)  # a shipped stylegan2 (stylegan2-mnist) or a stylegan2 run
    parser.add_argument("--seeds", required=True, help="two or more seeds, e.g. 1,2,3")
    parser.add_argument("--space", default="w", choices=("w", "z"), help="interpolate in w (default) or z")
    parser.add_argument("--steps", type=int, default=16, help="frames between two seeds (default: 16)")
    parser.add_argument("--truncation", type=float, default=1.0, metavar="PSI", help="truncation psi (default: 1)")
    parser.add_argument("--scale", type=int, default=4, help="enlarge frames this many times (default: 4)")
    parser.add_argument("--out", required=True, help="output .gif")


def run(args: argparse.Namespace) -> None:
    """Write the walk."""
    check_scale(args.scale)
    seeds = parse_seeds(args.seeds)
    loaded = load_model(model=args.model, checkpoint=args.checkpoint, device=args.device)
    check_truncation(loaded, args.truncation)
    frames = interpolation_frames(loaded, seeds, steps=args.steps, space=args.space, truncation=args.truncation)
    path = save_gif(frames, args.out, scale=args.scale)
    print(f"wrote {len(frames)} frames ({args.space} walk through seeds {args.seeds}) to {path}")
