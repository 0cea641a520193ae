"""How a video GAN's motion changes while it trains: the tracker's measures (metrics/video.py) of clips from
each of a run's saved checkpoints, beside real held-out clips, so that a motion the critic taught (the digits
started at rest or too fast, `[model] speed_prior`) can be told from one that was built in:

    python bench/quality/video_motion_curve.py runs/history/video-at-rest-step-* [--num 200] [--out curve.json]

Each checkpoint is read through its moving average of the generator (what `ganforge export` ships; it lags
the raw weights by about 1 / (1 - ema_decay) steps) and, with --raw, through its raw weights too. One seed of
clips (--seed): the spread between seeds is not measured.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from report import print_table

from ganforge.apps.video import animate
from ganforge.data.moving_mnist import load_moving_mnist
from ganforge.metrics.video import measure_clips
from ganforge.models.io import load_network

COLUMNS = ("identity_kept", "speed_mean", "speed_spread", "bounces_per_clip", "jump_share")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoints", nargs="+", help="checkpoint folders (step-NNNNNNNN) of one or more runs")
    parser.add_argument("--num", type=int, default=200, help="clips per row (default 200)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--raw", action="store_true", help="also measure each checkpoint's raw (not averaged) weights")
    parser.add_argument("--out", help="JSON file for the rows")
    args = parser.parse_args()
    started = time.perf_counter()
    held = load_moving_mnist("heldout")
    rows = {"real held-out clips": measure_clips(np.stack([held.clip(k).frames for k in range(args.num)]))}
    for folder in args.checkpoints:
        for ema in (True, False) if args.raw else (True,):
            loaded = load_network(folder, use_ema=ema)
            name = f"{folder} (step {loaded.state['step']}{'' if ema else ', raw weights'})"
            rows[name] = measure_clips(animate(loaded, args.num, content_seed=args.seed, motion_seed=args.seed + 1))
    print_table(rows, COLUMNS, first="clips", heading=f"{args.num} clips per row, seed {args.seed}", started=started)
    if args.out:
        Path(args.out).write_text(json.dumps({"command": "python bench/quality/video_motion_curve.py "
                                              + " ".join(args.checkpoints), "num": args.num, "seed": args.seed,
                                              "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
