"""Score images with a trained anomaly detector (a run of `ganforge train ganomaly|fanogan|autoencoder|deep-svdd`):
one score per image, higher = more anomalous, written to a CSV with the file names.

--threshold-fpr R also marks each image: anomalous when its score is above the threshold that calls
R of the run's validation images (normal training images it never trained on) anomalous. Images of
another size or channel count than the model's are converted, and the command says so.

examples:
  ganforge train ganomaly --data fashion-mnist --normal 0 --out runs/ganomaly-0
  ganforge anomaly --checkpoint runs/ganomaly-0 --input photos/ --out scores.csv
  ganforge anomaly --checkpoint runs/ganomaly-0 --input samples.npz --out scores.csv --threshold-fpr 0.05
  ganforge evaluate --checkpoint runs/ganomaly-0          # AUROC on the held-out split
"""

from __future__ import annotations

import argparse
import sys

from ganforge.apps.anomaly import score_files

NAME = "anomaly"
HELP = "score images with an anomaly detector"
OUTPUTS = {"out": "file"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge anomaly`."""
    parser.add_argument("--checkpoint", required=True, help="a run of ganomaly, fanogan, autoencoder or deep-svdd")
    parser.add_argument("--input", required=True, help="an image, a folder of images, or an .npz with 'images'")
    parser.add_argument("--out", required=True, help="the CSV to write (file, score[, anomalous])")
    parser.add_argument("--threshold-fpr", type=float, metavar="RATE",
                        help="mark images above the threshold with this false-positive rate on validation images")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default: cpu)")


def run(args: argparse.Namespace) -> None:
    """Score and say where the CSV went."""
    result = score_files(args.checkpoint, args.input, args.out, threshold_fpr=args.threshold_fpr, device=args.device)
    for note in result["notes"]:
        print(f"note: {note}", file=sys.stderr)
    marked = (f"; {result['anomalous']} above the threshold {result['threshold']:.4g}"
              if result["threshold"] is not None else "")
    print(f"scored {result['count']} image(s) into {args.out}{marked}")
