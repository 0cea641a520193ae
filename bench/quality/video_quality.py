"""What a video GAN's clips look like and how they move, against real held-out Moving MNIST clips and against
the same generator's frames drawn independently (no motion model), all through one tracker (metrics/video.py):

    python bench/quality/video_quality.py --model moving-mnist [--num 500] [--out docs/eval/video-quality.json]
        [--picture docs/video-clips.png]

Rows: real held-out clips (made of digits no model trained on), the model's clips, the model's frames drawn
each from its own noise (a clip of 16 unrelated frames: what a video made without a motion model looks like),
and optionally a second checkpoint (--ablation, e.g. the moving-mnist-frames run without a video critic).
Columns: identity kept (the digit classifier's reading of a tracked digit stays the same), legibility (its
mean top probability), mean speed and its spread within a track (px per frame), bounces per clip, the share
of steps that jump more than 12 px, and the Inception FID of single frames (one per clip) to real held-out
frames. No video feature network (I3D, for FVD) installs offline, so motion is judged by the tracker.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ganforge.apps.video import animate, independent_frames, load_video_model
from ganforge.data.moving_mnist import load_moving_mnist
from ganforge.metrics.extractors import build_extractor
from ganforge.metrics.features import fid
from ganforge.metrics.video import measure_clips
from ganforge.utils.images import make_grid

COLUMNS = ("identity_kept", "legibility", "speed_mean", "speed_spread", "bounces_per_clip", "jump_share", "frame_fid")


def one_frame_each(clips: np.ndarray, seed: int) -> np.ndarray:
    """uint8 (N, T, H, W[, 1]) -> one frame per clip, picked at random, as RGB (N, H, W, 3) for the Inception."""
    clips = clips[..., 0] if clips.ndim == 5 else clips
    picks = np.random.default_rng(seed).integers(0, clips.shape[1], len(clips))
    frames = clips[np.arange(len(clips)), picks]
    return np.repeat(frames[..., None], 3, axis=3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model")
    source.add_argument("--checkpoint")
    parser.add_argument("--ablation", help="a second checkpoint to measure the same way (e.g. runs/moving-mnist-frames)")
    parser.add_argument("--num", type=int, default=500, help="clips per row (default 500)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="JSON file for the table and its protocol")
    parser.add_argument("--picture", help="PNG of film strips (every other frame across): 2 real held-out clips, the "
                                          "model's clips (3 with one content seed and three motion seeds, then 3 with "
                                          "three content seeds and one motion seed), 2 clips of independent frames")
    args = parser.parse_args()
    started = time.perf_counter()
    inception = build_extractor("inception")
    real = load_moving_mnist("heldout")
    real_clips = np.stack([real.clip(index).frames for index in range(min(args.num, len(real)))])
    real_features = inception(one_frame_each(real_clips, args.seed)).numpy()
    loaded = load_video_model(model=args.model, checkpoint=args.checkpoint)
    rows = {"real held-out clips": real_clips,
            "model": animate(loaded, args.num, content_seed=args.seed, motion_seed=args.seed + 1),
            "model, frames drawn independently": independent_frames(loaded, args.num, seed=args.seed)}
    if args.ablation:
        rows["ablation"] = animate(load_video_model(checkpoint=args.ablation), args.num, content_seed=args.seed,
                                   motion_seed=args.seed + 1)
    table = {}
    for name, clips in rows.items():
        measures = measure_clips(clips)
        if name == "real held-out clips":  # real vs real: other frames of the same clips
            measures["frame_fid"] = fid(real_features, inception(one_frame_each(clips, args.seed + 7)).numpy())
        else:
            measures["frame_fid"] = fid(real_features, inception(one_frame_each(clips, args.seed)).numpy())
        table[name] = measures
        print(f"{name:36s} " + " ".join(f"{key} {measures[key]:.3f}" for key in COLUMNS), flush=True)
    result = {"table": table, "protocol": {
        "model": args.model or args.checkpoint, "step": loaded.state.get("step"), "ablation": args.ablation,
        "clips": args.num, "seed": args.seed, "real": "moving-mnist held-out clips 0..N-1 (held-out digits)",
        "frame_fid": "Inception pool3, one random frame per clip, against one random frame of each real clip; the "
                     "real row compares other random frames of the same real clips (the floor)",
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(), "torch": torch.__version__,
        "seconds": round(time.perf_counter() - started, 1)}}
    if args.picture:
        strips = [real_clips[:2], animate(loaded, 1, content_seed=7, motion_seed=1),
                  animate(loaded, 1, content_seed=7, motion_seed=2), animate(loaded, 1, content_seed=7, motion_seed=3),
                  animate(loaded, 1, content_seed=4, motion_seed=1), animate(loaded, 1, content_seed=5, motion_seed=1),
                  animate(loaded, 1, content_seed=6, motion_seed=1), rows["model, frames drawn independently"][:2]]
        clips = np.concatenate([strip if strip.ndim == 5 else strip[..., None] for strip in strips])[:, ::2]
        Path(args.picture).parent.mkdir(parents=True, exist_ok=True)
        grid = make_grid(clips.reshape(-1, *clips.shape[2:]), columns=clips.shape[1])
        Image.fromarray(grid[..., 0]).save(args.picture)
        print(f"wrote {args.picture}")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
