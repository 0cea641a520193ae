"""Super-resolution x4 on held-out real photos: bicubic, SRResNet and SRGAN side by side, and tiled
against whole-image upscaling.

    python bench/quality/superres.py --srresnet runs/srresnet-x4 --srgan runs/srgan-x4 [--tile 32]
    python bench/quality/superres.py                       # the shipped srresnet-x4 weights alone

--srresnet / --srgan take a run folder, a checkpoint folder or a shipped model name. Scores come
from `ganforge evaluate` (Y-channel PSNR/SSIM, the scale cut from each border, as BasicSR) on the
held-out photos of the checkpoint's data (scikit-image: chelsea, rocket), beside Pillow's bicubic.
The picture docs/superres.png has one row per held-out photo (a centre crop, enlarged 2x by pixel
repetition so the detail can be seen): bicubic | SRResNet | SRGAN | truth. For the same photos it reports each
column's high-frequency energy (the variance of the luma's Laplacian, 4-pixel border cut): what SRGAN is for
restoring, where the truth's is the target and a smooth upscaling falls far below it.
Tiling: each held-out photo's low-resolution version is upscaled whole and in --tile pixel tiles;
the maximum absolute difference (0..255 scale, before rounding) and both times are reported.
Writes docs/eval/superres.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch
from scipy import ndimage

from ganforge.apps.evaluate_translation import evaluate_translation
from ganforge.apps.translate import load_translator, translate_tiled
from ganforge.data import PreprocessConfig, load_translation_dataset
from ganforge.data.resize import downscale, upscale_bicubic
from ganforge.errors import GanforgeError
from ganforge.models.pretrained import list_pretrained, pretrained_path
from ganforge.utils.images import from_uint8, make_grid, save_image, to_uint8

DOCS = Path(__file__).resolve().parents[2] / "docs"
CROP = 128  # side of the centre crop shown per photo (high-resolution pixels)


def resolve(source: str) -> Path:
    """A shipped model name or a path."""
    return pretrained_path(source) if source in list_pretrained() else Path(source)


def centre(image: np.ndarray, side: int = CROP) -> np.ndarray:
    """The centre side x side square, enlarged 2x by pixel repetition."""
    top, left = (image.shape[0] - side) // 2, (image.shape[1] - side) // 2
    return image[top : top + side, left : left + side].repeat(2, 0).repeat(2, 1)


def detail(image: np.ndarray) -> float:
    """High-frequency energy: the variance of the Laplacian of the luma (BT.601), 4 pixels cut from each border."""
    luma = image.astype(np.float64) @ np.array([0.299, 0.587, 0.114]) if image.shape[2] == 3 else image[..., 0] * 1.0
    return float(ndimage.laplace(luma)[4:-4, 4:-4].var())


def main() -> None:
    """Score, draw and time."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--srresnet", default="srresnet-x4", help="SRResNet run, checkpoint or shipped model")
    parser.add_argument("--srgan", default="", help="SRGAN run or checkpoint (optional)")
    parser.add_argument("--tile", type=int, default=32, help="tile side in low-resolution pixels (default 32)")
    parser.add_argument("--out", default=str(DOCS / "eval" / "superres.json"))
    parser.add_argument("--picture", default=str(DOCS / "superres.png"))
    args = parser.parse_args()
    torch.manual_seed(0)
    models = {"srresnet": resolve(args.srresnet)}
    if args.srgan:
        models["srgan"] = resolve(args.srgan)
    results: dict = {"machine": f"{platform.processor() or platform.machine()}, torch {torch.__version__}",
                     "scores": {}, "tiling": {}}
    for name, source in models.items():
        evaluation = evaluate_translation(source)
        results["scores"][name] = evaluation["metrics"]
        results["protocol"] = evaluation["protocol"]
        print(name, {key: round(value, 4) for key, value in evaluation["metrics"].items()})

    translators = {name: load_translator(source) for name, source in models.items()}
    first = translators["srresnet"]
    scale, kernel = first.scale, first.preprocess.kernel
    if any(t.scale != scale for t in translators.values()):
        raise GanforgeError("--srresnet and --srgan upscale by different factors; compare models of one scale")
    data = load_translation_dataset("skimage-photos", "heldout", PreprocessConfig(derive_input="downscale",
                                                                                  scale=scale, kernel=kernel))
    rows = []
    for index, truth in enumerate(data.images_b):
        truth = np.ascontiguousarray(truth[: truth.shape[0] - truth.shape[0] % scale,
                                           : truth.shape[1] - truth.shape[1] % scale])
        low = downscale(truth, scale, kernel)
        outputs = {"bicubic": upscale_bicubic(low, scale)}
        for name, translator in translators.items():
            started = time.perf_counter()
            whole = translator(from_uint8(low[None]))
            whole_seconds = time.perf_counter() - started
            started = time.perf_counter()
            tiled = translate_tiled(translator, from_uint8(low[None]), args.tile)
            tiled_seconds = time.perf_counter() - started
            outputs[name] = to_uint8(whole)[0]
            results["tiling"][f"{name}/{data.names_b[index] if data.names_b else index}"] = {
                "input": f"{low.shape[1]}x{low.shape[0]}", "tile": args.tile,
                "max_abs_difference_0_255": round(float((tiled - whole).abs().max()) * 127.5, 6),
                "outputs_equal_after_rounding": bool(np.array_equal(to_uint8(tiled), to_uint8(whole))),
                "seconds_whole": round(whole_seconds, 3), "seconds_tiled": round(tiled_seconds, 3),
            }
        outputs["truth"] = truth
        name = data.names_b[index] if data.names_b else str(index)
        results.setdefault("detail", {})[name] = {column: round(detail(image), 1) for column, image in outputs.items()}
        print(f"detail {name}: " + ", ".join(f"{column} {value}" for column, value in results["detail"][name].items()))
        rows.append([centre(image) for image in outputs.values()])
        columns = list(outputs)
    grid = make_grid(np.stack([image for row in rows for image in row]), columns=len(columns))
    save_image(grid, args.picture)
    results["picture"] = {"path": str(Path(args.picture).name), "columns": columns,
                          "crop": f"centre {CROP}x{CROP} of each held-out photo, shown 2x"}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    for key, row in results["tiling"].items():
        print(f"tiling {key}: max |tiled - whole| = {row['max_abs_difference_0_255']} grey levels, "
              f"{row['seconds_whole']} s whole, {row['seconds_tiled']} s in tiles of {row['tile']}")
    print(f"wrote {args.out} and {args.picture} (columns: {' | '.join(columns)})")


if __name__ == "__main__":
    main()
