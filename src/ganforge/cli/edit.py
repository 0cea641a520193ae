"""Edit real images (inverted first) or samples along a latent direction.

Each input becomes one strip: the input (for real images), then the edit at each --strength, in
standard deviations of the latents along the direction (0 is the plain reconstruction). Directions
come from `ganforge directions`; a file made for another model is refused. For stylegan2, --layers
limits the edit to some style inputs: coarse (pose, shape), middle or fine (texture, stroke).
--keep-class (digit and Fashion-MNIST models) walks the edit in small steps, each stripped of what
would change the class the shipped classifier reads: a thicker 3 stays a 3 at strengths where a
straight line turns it into an 8. --hold slant (or thickness, or both) strips each step of what
would change that stroke attribute too, measured by a smooth stand-in (grayscale models): a
thickness edit that leaves the slant alone. --until thickness=1.2 stops each image once its
thickness (measured as `ganforge directions` measures it) moved 1.2 standard deviations of the
model's training images (of its samples when those are not on hand) the way the strength points:
digits that thicken easily are not pushed past that, and --strength becomes the farthest a stubborn
one may go. With --keep-class or --hold as well, such a walk is paced: each step moves the edited
attribute as much as the straight line would while the held ones stay put.

examples:
  ganforge directions --model mnist-gan --method attribute --out dirs.safetensors
  ganforge edit --model mnist-gan --input digits/ --direction dirs.safetensors:thickness --strength -2,0,2 --out thick/
  ganforge edit --model stylegan2-mnist --seed 1,2,3 --direction sefa.safetensors:sefa-0 --layers coarse --out walk/
  ganforge edit --model stylegan2-mnist --input digits/ --direction dirs.safetensors:thickness --strength 0,3 --keep-class --out kept/
  ganforge edit --model stylegan2-mnist --input digits/ --direction dirs.safetensors:thickness --strength 0,3,6 --keep-class --hold slant --out held/
  ganforge edit --model stylegan2-mnist --input digits/ --direction dirs.safetensors:thickness --strength -9,0,9 --keep-class --until thickness=1.2 --out enough/
"""

from __future__ import annotations

import argparse

from ganforge.apps.edit import check_out, edit, parse_strengths, save_edits
from ganforge.apps.style import parse_seeds
from ganforge.cli.args import (
    add_inversion_arguments,
    add_model_source,
    image_output_names,
    inversion_settings,
    load_latent_model,
)

NAME = "edit"
HELP = "move real images or samples along a latent direction"
OUTPUTS = {"out": "folder"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def output_names(args: argparse.Namespace) -> list[str]:
    """The strips it writes into --out: one per input image, or seedNNNN.png per sample seed."""
    if args.input:
        return image_output_names(args)
    return [f"seed{seed:04d}.png" for seed in parse_seeds(args.seed)]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge edit`."""
    add_model_source(parser)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--input", help="an image file or a folder of images to invert and edit")
    what.add_argument("--seed", help="edit samples instead: their seeds, e.g. 1 or 1,2,5-7")
    parser.add_argument("--direction", required=True, help="FILE:NAME, a direction from `ganforge directions`")
    parser.add_argument("--strength", default="-3,-1.5,0,1.5,3",
                        help="strengths in standard deviations, comma-separated (default: -3,-1.5,0,1.5,3)")
    parser.add_argument("--layers", help="stylegan2: coarse, middle, fine or A-B style inputs (default: all)")
    parser.add_argument("--keep-class", action="store_true",
                        help="digits and Fashion-MNIST models: walk the edit in small steps that never move the class "
                             "the shipped classifier reads (slower; the attribute moves less per unit strength)")
    parser.add_argument("--hold", metavar="ATTRIBUTES",
                        help="grayscale stroke models: attributes the walk keeps where they were (slant, thickness, "
                             "or slant,thickness), e.g. --hold slant for a thickness edit")
    parser.add_argument("--until", metavar="ATTRIBUTE=STDS",
                        help="grayscale stroke models: stop each image once ATTRIBUTE (thickness, slant, width, height) "
                             "moved STDS standard deviations of the training images; --strength is then the farthest "
                             "it may go, e.g. --until thickness=1.2 --strength -9,0,9")
    parser.add_argument("--out", required=True, help="output folder: one strip per input")
    parser.add_argument("--each", action="store_true",
                        help="also write every edited image on its own, at the model's size, as "
                             "OUT/each/NAME_STRENGTH.png (to measure the edits with other tools)")
    add_inversion_arguments(parser, seed=False)


def run(args: argparse.Namespace) -> None:
    """Edit and say where the strips went."""
    strengths = parse_strengths(args.strength)
    seeds = parse_seeds(args.seed, "--seed") if args.seed is not None else None
    out = check_out(args.out, [args.input] if args.input else [])
    model = load_latent_model(args)
    result = edit(model, args.direction, strengths, inputs=args.input, seeds=seeds, layers=args.layers,
                  settings=inversion_settings(args), label=args.label, keep_class=args.keep_class,
                  hold=args.hold, until=args.until)
    written = save_edits(result, out, each=args.each)
    print(f"wrote {len(written)} strip(s) of {len(strengths)} strengths to {out}"
          + (f", and each image to {out / 'each'}" if args.each else ""))
