"""Per-image ×4 benchmark scores of one or more upscalers on a folder (Set5, Set14, your photos), by the
protocol of `ganforge evaluate` (docs/super-resolution.md): modcrop, MATLAB imresize shrink, Y channel,
4-pixel border; the bicubic row is MATLAB's bicubic upscale.

    python bench/quality/superres_benchmark.py --real Set14/ [--model srresnet-x4] [--checkpoint runs/srresnet-paper ...]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from ganforge.apps.translate import load_translator
from ganforge.data.folder import list_images, read_image
from ganforge.data.resize import imresize
from ganforge.metrics.pixels import psnr_y, ssim_y
from ganforge.models.pretrained import pretrained_path
from ganforge.utils.images import from_uint8, to_uint8

SCALE = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real", required=True, help="a folder of high-resolution photos")
    parser.add_argument("--model", action="append", default=[], help="a shipped upscaler (repeatable)")
    parser.add_argument("--checkpoint", action="append", default=[], help="a super-resolution run (repeatable)")
    parser.add_argument("--out", help="JSON of every score")
    args = parser.parse_args()
    upscalers = {name: load_translator(pretrained_path(name)) for name in args.model}
    upscalers.update({path: load_translator(path) for path in args.checkpoint})
    rows: dict[str, dict[str, tuple[float, float]]] = {}
    for path in list_images(Path(args.real)):
        truth = read_image(path)
        truth = np.repeat(truth, 3, axis=2) if truth.shape[2] == 1 else truth
        truth = np.ascontiguousarray(truth[: truth.shape[0] // SCALE * SCALE, : truth.shape[1] // SCALE * SCALE])
        low = imresize(truth, 1 / SCALE)
        outputs = {"bicubic": imresize(low, SCALE)}
        with torch.no_grad():
            for name, upscaler in upscalers.items():
                outputs[name] = to_uint8(upscaler(from_uint8(low[None])))[0]
        rows[path.name] = {name: (psnr_y(image, truth, SCALE), ssim_y(image, truth, SCALE))
                           for name, image in outputs.items()}
    names = list(next(iter(rows.values())))
    print(f"{'image':16s}" + "".join(f"{name[-22:]:>24s}" for name in names))
    for image, scores in rows.items():
        print(f"{image:16s}" + "".join(f"{scores[n][0]:15.2f} / {scores[n][1]:.4f}" for n in names))
    means = {n: (float(np.mean([r[n][0] for r in rows.values()])), float(np.mean([r[n][1] for r in rows.values()])))
             for n in names}
    print(f"{'mean':16s}" + "".join(f"{means[n][0]:15.2f} / {means[n][1]:.4f}" for n in names))
    if args.out:
        Path(args.out).write_text(json.dumps({"images": rows, "mean": means, "real": args.real}, indent=2) + "\n")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
