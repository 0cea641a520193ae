"""StyleGAN2 speed on this machine: sampling and training images/s of a preset's networks.

    python bench/speed/stylegan2_speed.py [--preset stylegan2-faces] [--steps 20] [--device cpu]

Sampling: batches of 64 from the generator in eval mode (fixed noise), after a warm-up batch.
Training: `--steps` full steps of the generic trainer (D, G and the lazy R1 / path-length phases
at their intervals, augmentation as the preset says), after 4 warm-up steps, on the preset's data.
Prints one line per figure and the networks' parameter counts.
--estimate PRESET (default stylegan2, config F widths at 256x256) adds what a GPU would need, from
counting rather than running: forward GFLOP per image of G and D (torch's FLOP counter on meta
tensors, nothing allocated) and the float32 size of every layer output of one G + D forward.
--modconv ROUNDS adds training with the modulated convolutions fused (one grouped convolution of the batch)
against non-fused (the activations scaled; the default while training, config fused_modconv = "eval"),
alternated ROUNDS times on the same trainer, `--steps` steps each: medians and their ratio.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode

from ganforge.data import load_training_data
from ganforge.models import FAMILIES
from ganforge.training.config import load_run_config
from ganforge.training.trainer import Trainer
from ganforge.utils.seed import resolve_device


def estimate(preset: str) -> None:
    """FLOPs and layer-output memory of a preset's networks, counted on meta tensors."""
    run = load_run_config(preset)
    outputs = [0]

    def count(_module, _inputs, output) -> None:
        if isinstance(output, torch.Tensor):
            outputs[0] += output.numel()

    with torch.device("meta"):
        networks = FAMILIES.get(run.family).build(run.model)
        generator, discriminator = networks["generator"], networks["discriminator"]
        for network in networks.values():
            for module in network.modules():
                if not list(module.children()) or list(module.parameters(recurse=False)):
                    module.register_forward_hook(count)
        with FlopCounterMode(display=False) as counter:
            images = generator(generator.sample_latent(1))
        generator_flops = counter.get_total_flops()
        with FlopCounterMode(display=False) as counter:
            discriminator(images)
        discriminator_flops = counter.get_total_flops()
    params = {role: sum(p.numel() for p in net.parameters()) for role, net in networks.items()}
    print(f"{preset} (estimate by counting): {run.model.resolution}x{run.model.resolution}, parameters "
          + ", ".join(f"{role} {count:,}" for role, count in params.items()))
    print(f"  forward GFLOP per image: generator {generator_flops / 1e9:.1f}, discriminator "
          f"{discriminator_flops / 1e9:.1f}; layer outputs of one G + D forward: {outputs[0] * 4 / 1e6:.0f} MB float32")


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="stylegan2-faces")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--estimate", default="stylegan2", help="preset to count for a GPU estimate ('' skips)")
    parser.add_argument("--modconv", type=int, default=0, metavar="ROUNDS",
                        help="also time fused against non-fused modulated convolutions, alternated (0: skip)")
    args = parser.parse_args()
    if args.estimate:
        estimate(args.estimate)
    device = resolve_device(args.device)
    run = load_run_config(args.preset)
    data = load_training_data("images", run.data, preprocess=run.preprocess)
    with tempfile.TemporaryDirectory() as folder:
        trainer = Trainer(run, data, run_dir=Path(folder), device=device, progress=False)
        generator = trainer.networks["generator"]
        counts = {role: sum(p.numel() for p in net.parameters()) for role, net in trainer.networks.items()}
        print(f"machine: {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads, "
              f"torch {torch.__version__}, device {device}")
        print(f"{args.preset}: {run.model.resolution}x{run.model.resolution}, parameters " +
              ", ".join(f"{role} {count:,}" for role, count in counts.items()))
        generator.eval()
        with torch.no_grad():
            z = generator.sample_latent(64, device=device)
            generator(z)
            started = time.perf_counter()
            for _ in range(5):
                generator(z)
            if device.type == "cuda":
                torch.cuda.synchronize()
            sampling = 5 * 64 / (time.perf_counter() - started)
        generator.train()
        print(f"sampling: {sampling:,.0f} images/s (batch 64)")
        for step in range(4):
            trainer.train_step(step)
        started = time.perf_counter()
        for step in range(4, 4 + args.steps):
            trainer.train_step(step)
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds = time.perf_counter() - started
        batch = run.train.batch_size
        print(f"training: {args.steps * batch / seconds:,.1f} images/s ({seconds / args.steps:.3f} s per step of "
              f"{batch}, regularisers included at their intervals)")
        if args.modconv:
            compare_modconv(trainer, args.modconv, args.steps, 4 + args.steps)


def compare_modconv(trainer: Trainer, rounds: int, steps: int, first_step: int) -> None:
    """Seconds per training step with the synthesis network's modulated convolutions fused and not,
    alternated `rounds` times (the same trainer and data; the choice is the network's fused_modconv)."""
    synthesis = trainer.networks["generator"].synthesis
    seconds: dict[str, list[float]] = {"always": [], "never": []}
    step = first_step
    for _ in range(rounds):
        for choice, times in seconds.items():
            synthesis.fused_modconv = choice
            started = time.perf_counter()
            for _ in range(steps):
                trainer.train_step(step)
                step += 1
            times.append((time.perf_counter() - started) / steps)
    fused, split = (statistics.median(seconds[c]) for c in ("always", "never"))
    print(f"modulated convolutions while training ({rounds} alternated rounds of {steps} steps, medians): fused "
          f"{fused:.3f} s per step, non-fused {split:.3f} s; fused / non-fused = {fused / split:.2f}")


if __name__ == "__main__":
    main()
