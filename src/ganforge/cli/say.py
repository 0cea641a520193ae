"""Make a model trained on speech say a digit, as WAV files.

SpecGAN models draw spectrograms; Griffin-Lim turns them into sound at the model's sample rate
(16 kHz for specgan-digits). More --iterations give a cleaner phase, slowly.

examples:
  ganforge train specgan-digits --data ../shared/data/fsdd --out runs/specgan
  ganforge say --checkpoint runs/specgan --digit 7 --num 4 --out sevens/
"""

from __future__ import annotations

import argparse

from ganforge.apps.speech import say_to_folder
from ganforge.cli.args import positive_int, seed_type
from ganforge.errors import GanforgeError

MAX_ITERATIONS = 1000  # past a few hundred the phase no longer improves audibly; 1,000 takes about a minute a clip
NAME = "say"
HELP = "speak a digit with a model trained on audio (WAV files)"
OUTPUTS = {"out": "folder"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def output_names(args: argparse.Namespace) -> list[str]:
    """The clips it writes into --out (as apps.speech.say_to_folder names them)."""
    return [f"{args.digit}-{args.seed}-{index:03d}.wav" for index in range(max(0, min(args.num, 10_000)))]



def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge say`."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="a shipped speech model (see `ganforge models`)")
    source.add_argument("--checkpoint", help="a run or checkpoint folder of a speech model")
    parser.add_argument("--digit", type=int, required=True, help="the digit to say, 0 to 9")
    parser.add_argument("--speaker", help="a speaker, for models conditioned on the speaker")
    parser.add_argument("--num", type=positive_int, default=4, help="how many clips (default: 4)")
    parser.add_argument("--seed", type=seed_type, default=0, help="noise seed (default: 0)")
    parser.add_argument("--iterations", type=positive_int, default=32,
                        help=f"Griffin-Lim iterations, at most {MAX_ITERATIONS:,} (default: 32; 64 is clean)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default: cpu)")
    parser.add_argument("--out", required=True, help="output folder for the WAV files")


def run(args: argparse.Namespace) -> None:
    """Speak and say where the files went."""
    if args.iterations > MAX_ITERATIONS:
        raise GanforgeError(f"--iterations {args.iterations:,}: at most {MAX_ITERATIONS:,} (32 is the default, 64 "
                            "sounds clean; more changes nothing audible and takes long)")
    paths = say_to_folder(args.out, digit=args.digit, num=args.num, model=args.model, checkpoint=args.checkpoint,
                          seed=args.seed, speaker=args.speaker, iterations=args.iterations, device=args.device)
    print(f"wrote {len(paths)} clip(s) of the digit {args.digit} to {args.out}")
