"""`ganforge evaluate --checkpoint RUN` for translation models: measured on held-out images that
the model never saw (the run's own data, held-out split, unless --real says otherwise).

cyclegan  per direction: the cycle-reconstruction error |G_BA(G_AB(a)) - a| (mean absolute
          difference on the 0..1 scale); on digit-styles also the share of translations whose digit
          the target style's classifier still reads (content) and that the domain classifier puts
          in the target domain (see ganforge.metrics.translation); on photo domains with a judge (faces
          split by rules on age and sex, cats-dogs) the measures of ganforge.metrics.photo_translation:
          read as the target domain, content kept (Inception), FID to the real target photos.
pix2pix   PSNR and SSIM of the output against the true image, next to the same scores of the input
          itself (the grayscale image, or the image with a grey hole): the floor the model must beat.
          Lab colourisers are scored on the held-out photos at their own size (the model rescales
          internally), against the gray image of the same lightness (a*b* = 0), and also by the
          colour measures of ganforge.metrics.colour: psnr_ab, colourfulness (with the truth's and
          their ratio) and hue_accuracy.
          Completion masks are one rectangle per image from a seeded RNG; known pixels are kept, so
          the scores measure the filled hole in its context.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ganforge import __version__
from ganforge.apps.translate import (
    Translator,
    colourise_image,
    complete_image,
    load_translator,
    set_temperature,
    with_self_ensemble,
)
from ganforge.data import PreprocessConfig, TranslationDataset, load_translation_dataset
from ganforge.data.inputs import match_channels
from ganforge.data.resize import KERNELS, downscale, imresize, upscale_bicubic
from ganforge.data.translation import random_masks
from ganforge.errors import GanforgeError
from ganforge.metrics.colour import COLOUR_METRICS
from ganforge.metrics.extractors import build_extractor
from ganforge.metrics.perceptual import MIN_SIDE as PERCEPTUAL_MIN_SIDE
from ganforge.metrics.perceptual import PerceptualDistance
from ganforge.metrics.photo_translation import direction_scores, domain_reader
from ganforge.metrics.pixels import psnr, psnr_y, ssim, ssim_y
from ganforge.metrics.translation import digit_style_judges, digit_translation_scores, judge_ceilings
from ganforge.models import CYCLE, FAMILIES
from ganforge.models.inception import inception_available
from ganforge.models.io import read_state, resolve_checkpoint
from ganforge.utils.colour import compose, rgb_to_lab
from ganforge.utils.files import atomic_write_text
from ganforge.utils.images import from_uint8, to_uint8

BATCH = 64
SR_MIN_LOW_SIDE = 8  # low-resolution pixels: with the border cut, SSIM's 11x11 window must still fit


def translate_all(translator: Translator, images: list[np.ndarray] | tuple[np.ndarray, ...]) -> list[torch.Tensor]:
    """Translate uint8 (H, W, C) images of any sizes, batching runs of equal shape; (C, H, W) tensors in [-1, 1]."""
    outputs: list[torch.Tensor] = []
    start = 0
    while start < len(images):
        end = start + 1
        while end < len(images) and end - start < BATCH and images[end].shape == images[start].shape:
            end += 1
        outputs.extend(translator(from_uint8(np.stack(images[start:end]))).unbind(0))
        start = end
    return outputs


def _cycle_scores(forward: Translator, backward: Translator, sources, labels, target: str,
                  judges) -> dict[str, float]:
    translated = translate_all(forward, sources)
    returned = translate_all(backward, [to_uint8(t[None])[0] for t in translated])
    cycle = np.mean([(r - from_uint8(s[None])[0]).abs().mean().item() / 2 for r, s in zip(returned, sources)])
    scores = {"cycle_l1": float(cycle)}
    if judges is not None:
        scores.update(digit_translation_scores(judges, torch.stack(translated), torch.from_numpy(labels), target))
    return scores


def photo_scores(ab: Translator, ba: Translator, data, reader) -> dict[str, float]:
    """ganforge.metrics.photo_translation's measures in both directions, keyed NAME_AtoB / NAME_BtoA."""
    inception = build_extractor("inception")
    domains = {"A": np.stack(data.images_a), "B": np.stack(data.images_b)}
    metrics = {}
    for name, forward, backward, source, target, goal in (("AtoB", ab, ba, "A", "B", 1), ("BtoA", ba, ab, "B", "A", 0)):
        outputs = translate_uint8(forward, domains[source])
        returned = translate_uint8(backward, outputs)
        scores = direction_scores(domains[source], outputs, returned, domains[target], goal, reader,
                                  lambda images: inception(images).numpy())
        metrics.update({f"{key}_{name}": value for key, value in scores.items()})
    return metrics


def translate_uint8(translator: Translator, images: np.ndarray) -> np.ndarray:
    """uint8 (N, H, W, C) images, translated in batches (translate_all), as uint8."""
    return to_uint8(torch.stack(translate_all(translator, list(images))))


def _pair_scores(translator: Translator, data, seed: int, kernel: str = "matlab") -> dict[str, float]:
    task = translator.preprocess.derive_input
    rows = []
    # super-resolution: a perceptual distance beside PSNR where the Inception is installed (metrics.perceptual)
    perceptual = PerceptualDistance() if task == "downscale" and inception_available() else None
    for index, truth in enumerate(data.images_b):
        if task == "lab":
            rows.append(colour_scores(colourise_image(translator, truth), truth))
            continue
        if task == "grayscale":
            output = colourise_image(translator, truth)
            shown = to_uint8(match_channels(match_channels(from_uint8(truth[None]), 1), 3))[0]
        elif task == "downscale":  # super-resolution: Y-channel scores with the scale cut from the borders
            scale = translator.scale
            if min(truth.shape[:2]) < SR_MIN_LOW_SIDE * scale:
                raise GanforgeError(
                    f"held-out image {data.names_b[index] if data.names_b else index} is {truth.shape[1]}x"
                    f"{truth.shape[0]}: too small to score at x{scale} (sides >= {SR_MIN_LOW_SIDE * scale} needed); "
                    "remove it from the held-out images")
            truth = truth[: truth.shape[0] - truth.shape[0] % scale, : truth.shape[1] - truth.shape[1] % scale]
            low = downscale(np.ascontiguousarray(truth), scale, kernel)
            output = to_uint8(translator(from_uint8(low[None])))[0]
            bicubic = imresize(low, scale) if kernel == "matlab" else upscale_bicubic(low, scale)
            rows.append({"psnr_y": psnr_y(output, truth, scale), "ssim_y": ssim_y(output, truth, scale),
                         "psnr_y_bicubic": psnr_y(bicubic, truth, scale), "ssim_y_bicubic": ssim_y(bicubic, truth, scale)})
            if perceptual is not None and min(truth.shape[:2]) - 2 * scale >= PERCEPTUAL_MIN_SIDE:
                inner = (slice(scale, -scale), slice(scale, -scale))  # the border cut as for PSNR
                rows[-1].update(perceptual=perceptual(output[inner], truth[inner]),
                                perceptual_bicubic=perceptual(bicubic[inner], truth[inner]))
            continue
        elif task == "mask":
            holes = random_masks(1, truth.shape[:2], np.random.default_rng([seed, index]))[0, 0].numpy() > 0
            output = complete_image(translator, truth, holes)
            shown = truth.copy()
            shown[holes] = 128  # the input's hole is mid-grey
        else:
            output = to_uint8(translator(from_uint8(data.images_a[index][None])))[0]
            shown = data.images_a[index]
            if shown.shape != truth.shape:
                shown = None
        row = {"psnr": psnr(output, truth), "ssim": ssim(output, truth)}
        if shown is not None:
            row.update(psnr_input=psnr(shown, truth), ssim_input=ssim(shown, truth))
        rows.append(row)
    keys = [key for key in rows[0] if all(key in row for row in rows)]  # input scores need equal sizes
    means = {key: float(np.nanmean([row[key] for row in rows])) for key in keys}
    if task == "lab":
        means["colourfulness_ratio"] = means["colourfulness"] / max(means["colourfulness_truth"], 1e-9)
    return means


def colour_scores(output: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """A Lab colouriser's result and its gray input (the truth's lightness, no chroma), both against the truth."""
    gray = compose(rgb_to_lab(truth)[..., 0], np.zeros(truth.shape[:2] + (2,), np.float32))
    row = {"colourfulness_truth": COLOUR_METRICS.get("colourfulness")(truth)}
    for suffix, image in (("", output), ("_input", gray)):
        row.update({f"psnr{suffix}": psnr(image, truth), f"ssim{suffix}": ssim(image, truth),
                    f"psnr_ab{suffix}": COLOUR_METRICS.get("psnr_ab")(image, truth),
                    f"colourfulness{suffix}": COLOUR_METRICS.get("colourfulness")(image),
                    f"hue_accuracy{suffix}": COLOUR_METRICS.get("hue_accuracy")(image, truth)})
    return row


def scoring_preprocess(run: dict[str, Any]) -> PreprocessConfig:
    """How a translation run (a checkpoint's state["run"]) reads the images it is scored on: its own
    preprocessing with whole images and no flips, so the held-out set is scored as it is (Lab colourisers at
    the photos' own size)."""
    preprocess = dataclasses.replace(PreprocessConfig(**run.get("preprocess", {})), crop_size=0, flip=False)
    return dataclasses.replace(preprocess, load_size=0) if preprocess.derive_input == "lab" else preprocess


def scoring_data(run: dict[str, Any], spec: str | None = None, split: str = "heldout") -> TranslationDataset:
    """`split` of `spec` (default: the run's own data) as `ganforge evaluate` scores the run on it
    (scoring_preprocess); the translation benches read their photos through it."""
    return load_translation_dataset(spec or run["data"], split, scoring_preprocess(run))


def evaluate_translation(checkpoint: str | Path, *, real: str | None = None, split: str = "heldout", seed: int = 0,
                         device: str = "cpu", out: str | Path | None = None,
                         temperature: float | None = None, kernel: str = "matlab",
                         self_ensemble: bool = False) -> dict[str, Any]:
    """Measure a translation checkpoint on held-out images; see the module doc. Returns metrics and protocol.
    `temperature` decodes a colour-class colouriser at that annealed-mean temperature (apps.translate);
    `kernel` shrinks the truth of a super-resolution model ("matlab": imresize, as published tables);
    `self_ensemble` averages a super-resolution model over its inputs' 8 turns and mirrors
    (apps.translate.with_self_ensemble)."""
    if kernel not in KERNELS:
        raise GanforgeError(f"unknown kernel {kernel!r}; choose one of {', '.join(KERNELS)}")
    folder = resolve_checkpoint(checkpoint)
    state = read_state(folder)
    run = state.get("run", {})
    spec = real or run.get("data")
    if not spec:
        raise GanforgeError("this checkpoint does not record its data; pass --real DATASET_OR_DIR")
    preprocess = scoring_preprocess(run)
    started = time.perf_counter()
    data = load_translation_dataset(spec, split, preprocess).require_inputs()
    metrics: dict[str, float] = {}
    notes: list[str] = []
    if FAMILIES.get(state["family"]).can(CYCLE):
        ab, ba = load_translator(folder, "AtoB", device), load_translator(folder, "BtoA", device)
        judges = digit_style_judges(seed) if spec == "digit-styles" else None
        if judges is not None:
            notes.append("content: the target style's digit classifier reads the source digit; domain: a style "
                         "classifier puts the translation in the target domain (judges trained on real digits only)")
        for name, forward, backward, sources, labels, target in (
            ("AtoB", ab, ba, data.images_a, data.labels_a, "b"),
            ("BtoA", ba, ab, data.images_b, data.labels_b, "a"),
        ):
            for key, value in _cycle_scores(forward, backward, sources, labels, target, judges).items():
                metrics[f"{key}_{name}"] = value
        reader = domain_reader(spec) if judges is None else None
        if reader is not None:
            metrics.update(photo_scores(ab, ba, data, reader))
            notes.append("photo domains (ganforge.metrics.photo_translation): read_as_target* by the shipped "
                         f"{'pets-judge' if spec == 'cats-dogs' else 'face judge (the nearer rule)'}, *_inputs for the "
                         "untranslated inputs, *_real_targets for the real target photos; content_kept: the "
                         "translation's Inception features nearest its own input's among the held-out inputs "
                         "(content_kept_* the same for the cycle reconstruction, noise of sigma 10, a blur of "
                         "radius 1); fid_to_target beside fid_to_target_inputs (the inputs' own)")
        if judges is not None:
            real_a, real_b = from_uint8(np.stack(data.images_a)), from_uint8(np.stack(data.images_b))
            metrics.update(judge_ceilings(judges, real_a, torch.from_numpy(data.labels_a),
                                          real_b, torch.from_numpy(data.labels_b)))
            notes.append("real_*: the judges' scores on the real held-out digits themselves (the ceiling)")
        notes.append("cycle_l1: mean |G_BA(G_AB(a)) - a| on the 0..1 pixel scale")
    else:
        translator = set_temperature(load_translator(folder, "AtoB", device), temperature)
        if self_ensemble:
            translator = with_self_ensemble(translator)
        if not data.paired:
            raise GanforgeError(f"{spec} is unpaired; pix2pix is scored against true pairs (A/ B/ or side-by-side)")
        metrics = _pair_scores(translator, data, seed, kernel)
        if preprocess.derive_input != "downscale":
            notes.append("psnr_input/ssim_input: the input itself scored against the truth, the floor to beat")
        if preprocess.derive_input == "downscale":
            shrink = ("MATLAB's imresize (bicubic, antialiased; as published Set5 / Set14 tables)" if kernel == "matlab"
                      else "Pillow's bicubic")
            notes.append(f"super-resolution: the truth shrunk by {shrink}, the model trained on "
                         f"{preprocess.kernel} inputs; PSNR/SSIM on the luma Y (BT.601, unrounded), the scale cut "
                         "from each border (as BasicSR); *_bicubic: the low-resolution input upscaled by the same "
                         "kernel; perceptual: an LPIPS-style distance on the FID Inception's early blocks, lower is "
                         "nearer the truth (ganforge.metrics.perceptual; uncalibrated, SRGAN's content loss uses one "
                         "of its layers)")
        if preprocess.derive_input == "mask":
            notes.append("one rectangle mask per image (sides 1/4 to 1/2 of the image's) from a seeded RNG")
        if preprocess.derive_input == "lab":
            notes.append("photos at their own size; *_input: the gray image of the truth's lightness (a*b* = 0); "
                         "psnr_ab: a*b* only, peak 220; colourfulness: Hasler & Suesstrunk 2003, ratio = mean "
                         "result / mean truth; hue_accuracy: share of pixels with truth chroma >= 20 whose hue is "
                         "within 30 degrees (result chroma >= 5)")
    result = {
        "metrics": metrics,
        "protocol": {
            "ganforge_version": __version__,
            "checkpoint": str(folder), "family": state["family"], "step": state.get("step"),
            "data": spec, "split": split, "n_a": len(data.images_a), "n_b": len(data.images_b),
            "image_sizes": sorted({f"{im.shape[1]}x{im.shape[0]}" for im in data.images_b}),
            "task": preprocess.derive_input or None, "seed": seed, "notes": notes,
            **({"kernel": kernel, "self_ensemble": self_ensemble} if preprocess.derive_input == "downscale" else {}),
        },
        "seconds": round(time.perf_counter() - started, 2),
    }
    if out is not None:
        atomic_write_text(out, json.dumps(result, indent=2) + "\n")
    return result


def format_translation(result: dict) -> str:
    """Translation metrics as a table, then the protocol."""
    metrics = result["metrics"]
    width = max(len(key) for key in metrics)
    lines = [f"{key:<{width}}  {value:.4f}" for key, value in metrics.items()]
    protocol = result["protocol"]
    sizes = ", ".join(protocol["image_sizes"][:4]) + (" ..." if len(protocol["image_sizes"]) > 4 else "")
    data = (f"data      {protocol['data']} ({protocol['split']}): {protocol['n_a']} A, {protocol['n_b']} B images, "
            f"sizes {sizes}")
    lines += ["", f"model     {protocol['family']} {protocol['checkpoint']} (step {protocol['step']})", data]
    lines.extend(f"note      {note}" for note in protocol["notes"])
    return "\n".join(lines)
