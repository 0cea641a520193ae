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
import json

from ganforge.apps.anomaly import evaluate_anomaly, is_anomaly_checkpoint
from ganforge.apps.evaluate import evaluate
from ganforge.apps.evaluate_speech import evaluate_speech, is_audio_checkpoint
from ganforge.apps.evaluate_translation import evaluate_translation, is_translation_checkpoint
from ganforge.cli.args import seed_type
from ganforge.errors import GanforgeError
from ganforge.metrics.extractors import EXTRACTORS
from ganforge.metrics.suite import METRICS
from ganforge.models.pretrained import pretrained_path
from ganforge.utils.files import atomic_write_text

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
    parser.add_argument("--histogram", metavar="PNG", help="anomaly detectors: also draw the score histograms here")
    parser.add_argument("--out", help="also write the result and its protocol to this JSON file")


def format_result(result: dict) -> str:
    """The metrics as a two-column table, then the protocol in a few lines."""
    rows = []
    for key, value in result["metrics"].items():
        if isinstance(value, list):
            value = " ".join(f"{v:.4g}" for v in value)
        elif isinstance(value, int):
            value = str(value)
        else:
            value = f"{value:.4f}" if abs(value) < 1000 else f"{value:.1f}"
        rows.append((key, value))
    width = max(len(key) for key, _ in rows)
    lines = [f"{key:<{width}}  {value}" for key, value in rows]
    protocol = result["protocol"]
    features, real, fake = protocol["features"], protocol["real"], protocol["fake"]
    lines.append("")
    lines.append(f"features  {features['name']} ({features['dim']}-d, sha256 {features['sha256'][:12]}...)")
    lines.append(f"real      {real['n']} images of {real['data']} ({real['split']}; cache {real['cache']})")
    source = ", ".join(f"{k} {v}" for k, v in fake.items() if k not in ("n", "labelled") and v is not None)
    lines.append(f"fake      {fake['n']} images ({source})")
    lines.extend(f"note      {note}" for note in protocol["notes"])
    return "\n".join(lines)


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


def run(args: argparse.Namespace) -> None:
    """Evaluate, print the table, say where the JSON went."""
    if args.model:  # a shipped translator, detector or speaker is measured as its checkpoint is
        folder = str(pretrained_path(args.model))
        if any(check(folder) for check in (is_translation_checkpoint, is_anomaly_checkpoint, is_audio_checkpoint)):
            args.checkpoint, args.model = folder, None
    if args.kernel and not (args.checkpoint and is_translation_checkpoint(args.checkpoint)):
        raise GanforgeError("--kernel is for super-resolution models (e.g. --model srresnet-x4); drop it")
    if args.temperature is not None and not (args.checkpoint and is_translation_checkpoint(args.checkpoint)):
        raise GanforgeError("--temperature decodes a colour-class colouriser; pass its run with --checkpoint "
                            "(e.g. --checkpoint runs/colourise-classes), or drop --temperature")
    if args.checkpoint and is_anomaly_checkpoint(args.checkpoint):
        result = evaluate_anomaly(args.checkpoint, real=args.real, device=args.device, out=args.out,
                                  histogram=args.histogram)
        m, p = result["metrics"], result["protocol"]
        print(f"AUROC {m['auroc']:.4f}   average precision {m['average_precision']:.4f}\n"
              f"threshold {m['threshold']:.4g} (5 % of validation images above it): true-positive rate "
              f"{m['true_positive_rate']:.3f}, false-positive rate {m['false_positive_rate']:.3f} on the test images\n"
              f"test      {p['data']} held-out: {p['n_normal']} normal (classes {p['normal']}), {p['n_anomalous']} "
              f"anomalous\nmodel     {p['family']} {p['checkpoint']} (step {p['step']})")
        for note in p["notes"]:
            print(f"note      {note}")
        for path in (args.out, args.histogram):
            if path:
                print(f"wrote {path}")
        return
    if args.checkpoint and is_audio_checkpoint(args.checkpoint):
        result = evaluate_speech(args.checkpoint, num=args.num or 1000, seed=args.seed, real=args.real,
                                 device=args.device)
        m, p = result["metrics"], result["protocol"]
        real = m["real_test"]
        print(f"{'':22s}{'samples':>10s}{'real test takes':>17s}")
        for key in ("accuracy", "inception_score", "frechet_distance", "memorisation"):
            print(f"{key:22s}{m[key]:10.4f}{real[key]:17.4f}")
        print(f"{'worst digit accuracy':22s}{min(m['accuracy_per_digit']):10.4f}{min(real['accuracy_per_digit']):17.4f}")
        print(f"\nmodel     {p['checkpoint']} (step {p['step']}, {p['representation']}); {p['num']} clips, seed {p['seed']}")
        print(f"judge     {p['judge']} against {p['n_real_test']} real test takes of {p['data']}")
        for note in p["notes"]:
            print(f"note      {note}")
        if args.out:
            atomic_write_text(args.out, json.dumps(result, indent=2) + "\n")
            print(f"wrote {args.out}")
        return
    if args.checkpoint and is_translation_checkpoint(args.checkpoint):
        result = evaluate_translation(args.checkpoint, real=args.real, split=args.split, seed=args.seed,
                                      device=args.device, out=args.out, temperature=args.temperature,
                                      kernel=args.kernel or "matlab")
        print(format_translation(result))
        if args.out:
            print(f"wrote {args.out}")
        return
    result = evaluate(
        model=args.model, checkpoint=args.checkpoint, fake=args.fake, real=args.real, split=args.split,
        metrics=args.metrics, features=args.features, num=args.num, seed=args.seed, device=args.device,
        use_cache=not args.no_cache, progress=True, out=args.out,
    )
    print(format_result(result))
    if args.out:
        print(f"wrote {args.out}")
