"""Fill a masked region of images: with a pix2pix model (`ganforge train complete`, paired), or by
inversion with any noise-to-image model (its latent is fitted to the known pixels only, and the
hole is drawn by the generator). The checkpoint's family chooses which.

--mask is an image (white = fill, black = known). For pix2pix it has the input's size; for a noise
model it is resized to the model's size, as the inputs are. Known pixels are kept exactly. pix2pix
writes the completed image under the input's name; inversion writes the masked input | completion.

examples:
  ganforge train complete --out runs/complete
  ganforge complete --checkpoint runs/complete --input photo.png --mask hole.png --out filled/
  ganforge complete --model mnist-gan --input digits/ --mask lower-half.png --out filled/
"""

from __future__ import annotations

import argparse

from ganforge.apps.edit import complete_files as complete_by_inversion
from ganforge.apps.translate import complete_files
from ganforge.cli.args import add_inversion_arguments, image_output_names, inversion_settings, load_latent_model
from ganforge.models.io import checkpoint_task
from ganforge.models.tasks import IMAGE_TO_IMAGE

NAME = "complete"
HELP = "fill a masked region of images (pix2pix, or inversion of a noise model)"
OUTPUTS = {"out": "folder"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)
output_names = image_output_names  # NAME.png per input image


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge complete`."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", help="a run of `ganforge train complete`, or of a noise-to-image model")
    source.add_argument("--model", help="a shipped noise-to-image model (completion by inversion)")
    parser.add_argument("--input", required=True, help="an image file, or a folder of images of the mask's size")
    parser.add_argument("--mask", required=True, help="mask image: white = fill")
    parser.add_argument("--out", required=True, help="output folder (file names are kept, as .png)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default: cpu)")
    add_inversion_arguments(parser)


def run(args: argparse.Namespace) -> None:
    """Complete and say where the files went."""
    if args.checkpoint and checkpoint_task(args.checkpoint) in IMAGE_TO_IMAGE:  # pix2pix fills the hole itself
        written = complete_files(args.checkpoint, args.input, args.mask, args.out, device=args.device)
        how = "pix2pix"
    else:
        model = load_latent_model(args)
        written = complete_by_inversion(model, args.input, args.mask, args.out, inversion_settings(args),
                                        label=args.label)
        how = f"inversion into {args.space or model.edit_space}"
    print(f"completed {len(written)} image(s) by {how} into {args.out}")
