"""Find directions in a generator's latent space that change one thing about its images.

  sefa       closed form from the weights that read the latent (Shen & Zhou 2021); no sampling
  pca        principal components of sampled latents (GANSpace)
  attribute  fitted to an attribute measured on samples (InterFaceGAN): thickness, slant, width,
             height of grayscale strokes (digits); sex and age of faces, as the shipped face judge
             reads them; several at once are made independent of each other
Each direction is saved with its scale (strength 1 = one standard deviation of latents along it)
and its measured effect per unit strength on every attribute, printed here as a table.

examples:
  ganforge directions --model mnist-gan --method attribute --attribute thickness,slant --out dirs.safetensors
  ganforge directions --model faces --method attribute --out face-dirs.safetensors   # sex and age
  ganforge directions --model stylegan2-mnist --method sefa --count 8 --layers coarse --out sefa.safetensors
"""

from __future__ import annotations

import argparse
import sys

from ganforge.apps.directions import METHODS, find_directions, save_directions
from ganforge.cli.args import add_model_source, load_latent_model, positive_int, seed_type

NAME = "directions"
HELP = "find latent directions (SeFa, PCA, or fitted to a measured attribute)"
OUTPUTS = {"out": "file"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge directions`."""
    add_model_source(parser)
    parser.add_argument("--method", required=True, choices=METHODS, help="how to find them")
    parser.add_argument("--attribute",
                        help="attribute(s) for --method attribute, comma-separated: of digits thickness, slant, width, "
                             "height (default: thickness,slant); of faces sex, age as the shipped face judge reads "
                             "them (default: sex,age)")
    parser.add_argument("--count", type=positive_int, default=10, help="directions for sefa and pca (default: 10)")
    parser.add_argument("--samples", type=positive_int, default=2000,
                        help="samples to fit (attribute) or analyse (pca) (default: 2000)")
    parser.add_argument("--layers", help="sefa on stylegan2: coarse, middle, fine or A-B style inputs (default: all)")
    parser.add_argument("--seed", type=seed_type, default=0, help="seed of the samples (default: 0)")
    parser.add_argument("--out", required=True, help="output .safetensors file")


def run(args: argparse.Namespace) -> None:
    """Find, save and print the measured effects."""
    model = load_latent_model(args)
    attributes = None if args.attribute is None else tuple(part.strip() for part in args.attribute.split(","))
    found = find_directions(model, args.method, attributes=attributes, count=args.count, samples=args.samples,
                            seed=args.seed, layers=args.layers)
    if args.method != "attribute" and len(found.directions) < args.count:  # SeFa has one direction per dimension of the layers' style input
        print(f"note: {len(found.directions)} direction(s), not the {args.count} asked: the {args.method} "
              f"directions of this model's {found.space} stop there (one per dimension)", file=sys.stderr)
    path = save_directions(found, args.out)
    measures = list(found.directions[0].effect)
    print(f"{'direction':<12} {'scale':>7} " + " ".join(f"{m:>10}" for m in measures))
    for direction in found.directions:
        print(f"{direction.name:<12} {direction.scale:7.3f} " + " ".join(f"{direction.effect[m]:10.3f}" for m in measures))
    units = ("sex in the judge's log-odds of female, age in years" if "age" in measures
             else "attributes in pixels")
    print(f"(change per unit strength, measured on samples; pixels in [-1, 1], {units})\n"
          f"wrote {len(found.directions)} {found.space} direction(s) to {path}")
