"""Write one of ganforge's offline translation datasets to a folder, to look at or to train other tools on.

  digit-styles    real MNIST digits (A) and other real digits drawn bold and inverted (B), unpaired:
                  trainA/ trainB/ (2,000 each) testA/ testB/ (500 each), files NNNNN-DIGIT.png
  skimage-photos  scikit-image's colour photographs: train/ (7) and test/ (2)

Training does not need this step (`ganforge train cyclegan-digits` builds the data in memory);
the written folders load with --data DIR exactly the same way.

example:
  ganforge make-data digit-styles --out data/digit-styles
"""

from __future__ import annotations

import argparse

from ganforge.apps.make_data import make_data
from ganforge.data import TRANSLATION_DATASETS

NAME = "make-data"
HELP = "write a demo translation dataset to a folder"
OUTPUTS = {"out": "folder"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge make-data`."""
    parser.add_argument("name", choices=list(TRANSLATION_DATASETS), help="the dataset")
    parser.add_argument("--out", required=True, help="a new (or empty) folder")


def run(args: argparse.Namespace) -> None:
    """Write and summarise."""
    counts = make_data(args.name, args.out)
    print(f"wrote {args.name} to {args.out}: " + ", ".join(f"{folder}/ {n}" for folder, n in counts.items()))
