"""How far a video generator has collapsed: the standard deviation of the same pixel over clips drawn from
different noise (0: every clip alike) and over a clip's frames (0: nothing moves), the "spread" of
docs/video.md's tables (0.065 over clips at initialisation).

    python bench/quality/video_spread.py --checkpoint runs/video-sn-hinge/checkpoints/step-00000250
"""

from __future__ import annotations

import argparse

import torch

from ganforge.apps.video import load_video_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True, help="a mocogan run or checkpoint folder")
    parser.add_argument("--num", type=int, default=8, help="clips (default 8)")
    args = parser.parse_args()
    generator = load_video_model(checkpoint=args.checkpoint).generator.eval()
    noise = generator.sample_latent(args.num, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        clips = generator(noise).float()
    print(f"spread over clips {clips.std(0).mean().item():.4f}, over time {clips.std(2).mean().item():.4f}, "
          f"mean pixel {clips.mean().item():.3f}")


if __name__ == "__main__":
    main()
