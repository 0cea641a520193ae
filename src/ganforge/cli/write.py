"""Write words with a text GAN: the shipped french-words model or a checkpoint of `ganforge train
french-words` (or of a textgan config trained on your own word list).

Words are printed one per line, or written to --out (a text file, one word per line). The same --seed gives
the same words. --temperature 0 (the default) reads the most likely character at each place; a positive
temperature draws each character from the generator's distribution sharpened by it (1: as it is). A word
ends at its first end symbol; an empty word (the generator ended it at once) prints as an empty line.

examples:
  ganforge write --model french-words --num 20
  ganforge write --model french-words --num 10000 --out words.txt
  ganforge train french-words --out runs/words
  ganforge write --checkpoint runs/words --num 20 --temperature 0.5
"""

from __future__ import annotations

import argparse

from ganforge.apps.text import load_text_model, save_words, write_words
from ganforge.cli.args import add_model_source, seed_type

NAME = "write"
HELP = "write words with a text GAN (french-words)"
OUTPUTS = {"out": "file"}  # what it writes: checked by the CLI's output guard (ganforge.utils.outputs)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge write`."""
    add_model_source(parser, "text", "french-words")
    parser.add_argument("--num", type=int, default=20, help="number of words (default: 20)")
    parser.add_argument("--seed", type=seed_type, default=0, help="noise seed (default: 0)")
    parser.add_argument("--temperature", type=float, default=0.0,
                        help="0: the most likely character at each place (default); > 0: drawn, sharpened by it")
    parser.add_argument("--out", help="a text file for the words, one per line (default: print them)")


def run(args: argparse.Namespace) -> None:
    """Write the words and say where they went."""
    loaded = load_text_model(model=args.model, checkpoint=args.checkpoint, device=args.device)
    words = write_words(loaded, args.num, seed=args.seed, temperature=args.temperature)
    if args.out:
        print(f"wrote {len(words)} words to {save_words(words, args.out)}")
    else:
        print("\n".join(words))
