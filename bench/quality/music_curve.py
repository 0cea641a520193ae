"""Which checkpoint of a chorales run to ship, chosen on the TRAINING chorales only: for each saved checkpoint
(its moving average of the generator when the run keeps one, and with --raw its raw weights too), the
pitch-class histogram distance of --num composed passages to all the training windows, the same voice by
voice (averaged over the four), the other measures of docs/music.md beside it, and the same distance to the held-out windows for the record (never for the pick):

    python bench/quality/music_curve.py runs/chorales-ema/checkpoints/step-* [--raw] [--num 400] [--out curve.json]
    python bench/quality/music_curve.py src/ganforge/weights/chorales --num 200 --real-draws 200   # where real music stands

Rows are printed as a Markdown table, ordered as given; the row with the smallest distance to the training
windows is named at the end. One seed of passages (--seed): the spread between seeds is printed for that row
only (--seeds more draws), so a pick that wins by less than that spread is called a tie.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from report import print_table

from ganforge.apps.music import compose
from ganforge.data.chorales import LOWEST, load_chorales
from ganforge.metrics.music import pitch_class_histogram, roll_metrics
from ganforge.models.io import load_network

COLUMNS = ("distance_to_training", "distance_to_heldout", "voice_distance_to_training", "pitch_classes_per_bar", "in_key", "polyphony",
           "notes_per_bar", "minor_share")


def measure(rolls: np.ndarray, training: np.ndarray, heldout: np.ndarray) -> dict[str, float]:
    """roll_metrics against the training windows, plus the held-out distance."""
    row = roll_metrics(rolls, lowest=LOWEST, reference=training)
    row["distance_to_training"] = row.pop("pitch_class_distance")
    row["distance_to_heldout"] = float(np.abs(pitch_class_histogram(rolls, LOWEST)
                                              - pitch_class_histogram(heldout, LOWEST)).sum())
    row["voice_distance_to_training"] = row.pop("voice_pitch_class_distance")  # against the training voices
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoints", nargs="+", help="checkpoint folders (step-NNNNNNNN) or run folders")
    parser.add_argument("--num", type=int, default=400, help="passages per row (default 400)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", type=int, default=4, help="draws of the picked row, for the spread (default 4)")
    parser.add_argument("--raw", action="store_true", help="also measure each checkpoint's raw (not averaged) weights")
    parser.add_argument("--real-draws", type=int, default=0,
                        help="also: the held-out distance of all the training windows, and of K random draws of "
                             "--num training windows (mean +/- std): where real music stands (default 0: skip)")
    parser.add_argument("--out", help="JSON file for the rows")
    args = parser.parse_args()
    started = time.perf_counter()
    training = load_chorales("train").rolls.astype(bool)
    heldout = load_chorales("heldout").rolls.astype(bool)
    rng = np.random.default_rng(args.seed)
    rows = {"real training windows (a random --num)": measure(
        training[rng.choice(len(training), args.num, replace=False)], training, heldout)}
    real_spread = None
    if args.real_draws:
        heldout_histogram = pitch_class_histogram(heldout, LOWEST)
        distances = [float(np.abs(pitch_class_histogram(training[rng.choice(len(training), args.num, replace=False)], LOWEST)
                                  - heldout_histogram).sum()) for _ in range(args.real_draws)]
        real_spread = {"all_training_windows": float(np.abs(pitch_class_histogram(training, LOWEST) - heldout_histogram).sum()),
                       "draws": args.real_draws, "mean": float(np.mean(distances)), "std": float(np.std(distances))}
    loaded_rows = {}
    for folder in args.checkpoints:
        for ema in (True, False) if args.raw else (True,):
            loaded = load_network(folder, use_ema=ema)
            name = f"{folder} (step {loaded.state['step']}{'' if ema else ', raw weights'})"
            rows[name] = measure(compose(loaded, args.num, seed=args.seed), training, heldout)
            loaded_rows[name] = loaded
    picked = min(loaded_rows, key=lambda name: rows[name]["distance_to_training"])
    spread = [measure(compose(loaded_rows[picked], args.num, seed=args.seed + 1 + k), training, heldout)
              ["distance_to_training"] for k in range(args.seeds)]
    print_table(rows, COLUMNS, first="passages", heading=f"{args.num} passages per row, seed {args.seed}", started=started)
    print(f"\npicked on the training windows: {picked}; its distance over seeds {args.seed + 1}..{args.seed + args.seeds}: "
          f"{np.mean(spread):.3f} +/- {np.std(spread):.3f}")
    if real_spread:
        print(f"real: all {len(training)} training windows are {real_spread['all_training_windows']:.3f} from the held-out "
              f"mix; {args.real_draws} draws of {args.num} training windows {real_spread['mean']:.3f} +/- {real_spread['std']:.3f}")
    if args.out:
        Path(args.out).write_text(json.dumps({"num": args.num, "seed": args.seed, "rows": rows, "picked": picked,
                                              "picked_spread": spread, "real_spread": real_spread}, indent=1) + "\n")


if __name__ == "__main__":
    main()
