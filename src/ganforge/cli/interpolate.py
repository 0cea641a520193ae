"""A latent walk of a noise-to-image model as an animated GIF: seed 1 -> seed 2 -> ... -> seed 1.

For stylegan2, --space w (default) interpolates linearly between the mapped latents w, where StyleGAN's
paths are smooth; --space z interpolates spherically between the noise vectors, the only walk of the
other families (dcgan: `--model faces`; a conditional one walks within --label's class).

examples:
  ganforge interpolate --model stylegan2-mnist --seeds 1,2,3,4 --out walk.gif
  ganforge interpolate --checkpoint runs/stylegan2-faces --seeds 1,2,3,4 --out walk.gif
  ganforge interpolate --checkpoint runs/stylegan2-faces --seeds 5,9 --space z --steps 30 --out walk.gif
  ganforge interpolate --model faces-cgan --label "female adult" --seeds 1,2,3 --truncation 0.8 --out women.gif
"""

from __future__ import annotations

import argparse

from ganforge.apps.generate import check_truncation, load_model, single_label
from ganforge.apps.style import check_scale, interpolation_frames, parse_seeds, save_gif
from ganforge.cli.args import add_model_source
from ganforge.errors import GanforgeError
from ganforge.models import FAMILIES, STYLE

NAME = "interpolate"
HELP = "latent walk of a noise-to-image model as a GIF"
OUTPUTS = {"out": "file"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge interpolate`."""
    add_model_source(parser)  # a shipped stylegan2 (stylegan2-mnist) or a stylegan2 run
    parser.add_argument("--seeds", required=True, help="two or more seeds, e.g. 1,2,3")
    parser.add_argument("--space", default=None, choices=("w", "z"),
                        help="stylegan2: interpolate in w (default) or z; other families walk in z")
    parser.add_argument("--label", help="a conditional model's class, by name or number (default: 0)")
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
    style = FAMILIES.get(loaded.family).can(STYLE)
    if args.space == "w" and not style:
        raise GanforgeError(f"--space w: {loaded.source} is a {loaded.family} model, whose only latent space is z; "
                            "drop --space")
    space = args.space or ("w" if style else "z")
    frames = interpolation_frames(loaded, seeds, steps=args.steps, space=space, truncation=args.truncation,
                                  label=single_label(loaded, args.label, "a walk"))
    path = save_gif(frames, args.out, scale=args.scale)
    print(f"wrote {len(frames)} frames ({space} walk through seeds {args.seeds}) to {path}")
