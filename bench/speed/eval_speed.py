"""Evaluation speed: sampling images/s, and the time of an Inception FID against torchmetrics on
the same images.

    python bench/speed/eval_speed.py [--num 10000] [--models mnist-cgan,mnist-gan]

(a) Sampling: images/s of each shipped generator (batches of 500, CPU).
(b) FID with the standard Inception on `--num` generated and `--num` real mnist-5k digits (a
    fixed random draw; real images repeat when --num exceeds the 5,000 there are): ganforge (clean-fid
    preprocessing, batched, the network in onnxruntime when it is installed, the next batch resized
    while the network runs) against torchmetrics' FrechetInceptionDistance fed the same images through
    the same network in PyTorch and the same preprocessing, batch by batch as its docs show. Both
    values are printed, so their agreement is visible too.
(c) The quick `digits` FID on the same images, and a second ganforge evaluation whose real
    features come from the cache.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time

import numpy as np
import torch

from ganforge.apps.generate import generate, load_model
from ganforge.data import load_dataset
from ganforge.metrics.cache import cached_features
from ganforge.metrics.extractors import build_extractor
from ganforge.metrics.features import fid
from ganforge.metrics.inception import InceptionFeatures
from ganforge.utils.images import to_uint8

BATCH = 50


def sampling_speed(name: str, count: int = 5000) -> float:
    """Images per second of a shipped generator."""
    loaded = load_model(model=name)
    generate(loaded, 500)  # warm-up
    started = time.perf_counter()
    generate(loaded, count)
    return count / (time.perf_counter() - started)


class _Pipeline(torch.nn.Module):
    """uint8 (N, 3, H, W) -> Inception features through ganforge's preprocessing: torchmetrics' feature module."""

    def __init__(self, extractor):
        super().__init__()
        self.extractor = extractor

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.extractor(images.permute(0, 2, 3, 1).numpy())


def torchmetrics_fid(extractor, real: np.ndarray, fake: np.ndarray) -> float:
    """torchmetrics' FID, updated batch by batch."""
    from torchmetrics.image.fid import FrechetInceptionDistance

    metric = FrechetInceptionDistance(feature=_Pipeline(extractor), normalize=False)
    for images, is_real in ((real, True), (fake, False)):
        for start in range(0, len(images), BATCH):
            batch = torch.from_numpy(np.repeat(images[start : start + BATCH], 3, axis=-1)).permute(0, 3, 1, 2)
            metric.update(batch, real=is_real)
    return float(metric.compute())


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num", type=int, default=10_000)
    parser.add_argument("--models", default="mnist-cgan,mnist-gan")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}")
    for name in args.models.split(","):
        print(f"sampling {name}: {sampling_speed(name):,.0f} images/s")

    digits = load_dataset("mnist-5k", "all").images  # sorted by class: draw a fixed random order
    order = np.random.default_rng(0).permutation(len(digits))
    real = digits[order[np.arange(args.num) % len(digits)]]
    fake = to_uint8(generate(load_model(model=args.models.split(",")[0]), args.num, seed=0)[0])
    inception = build_extractor("inception")  # onnxruntime on a CPU when it is installed, with the resizing overlapped
    inception.batch_size = BATCH
    reference = InceptionFeatures(backend="torch", batch_size=BATCH)  # the same network in PyTorch, for torchmetrics

    started = time.perf_counter()
    ours = fid(inception(real), inception(fake))
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    theirs = torchmetrics_fid(reference, real, fake)
    theirs_seconds = time.perf_counter() - started
    print(f"Inception FID of {args.num:,} vs {args.num:,} images: ganforge ({inception.backend}) {ours:.4f} in "
          f"{ours_seconds:.0f} s "
          f"({2 * args.num / ours_seconds:.1f} images/s); torchmetrics {theirs:.4f} in {theirs_seconds:.0f} s "
          f"({2 * args.num / theirs_seconds:.1f} images/s); relative difference {abs(ours - theirs) / theirs:.1e}")

    digits_net = build_extractor("digits")
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        real_features, _ = cached_features(digits_net, real, folder=cache)
        quick = fid(real_features, digits_net(fake))
        first = time.perf_counter() - started
        started = time.perf_counter()
        real_features, status = cached_features(digits_net, real, folder=cache)
        fid(real_features, digits_net(fake))
        second = time.perf_counter() - started
    print(f"digits FID of the same images: {quick:.3f} in {first:.2f} s; again with cached real features "
          f"({status}): {second:.2f} s")


if __name__ == "__main__":
    main()
