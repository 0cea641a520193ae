"""Measure a generator against real images: quality, diversity, memorisation, class accuracy.

Fakes come from --model, --checkpoint, or --fake (an image folder, or an .npz written by
`ganforge sample`); real images from --real (default: the held-out split of the data the model
was trained on, which the generator never saw). Real-image features are cached, so a second
evaluation against the same data only pays for the generated images.

Feature networks (--features): `inception` is the standard FID network (published numbers; a
few images per second on a CPU); `digits` and `fashion` are ganforge's 28x28 classifiers trained
on real data (a quick Fréchet distance, not comparable with Inception FID).

Translation checkpoints (cyclegan, pix2pix) are scored on held-out pairs or domains instead:
cycle-reconstruction error, and on digit-styles the content kept and the domain reached (judged by
classifiers trained on real digits); PSNR/SSIM against the truth for pix2pix, next to the input's own.

examples:
  ganforge evaluate --model mnist-cgan --features digits
  ganforge evaluate --checkpoint runs/digits --out digits-translation.json
  ganforge evaluate --model mnist-cgan --num 1000 --out cgan-fid.json
  ganforge evaluate --fake samples.npz --real mnist-5k --metrics fid,kid
  ganforge evaluate --model srresnet-x4 --real Set5/   # the x4 benchmark: MATLAB bicubic, Y, 4-pixel border
  ganforge evaluate --checkpoint runs/colourise-classes --temperature 0.5   # a colouriser decoded more vividly
"""

from __future__ import annotations

import argparse

from ganforge.apps.tasks import TASK_OPTIONS, TASKS, EvaluateOptions
from ganforge.cli.args import seed_type
from ganforge.errors import GanforgeError
from ganforge.metrics.extractors import EXTRACTORS
from ganforge.metrics.suite import METRICS
from ganforge.models.io import checkpoint_task
from ganforge.models.pretrained import pretrained_path

NAME = "evaluate"
HELP = "FID, KID, precision/recall, memorisation and class accuracy of a generator"
OUTPUTS = {"out": "file", "histogram": "file"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def metric_list(text: str) -> list[str]:
    """'fid,kid' -> ['fid', 'kid'] (evaluate() checks each against the registry)."""
    return [name.strip() for name in text.split(",") if name.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge evaluate`."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="a shipped model (see `ganforge models`)")
    source.add_argument("--checkpoint", help="a run folder or checkpoint folder")
    source.add_argument("--fake", help="generated images: an image folder or an .npz from `ganforge sample`")
    parser.add_argument("--real", help="real images: a dataset name or folder (default: the model's training data)")
    parser.add_argument("--split", default="heldout", choices=("heldout", "train", "all"),
                        help="which real split to compare with (default: heldout)")
    metrics = "; ".join(f"{name}: {METRICS.get(name).description}" for name in METRICS).replace("%", "%%")
    parser.add_argument("--metrics", type=metric_list,
                        help=f"comma-separated (default: every one the inputs allow). {metrics}")
    parser.add_argument("--features", default="inception", choices=list(EXTRACTORS),
                        help="feature network (default: inception)")
    parser.add_argument("--num", type=int, help="generated images (default: as many as real ones, at most 10,000)")
    parser.add_argument("--seed", type=seed_type, default=0, help="noise seed of the generated images (default: 0)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default: cpu)")
    parser.add_argument("--no-cache", action="store_true", help="recompute the real images' features")
    parser.add_argument("--temperature", type=float, default=None,
                        help="colour-class colourisers only: decode at this annealed-mean temperature (as `ganforge "
                             "colourise --temperature`; default: the model's own)")
    parser.add_argument("--kernel", choices=("matlab", "bicubic"), default=None,
                        help="super-resolution only: how the held-out photos are shrunk before upscaling. matlab "
                             "(default): MATLAB's imresize, the convention of published Set5 / Set14 tables, with "
                             "its bicubic as the baseline; bicubic: Pillow's")
    parser.add_argument("--self-ensemble", action="store_true", default=None,
                        help="super-resolution only: upscale each photo as `ganforge upscale --self-ensemble` does "
                             "(the mean over its 8 turns and mirrors)")
    parser.add_argument("--histogram", metavar="PNG", help="anomaly detectors: also draw the score histograms here")
    parser.add_argument("--out", help="also write the result and its protocol to this JSON file")


# what each task-specific option is for, when the model's task does not take it (ganforge.apps.tasks.Task.options)
OPTION_REFUSALS = {
    "kernel": "--kernel is for super-resolution models (e.g. --model srresnet-x4); drop it",
    "temperature": "--temperature decodes a colour-class colouriser; pass its run with --checkpoint (e.g. --checkpoint "
                   "runs/colourise-classes), or drop --temperature",
    "self_ensemble": "--self-ensemble is for super-resolution models (e.g. --model srresnet-x4-paper); drop it",
    "histogram": "--histogram draws an anomaly detector's score histograms (e.g. --checkpoint runs/ganomaly-0); drop it",
}


def run(args: argparse.Namespace) -> None:
    """Find the model's task, evaluate as that task says, print its report, say where the files went."""
    source = args.checkpoint or (pretrained_path(args.model) if args.model else None)
    task = TASKS.get("generate" if source is None else checkpoint_task(source))
    for option in TASK_OPTIONS:
        if getattr(args, option) is not None and option not in task.options:
            raise GanforgeError(OPTION_REFUSALS[option])
    if task.evaluate is None:
        raise GanforgeError(f"{source} is a model that does the task '{task.name}': `ganforge evaluate` does not measure "
                            f"it; {task.measured_by}")
    if task.name != "generate" and args.model:  # shipped translators, detectors and speakers: measured as checkpoints
        args.checkpoint, args.model = str(source), None
    options = EvaluateOptions(**{name: getattr(args, name) for name in (
        "model", "checkpoint", "fake", "real", "split", "metrics", "features", "num", "seed", "device", "out",
        *TASK_OPTIONS)}, use_cache=not args.no_cache)
    print(task.evaluate(options))
    for path in (args.out, args.histogram):
        if path:
            print(f"wrote {path}")
