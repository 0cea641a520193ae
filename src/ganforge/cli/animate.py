"""Make short clips with a video GAN: the shipped moving-mnist model or a checkpoint of
`ganforge train moving-mnist` (two digits moving in a 64x64 frame, 16 frames: a layered MoCoGAN whose digits
are drawn once per clip by the shipped mnist-gan and moved by a learned motion network; docs/video.md).

Each clip goes to --out as clip-NNN.gif (looping, frames enlarged --scale times) and all of them to
clips.npz (`frames`: uint8 (N, T, H, W, C)). A clip's noise has a content part (which digits, how they
are written) and a motion part (how they move), drawn from --content-seed and --motion-seed: keep one
and change the other to see the same digits move differently, or other digits move the same way.

examples:
  ganforge animate --model moving-mnist --num 8 --out clips/
  ganforge animate --model moving-mnist --num 4 --content-seed 7 --motion-seed 1 --out same-digits-1/
  ganforge animate --model moving-mnist --num 4 --content-seed 7 --motion-seed 2 --out same-digits-2/
  ganforge train moving-mnist --out runs/moving-mnist
"""

from __future__ import annotations

import argparse

from ganforge.apps import video
from ganforge.cli.args import add_model_source, seed_type

NAME = "animate"
HELP = "make short clips with a video GAN (moving-mnist): GIFs and an .npz of frames"
OUTPUTS = {"out": "folder"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge animate`."""
    add_model_source(parser, "video", "moving-mnist")
    parser.add_argument("--num", type=int, default=8, help="number of clips (default: 8)")
    parser.add_argument("--content-seed", type=seed_type, default=0,
                        help="seed of what the clips show: the digits and their writing (default: 0)")
    parser.add_argument("--motion-seed", type=seed_type, default=None,
                        help="seed of how the clips move (default: the content seed)")
    parser.add_argument("--scale", type=int, default=4, help="enlarge the GIFs' frames this many times (default: 4)")
    parser.add_argument("--out", required=True, help="output folder: clip-NNN.gif and clips.npz")


def output_names(args: argparse.Namespace) -> list[str]:
    """The files it writes into --out."""
    return video.output_names(args.num) if 0 < args.num <= video.MAX_CLIPS else []


def run(args: argparse.Namespace) -> None:
    """Animate and say where the files went."""
    video.check_count(args.num)
    video.check_scale(args.scale)
    loaded = video.load_video_model(model=args.model, checkpoint=args.checkpoint, device=args.device)
    clips = video.animate(loaded, args.num, content_seed=args.content_seed, motion_seed=args.motion_seed)
    video.save_clips(clips, args.out, scale=args.scale)
    print(f"wrote {args.num} clip(s) of {clips.shape[1]} frames to {args.out} (GIFs and clips.npz)")
