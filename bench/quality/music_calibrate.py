"""How far the chorales model's pitch-class histogram can be pulled onto Bach's after training, and what that
costs: a per-(voice, pitch) logit bias (models/musegan.py's `pitch_bias`, added to a trained generator at
zero) fitted so that each voice's share of steps on each pitch slot (the rest slot included) matches the
TRAINING windows' shares, by proportional fitting on composed passages (argmax sampling, as `ganforge compose`
draws):

    bias[voice, pitch] += --rate * (log share_training - log share_composed)     (each round: --fit passages)

After each round, --num passages (seed 0) are measured as bench/quality/music_curve.py measures a checkpoint:
the pitch-class histogram distance to the training windows (mix and voice by voice), the same to the
held-out windows (for the record; the fit never reads them), and the other measures of docs/music.md. The
rows print as a Markdown table.

    python bench/quality/music_calibrate.py --model src/ganforge/weights/chorales --rounds 12 --out calibrate.json

An experiment, not a shipped feature: docs/music.md says what it showed.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from music_curve import COLUMNS, measure
from report import print_table

from ganforge.apps.music import MAX_PASSAGES, compose
from ganforge.data.chorales import load_chorales
from ganforge.models.io import load_network


def slot_shares(rolls: np.ndarray) -> np.ndarray:
    """Bool rolls (N, voices, steps, pitches) -> (voices, pitches): each voice's share of steps on each pitch
    slot, slot 0 counting its silent steps (the generator's rest slot, models/musegan.REST)."""
    counts = rolls.sum((0, 2)).astype(np.float64)
    counts[:, 0] += (rolls.sum(-1) == 0).sum((0, 2))
    return counts / counts.sum(-1, keepdims=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="src/ganforge/weights/chorales", help="a chorales model or checkpoint folder")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--rate", type=float, default=0.8, help="step of each round, in log-share units (default 0.8)")
    parser.add_argument("--fit", type=int, default=MAX_PASSAGES, help="passages composed per round to fit on")
    parser.add_argument("--num", type=int, default=400, help="passages measured per round (seed 0)")
    parser.add_argument("--out", help="JSON file for the rows")
    args = parser.parse_args()
    started = time.perf_counter()
    training = load_chorales("train").rolls.astype(bool)
    heldout = load_chorales("heldout").rolls.astype(bool)
    target = slot_shares(training)
    loaded = load_network(args.model)
    generator = loaded.generator
    if generator.pitch_bias is None:  # a model trained without the option: its bias starts at zero
        generator.pitch_bias = torch.nn.Parameter(torch.zeros(target.shape[0], 1, target.shape[1]))
    rows = {}
    for round_ in range(args.rounds + 1):
        if round_:
            shares = slot_shares(compose(loaded, args.fit, seed=1000 + round_))
            step = args.rate * (np.log(target + 1e-4) - np.log(shares + 1e-4))
            with torch.no_grad():
                generator.pitch_bias += torch.as_tensor(step, dtype=generator.pitch_bias.dtype)[:, None, :]
        row = measure(compose(loaded, args.num, seed=0), training, heldout)
        row["slot_share_l1"] = float(np.abs(slot_shares(compose(loaded, args.fit, seed=999)) - target).sum(-1).mean())
        rows[f"round {round_}"] = row
        print(f"round {round_}: " + ", ".join(f"{k} {v:.3f}" for k, v in row.items()), flush=True)
    columns = ("slot_share_l1", *COLUMNS)
    print()
    print_table(rows, columns, first="round", started=started,
                heading=f"{args.model}, rate {args.rate}, {args.fit} passages per fit, {args.num} measured")
    if args.out:
        Path(args.out).write_text(json.dumps({"model": args.model, "rate": args.rate, "fit": args.fit, "num": args.num,
                                              "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
