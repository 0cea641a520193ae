"""Unpaired translation of real photos (CycleGAN on two domains made from labels or folders), measured on
the held-out photos of both domains, never trained on, with a picture of input | translation pairs:

    python bench/quality/translation_photos.py --checkpoint runs/faces-age --out docs/eval/faces-age.json --figure docs/faces-age.png

The measures are those of `ganforge evaluate --checkpoint RUN` on such a run (ganforge.metrics.photo_translation:
read as the target domain by the face or pet judge, beside the inputs and the real targets; content kept by
Inception nearest neighbours, beside the same for the cycle reconstruction, noise and blur; FID to the real
targets beside the inputs'); this script adds the figure: the first --pairs held-out photos of each domain
above their translations (A -> B on top, B -> A below).
"""

from __future__ import annotations

import argparse
import json
import platform

import numpy as np
import torch
from PIL import Image

from ganforge.apps.evaluate_translation import evaluate_translation, scoring_data, translate_uint8
from ganforge.apps.translate import load_translator
from ganforge.models.io import read_state, resolve_checkpoint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True, help="a run, checkpoint or shipped model folder")
    parser.add_argument("--out", required=True, help="JSON of the measures")
    parser.add_argument("--figure", help="PNG: input | translation pairs of held-out photos")
    parser.add_argument("--pairs", type=int, default=8, help="photos per direction in the figure (default: 8)")
    parser.add_argument("--skip", type=int, default=0, help="start the figure at this held-out photo (default: 0)")
    args = parser.parse_args()
    folder = resolve_checkpoint(args.checkpoint)
    result = evaluate_translation(folder)
    for direction in ("AtoB", "BtoA"):
        print(direction, {key.removesuffix(f"_{direction}"): round(value, 4)
                          for key, value in result["metrics"].items() if key.endswith(direction)})
    result["protocol"]["machine"] = f"{platform.machine()} {platform.processor() or ''}".strip()
    result["protocol"]["torch"] = torch.__version__
    with open(args.out, "w") as handle:
        handle.write(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    if args.figure:
        run = read_state(folder)["run"]
        data = scoring_data(run)
        rows = []
        for direction, images in (("AtoB", data.images_a), ("BtoA", data.images_b)):
            inputs = np.stack(images[args.skip : args.skip + args.pairs])
            outputs = translate_uint8(load_translator(folder, direction), inputs)
            rows.append(np.concatenate([np.concatenate([i, o], 0) for i, o in zip(inputs, outputs)], 1))
        picture = Image.fromarray(np.concatenate(rows, 0))
        picture.resize((picture.width * 2, picture.height * 2), Image.NEAREST).save(args.figure)
        print(f"wrote {args.figure}")


if __name__ == "__main__":
    main()
