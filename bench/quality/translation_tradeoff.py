"""How far the content measure of unpaired photo translation (issue 46) can be traded for the target domain:
each held-out input blended with its translation, (1 - s) * input + s * translation, at several strengths s,
measured as `ganforge evaluate` measures a translation (ganforge.metrics.photo_translation):

    python bench/quality/translation_tradeoff.py --checkpoint src/ganforge/weights/faces-sex --out docs/eval/faces-sex-tradeoff.json

Per direction and strength: the share read as the target domain by the shipped judge, the share whose Inception
features are nearer their own input's than any other held-out input's (content kept), both at once, and content
kept once each set's mean feature is taken away ("centred": a translation moves every face the same way, which
can make a few inputs the nearest to everything; centring says how much of the measure's strictness is that
shared move). s = 1 is the model as shipped; s = 0 would be the input itself (content kept 100 %).
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np
import torch
from report import print_table

from ganforge.apps.evaluate_translation import scoring_data, translate_uint8
from ganforge.apps.translate import load_translator
from ganforge.metrics.extractors import build_extractor
from ganforge.metrics.photo_translation import domain_reader, nearest_is_own
from ganforge.models.io import read_state, resolve_checkpoint


def blend(inputs: np.ndarray, outputs: np.ndarray, strength: float) -> np.ndarray:
    """uint8 images (1 - strength) * inputs + strength * outputs, rounded."""
    mixed = (1.0 - strength) * inputs.astype(np.float64) + strength * outputs.astype(np.float64)
    return np.clip(np.rint(mixed), 0, 255).astype(np.uint8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True, help="a CycleGAN run, checkpoint or shipped model folder")
    parser.add_argument("--out", required=True, help="JSON of the measures")
    parser.add_argument("--strengths", default="0.3,0.4,0.5,0.6,0.7,1",
                        help="comma-separated blend strengths (default: 0.3,0.4,0.5,0.6,0.7,1)")
    parser.add_argument("--directions", default="AtoB,BtoA", help="AtoB, BtoA or both (default)")
    args = parser.parse_args()
    strengths = [float(s) for s in args.strengths.split(",")]
    started = time.perf_counter()
    folder = resolve_checkpoint(args.checkpoint)
    run = read_state(folder)["run"]
    data = scoring_data(run)
    read = domain_reader(run["data"])
    if read is None:
        parser.error(f"{run['data']!r} has no domain judge (face rules or cats-dogs)")
    inception = build_extractor("inception")
    rows = []
    for direction in args.directions.split(","):
        inputs = np.stack(data.images_a if direction == "AtoB" else data.images_b)
        goal = 1 if direction == "AtoB" else 0
        outputs = translate_uint8(load_translator(folder, direction), inputs)
        features = inception(inputs).numpy()
        centred = features - features.mean(0)
        for strength in strengths:
            images = blend(inputs, outputs, strength)
            out_features = inception(images).numpy()
            reached = read(images, lambda f=out_features: f) == goal
            kept = nearest_is_own(out_features, features)
            kept_centred = nearest_is_own(out_features - out_features.mean(0), centred)
            rows.append({"direction": direction, "strength": strength, "photos": len(inputs),
                         "read_as_target": float(reached.mean()), "content_kept": float(kept.mean()),
                         "both": float((reached & kept).mean()), "content_kept_centred": float(kept_centred.mean())})
            print(rows[-1], flush=True)
    print_table({f"{row['direction']} s={row['strength']:g}": row for row in rows},
                ["read_as_target", "content_kept", "both", "content_kept_centred"], first="direction, strength",
                heading=f"{args.checkpoint}: held-out inputs blended with their translations", started=started)
    result = {"checkpoint": str(args.checkpoint), "data": run["data"], "rows": rows,
              "machine": f"{platform.machine()} {platform.processor() or ''}".strip(), "torch": torch.__version__}
    with open(args.out, "w") as handle:
        handle.write(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
