"""Chorales: the music GAN against a non-GAN baseline and the real held-out chorales (docs/music.md).

    python bench/quality/music_quality.py --checkpoint runs/chorales [--num 200] [--seed 0]

Every model writes --num passages of four bars (64 sixteenth steps, four voices, C major / A minor):
- the GAN (`ganforge compose`);
- a first-order Markov chain over whole steps (the four voices' pitches at one sixteenth), trained on the
  training chorales: it starts from the first step of a random training window and draws each next step
  from the steps that followed the current one in the training chorales (a chord-level n-gram model);
and the real held-out windows (a random --num of them) give the values to reach; a random --num of the real
training windows, scored the same way, show what copying the training set would give (the floor of the
pitch-class distance, and copied runs of whole chorales). ganforge.metrics.music
measures each: empty bars, pitch classes per bar, qualified notes, in-key share, polyphony, pitch-class
histogram distance to the held-out windows, the share of passages that read as minor (key finding), and the
longest run copied from a training chorale (in bars), median and maximum over passages. Prints a Markdown
table with each value's ratio to the held-out one. A GAN conditioned on the mode draws the modes in turn
(as `ganforge compose` does without --label); for it, the script also says how many passages asked for each
mode read as that mode, beside the same for the real held-out windows of each mode.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections import defaultdict

import numpy as np

from ganforge.apps.music import compose, load_music_model
from ganforge.data.chorales import LOWEST, STEPS_PER_BAR, load_chorales, whole_chorales
from ganforge.metrics.music import longest_copied_run, reads_minor, roll_metrics

SHOWN = ("empty_bars", "pitch_classes_per_bar", "qualified_notes", "in_key", "polyphony", "pitch_class_distance",
         "voice_pitch_class_distance", "notes_per_bar", "minor_share")


def markov_passages(chorales: dict[str, np.ndarray], starts: np.ndarray, count: int, steps: int,
                    rng: np.random.Generator) -> np.ndarray:
    """`count` passages of `steps` steps from a first-order Markov chain over whole steps."""
    columns: dict[bytes, np.ndarray] = {}
    following: dict[bytes, list[bytes]] = defaultdict(list)
    for roll in chorales.values():
        keys = []
        for step in range(roll.shape[1]):
            column = roll[:, step]
            key = column.tobytes()
            columns[key] = column
            keys.append(key)
        for here, there in itertools.pairwise(keys):
            following[here].append(there)
    out = np.zeros((count, starts.shape[1], steps, starts.shape[2]), bool)
    for index in range(count):
        column = starts[rng.integers(len(starts))]
        key = column.tobytes()
        for step in range(steps):
            out[index, :, step] = columns.get(key, column)
            options = following.get(key)
            if not options:  # a chorale's last step: start again from a random training opening
                key = starts[rng.integers(len(starts))].tobytes()
                continue
            key = options[rng.integers(len(options))]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", help="a chorales run (default: the shipped model)")
    parser.add_argument("--num", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    train_windows, heldout = load_chorales("train"), load_chorales("heldout")
    training = whole_chorales("train")
    rng = np.random.default_rng(args.seed)
    loaded = load_music_model(checkpoint=args.checkpoint) if args.checkpoint else load_music_model(model="chorales")
    steps = heldout.rolls.shape[2]
    passages = {
        f"GAN (musegan, step {loaded.state['step']})": compose(loaded, args.num, seed=args.seed),
        "Markov chain over steps (first order)": markov_passages(
            training, train_windows.rolls[:, :, 0].astype(bool), args.num, steps, rng),
        # what a model that drew the training windows themselves would score: the floor of the distances
        "real training windows": train_windows.rolls[rng.choice(len(train_windows), args.num, replace=False)
                                                     ].astype(bool),
        "real held-out windows": heldout.rolls[rng.choice(len(heldout), min(args.num, len(heldout)),
                                                          replace=False)].astype(bool),
    }
    print(f"chorales: {len(training)} training chorales ({len(train_windows)} windows), "
          f"{len(set(heldout.stems))} held out ({len(heldout)} windows); {args.num} passages each, seed {args.seed}")
    results = {}
    for name, rolls in passages.items():
        metrics = roll_metrics(rolls, lowest=LOWEST, reference=heldout.rolls)
        copied = longest_copied_run(rolls, training) / STEPS_PER_BAR
        metrics["copied_bars_median"], metrics["copied_bars_max"] = float(np.median(copied)), float(copied.max())
        results[name] = metrics
    real = results["real held-out windows"]
    columns = [*SHOWN, "copied_bars_median", "copied_bars_max"]
    print("\n| passages | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for name, metrics in results.items():
        cells = []
        for column in columns:
            ratio = "" if column in ("pitch_class_distance", "voice_pitch_class_distance", "copied_bars_median",
                                     "copied_bars_max") or not real[
                column] else f" ({metrics[column] / real[column]:.2f}×)"
            cells.append(f"{metrics[column]:.3f}{ratio}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    if loaded.config.num_classes:
        print()
        for label, name in enumerate(heldout.class_names):
            asked = reads_minor(compose(loaded, args.num, seed=args.seed, label=label), LOWEST) == bool(label)
            real = reads_minor(heldout.rolls[heldout.labels == label], LOWEST) == bool(label)
            print(f"GAN asked for {name}: {asked.mean():.1%} of {args.num} read as {name} (real held-out {name} "
                  f"windows: {real.mean():.1%} of {real.size})")
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
