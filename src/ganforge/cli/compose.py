"""Compose four-voice passages with a music GAN: the shipped chorales model or a checkpoint of
`ganforge train chorales`.

Each passage (four bars of sixteenth notes in C major or A minor: soprano, alto, tenor, bass) goes to
--out as passage-NNN.mid (MIDI, four tracks, written by music21), passage-NNN.wav (16 kHz, rendered by a
small additive synthesiser in numpy: no soundfont needed) and passage-NNN.png (the piano roll: voices in
red, green, blue and black, time across, pitch up). The same --seed gives the same music. A model
conditioned on the mode (`ganforge train chorales-modes`) takes --label major or --label minor; without
it, the passages alternate major, minor, major...

examples:
  ganforge compose --model chorales --num 4 --out songs/
  ganforge train chorales --out runs/chorales
  ganforge compose --checkpoint runs/chorales --num 8 --seed 3 --out songs/
  ganforge train chorales-modes --out runs/chorales-modes
  ganforge compose --checkpoint runs/chorales-modes --num 4 --label minor --out minor/
"""

from __future__ import annotations

import argparse

from ganforge.apps import music
from ganforge.cli.args import add_model_source, seed_type

NAME = "compose"
HELP = "compose music with a music GAN (chorales): MIDI, WAV and piano-roll pictures"
OUTPUTS = {"out": "folder"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge compose`."""
    add_model_source(parser, "music", "chorales")
    parser.add_argument("--num", type=int, default=4, help="number of passages (default: 4)")
    parser.add_argument("--seed", type=seed_type, default=0, help="noise seed (default: 0)")
    parser.add_argument("--label", help="the mode to compose in, for a model conditioned on it (chorales-modes): major or "
                        "minor (default: the two in turn)")
    parser.add_argument("--out", required=True, help="output folder: passage-NNN.mid, .wav and .png")


def output_names(args: argparse.Namespace) -> list[str]:
    """The files it writes into --out."""
    return music.output_names(args.num) if 0 < args.num <= music.MAX_PASSAGES else []


def run(args: argparse.Namespace) -> None:
    """Compose and say where the files went."""
    music.check_count(args.num)
    loaded = music.load_music_model(model=args.model, checkpoint=args.checkpoint, device=args.device)
    written = music.save_passages(music.compose(loaded, args.num, seed=args.seed, label=args.label), args.out)
    print(f"wrote {len(written)} passage(s) to {args.out} (MIDI, WAV and a piano-roll picture each)")
