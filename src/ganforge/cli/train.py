"""Train a GAN from a preset or a TOML config.

A run folder (--out) collects checkpoints/ (atomic, resumable), samples/ (a grid from fixed
noise every sample_every steps), metrics.jsonl, tensorboard/ and losses.png.
Ctrl-C finishes the current step, saves a checkpoint and exits; --resume continues exactly.
--eval-every N scores the generator against held-out real images every N steps (FID on the
data's quick domain network by default), logs it with the losses and keeps the best step as
checkpoints/best.
Under torchrun (e.g. torchrun --nproc_per_node 2 -m ganforge train ...) it trains data-parallel.
"""

from __future__ import annotations

import argparse

from ganforge.cli.args import class_list, seed_type
from ganforge.metrics.suite import METRICS
from ganforge.training import train
from ganforge.training.config import PRESETS

NAME = "train"
HELP = "train a GAN (preset or config.toml)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge train`."""
    parser.add_argument("config", metavar="PRESET|CONFIG.toml", help=f"a preset ({', '.join(PRESETS)}) or a TOML file")
    parser.add_argument("--data", help="dataset name (mnist-5k, fashion-mnist, mnist) or a folder of images/IDX files")
    parser.add_argument("--out", help="run folder (default: runs/PRESET)")
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--steps", type=int, help="total training steps (default: the preset's)")
    budget.add_argument("--minutes", type=float, help="train for this many minutes of wall time, then save")
    parser.add_argument("--seed", type=seed_type, help="random seed of weights, noise and data order (default: 0)")
    parser.add_argument("--batch-size", type=int, help="images per step (default: the preset's)")
    parser.add_argument("--device", default="auto", help="cpu, cuda, cuda:N or auto (default: auto)")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="CPU threads (default: one per core); when several jobs share the cores, give each "
                             "--threads 1: competing threads made each job about 4x slower than alone, one thread "
                             "each about 1.5x (bench/speed/busy_speed.py)")
    parser.add_argument("--resume", action="store_true", help="continue the run in --out from its latest checkpoint")
    parser.add_argument("--download", action="store_true", help="allow downloading the dataset (full MNIST only)")
    parser.add_argument("--eval-every", type=int, metavar="N", help="evaluate every N steps and keep checkpoints/best")
    parser.add_argument("--eval-metric", choices=list(METRICS), metavar="NAME",
                        help=f"metric for --eval-every (default: fid): {', '.join(METRICS)}")
    parser.add_argument("--init-generator", metavar="RUN",
                        help="start from the generator of this checkpoint or shipped model: the same model (srgan-x4 "
                             "from srresnet-x4), or where a family takes part of another (a layered moving-mnist "
                             "video model's digits from mnist-gan)")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE", dest="overrides",
                        help="change any config key, checked as in a TOML file; repeatable: --set objective.r1_gamma=2 "
                             "--set train.batch_size=16 (sections: model, objective, train, preprocess)")
    parser.add_argument("--normal", type=class_list, metavar="CLASSES",
                        help="anomaly detectors: the normal class(es), e.g. 0 or 0,6 (training sees only these)")
    parser.add_argument("--precision", choices=("auto", "fp32", "bf16", "fp16"),
                        help="auto (default): bf16 autocast where the CPU (AMX, AVX512-BF16) or GPU computes bf16 "
                             "natively and the family was measured in it, else fp32; bf16: autocast on CPU or GPU "
                             "(slow on a CPU without native bf16); fp16: autocast and a gradient scaler, GPU only")
    parser.add_argument("--compile", action="store_true",
                        help="torch.compile the networks (compiling takes minutes; pays off on long GPU runs)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")


def run(args: argparse.Namespace) -> None:
    """Train and print where the results are."""
    overrides = list(args.overrides)  # the shortcut options are --set lines
    if args.normal is not None:
        overrides.append(f"preprocess.normal={list(args.normal)}")
    if args.precision:
        overrides.append(f'train.precision="{args.precision}"')
    if args.compile:
        overrides.append("train.compile=true")
    result = train(
        args.config,
        data=args.data,
        out=args.out,
        steps=args.steps,
        minutes=args.minutes,
        seed=args.seed,
        batch_size=args.batch_size,
        device=args.device,
        resume=args.resume,
        download=args.download,
        progress=not args.no_progress,
        eval_every=args.eval_every,
        eval_metric=args.eval_metric,
        init_generator=args.init_generator,
        overrides=overrides,
        threads=args.threads,
    )
    if not result.main_process:  # rank 0 of a data-parallel run reports for all
        return
    state = "stopped early at" if result.stopped_early else "finished"
    resumed = f", {result.total_seconds:.0f} s in all" if args.resume else ""
    print(f"{state} step {result.step} in {result.seconds:.0f} s{resumed} ({result.images_per_second:.0f} images/s, "
          f"{result.precision})")
    print(f"checkpoint:   {result.checkpoint}")
    if result.samples:
        print(f"sample grid:  {result.samples}")
    if result.loss_plot:
        print(f"loss plot:    {result.loss_plot}")
    if result.best:
        best = result.best
        print(f"best:         {result.run_dir / 'checkpoints' / 'best'} (step {best['step']}, {best['metric']} "
              f"{best['value']:.4g} on {best['features']} features)")
    print(f"metrics:      {result.run_dir / 'metrics.jsonl'} (tensorboard --logdir {result.run_dir / 'tensorboard'})")
