"""Argument types shared by the commands: a bad value is argparse's one-line error, before any work."""

from __future__ import annotations

import argparse
from pathlib import Path

from ganforge.apps.generate import load_model
from ganforge.apps.inversion import InversionSettings
from ganforge.apps.latent import LatentGenerator
from ganforge.data.folder import IMAGE_SUFFIXES

MAX_SEED = 2**32 - 1  # seeds feed torch, numpy and Python generators alike


def seed_type(text: str) -> int:
    """A noise seed: a whole number from 0 to MAX_SEED."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{text} is outside 0 to {MAX_SEED}")
    return value


def class_list(text: str) -> tuple[int, ...]:
    """Class indices as a comma-separated list: "0" or "0,6"."""
    try:
        classes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give class numbers separated by commas, like 0 or 0,6") from None
    if any(c < 0 for c in classes) or len(set(classes)) != len(classes):
        raise argparse.ArgumentTypeError(f"{text!r}: class numbers are >= 0 and each given once")
    return classes


def positive_int(text: str) -> int:
    """A whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


def add_model_source(parser: argparse.ArgumentParser, kind: str = "noise-to-image", example: str = "") -> None:
    """--model NAME | --checkpoint RUN (one of the two) and --device; `kind` names the models it takes."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help=f"a shipped {kind} model (see `ganforge models`){', e.g. ' + example if example else ''}")
    source.add_argument("--checkpoint", help=f"a run or checkpoint folder of a {kind} model")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default: cpu)")


def add_inversion_arguments(parser: argparse.ArgumentParser, *, space_default: str = "", seed: bool = True) -> None:
    """How real images are inverted (the StyleGAN2 projector's recipe; see ganforge.apps.inversion)."""
    group = parser.add_argument_group("inversion")
    group.add_argument("--space", default=space_default or None, choices=("z", "w", "w+"),
                       help="latent space to invert into: z (every model), w or w+ (stylegan2; w+ reconstructs "
                            f"best, w edits best) (default: {space_default or 'w for stylegan2, z otherwise'})")
    group.add_argument("--steps", type=positive_int, default=300,
                       help="optimisation steps: more for a closer match (default: 300)")
    group.add_argument("--perceptual", default="auto", choices=("auto", "digits", "fashion", "inception", "none"),
                       help="feature network of the perceptual distance; auto: the shipped classifier of the "
                            "model's data (digits, fashion), else the FID Inception (default: auto)")
    group.add_argument("--label", type=int, help="class of the input(s), for conditional models (default: each "
                                                 "image's best-fitting class)")
    if seed:
        group.add_argument("--seed", dest="search_seed", metavar="SEED", type=seed_type, default=0,
                           help="seed of the search's noise (default: 0)")
    group.add_argument("--batch-size", type=positive_int, default=100, help="images inverted at once (default: 100)")


def inversion_settings(args: argparse.Namespace) -> InversionSettings:
    """InversionSettings from the parsed options."""
    return InversionSettings(space=args.space or "", steps=args.steps, perceptual=args.perceptual,
                             seed=getattr(args, "search_seed", 0), batch_size=args.batch_size)


def load_latent_model(args: argparse.Namespace) -> LatentGenerator:
    """The LatentGenerator of --model or --checkpoint."""
    return LatentGenerator(load_model(model=args.model, checkpoint=args.checkpoint, device=args.device))


def image_output_names(args: argparse.Namespace) -> list[str]:
    """The files a command that writes one PNG per input image (NAME.png) writes into --out."""
    source = Path(args.input).expanduser()
    files = [source] if source.is_file() else sorted(source.iterdir()) if source.is_dir() else []
    return [path.stem + ".png" for path in files if path.suffix.lower() in IMAGE_SUFFIXES]
