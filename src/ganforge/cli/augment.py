"""Write a labelled synthetic image set from a conditional generator: one subfolder per class (the
layout `ganforge train --data` and classifiers read) and manifest.json (model, step, seed,
truncation, filter, how many drawn and kept per class).

--filter C keeps only samples that a classifier trained on real images of the model's data assigns
to the intended class with probability >= C (ganforge ships one for mnist-5k and fashion-mnist
models). Written into a hidden folder and renamed into place at the end: nothing half-written.

examples:
  ganforge augment --model mnist-cgan --per-class 500 --out data/synthetic-digits
  ganforge augment --model mnist-cgan --per-class 500 --filter 0.9 --out data/confident-digits
  ganforge train mnist-cgan --data data/synthetic-digits --out runs/from-synthetic
"""

from __future__ import annotations

import argparse

from ganforge.apps.augment import augment
from ganforge.cli.args import seed_type

NAME = "augment"
HELP = "write a labelled synthetic image set from a conditional GAN"
REPLACES_FOLDER = True  # --overwrite deletes what --out holds
OUTPUTS = {"out": "folder"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge augment`."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="a shipped conditional model (see `ganforge models`), e.g. mnist-cgan")
    source.add_argument("--checkpoint", help="a run or checkpoint folder of a conditional model")
    parser.add_argument("--per-class", type=int, required=True, help="images to write for every class")
    parser.add_argument("--out", required=True, help="a new (or empty) folder")
    parser.add_argument("--truncation", type=float, default=1.0, metavar="PSI", help="stylegan2 only (default: 1)")
    parser.add_argument("--filter", type=float, metavar="CONFIDENCE", dest="filter_confidence",
                        help="keep samples a real-data classifier puts in their class with at least this probability")
    parser.add_argument("--seed", type=seed_type, default=0, help="noise seed (default: 0)")
    parser.add_argument("--overwrite", action="store_true", help="replace a non-empty --out")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default: cpu)")


def run(args: argparse.Namespace) -> None:
    """Write the set and summarise it."""
    manifest = augment(per_class=args.per_class, out=args.out, model=args.model, checkpoint=args.checkpoint,
                       truncation=args.truncation, filter_confidence=args.filter_confidence, seed=args.seed,
                       device=args.device, overwrite=args.overwrite)
    kept = (f"{manifest['accepted']:,} of {manifest['drawn']:,} drawn passed the filter" if args.filter_confidence
            else f"{manifest['kept']:,} images")
    print(f"wrote {len(manifest['classes'])} classes x {args.per_class:,} into {args.out} ({kept}); "
          f"{args.out}/manifest.json says how")
