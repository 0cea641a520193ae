"""The speech pictures and sounds under docs/: real vs generated spectrograms of each digit, and
generated WAVs a reader can play.

    python bench/figures/speech_figures.py --checkpoint specgan=runs/specgan --checkpoint wavegan=runs/wavegan
    python bench/figures/speech_figures.py --model specgan=specgan-digits      # a shipped model

docs/speech-digits.png: a row per digit; first one real held-out take of FSDD (takes 0-4, never
trained on), then --per-model clips of each model saying that digit (seed --seed), as the
log-magnitude spectrograms the judge and SpecGAN see (time across, low frequencies at the bottom,
0-8 kHz; FSDD is 8 kHz audio upsampled, so the upper half is empty in real takes). Above each
generated clip, what the shipped judge hears. docs/audio/NAME-DIGIT.wav: the first clip of each
model and digit, at the model's rate (Griffin-Lim, 32 iterations, for SpecGAN). Real recordings
are not copied into docs (FSDD is CC BY-SA and lives in ../shared/data).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from matplotlib.figure import Figure

from ganforge.apps.generate import load_model
from ganforge.apps.speech import audio_settings, speak
from ganforge.data.audio import load_audio, write_wav
from ganforge.metrics.speech import load_speech_classifier, predict_proba
from ganforge.models.pretrained import WEIGHTS_DIR
from ganforge.utils.spectrogram import to_spectrogram

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def named(values: list[str]) -> list[tuple[str, str]]:
    """["NAME=SOURCE", ...] -> [(NAME, SOURCE), ...]."""
    pairs = []
    for value in values:
        name, _, source = value.partition("=")
        if not source:
            raise SystemExit(f"{value}: write NAME=SOURCE, e.g. specgan=runs/specgan")
        pairs.append((name, source))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", action="append", default=[], help="NAME=RUN (repeatable)")
    parser.add_argument("--model", action="append", default=[], help="NAME=SHIPPED_MODEL (repeatable)")
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "fsdd"))
    parser.add_argument("--per-model", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(DOCS))
    args = parser.parse_args()
    sources = [(name, {"checkpoint": s}) for name, s in named(args.checkpoint)]
    sources += [(name, {"model": s}) for name, s in named(args.model)]
    if not sources:
        raise SystemExit("give at least one --checkpoint NAME=RUN or --model NAME=MODEL")
    out = Path(args.out)
    (out / "audio").mkdir(parents=True, exist_ok=True)
    judge = load_speech_classifier(WEIGHTS_DIR / "speech-classifier")
    heldout = load_audio(args.data, "heldout")
    real_rows = [int(np.flatnonzero(heldout.labels == digit)[0]) for digit in range(10)]
    real, _ = heldout.batch(np.array(real_rows))

    columns = [("real take", to_spectrogram(real), None)]
    for name, source in sources:
        loaded = load_model(**source)
        rate = audio_settings(loaded)["sample_rate"]
        clips = torch.stack([speak(loaded, digit, args.per_model, seed=args.seed) for digit in range(10)])
        heard = predict_proba(judge, clips.flatten(0, 1)).argmax(1).view(10, args.per_model)
        for digit in range(10):
            write_wav(out / "audio" / f"{name}-{digit}.wav", clips[digit, 0, 0].numpy(), rate)
        for index in range(args.per_model):
            columns.append((f"{name} {index + 1}", to_spectrogram(clips[:, index]), heard[:, index]))

    figure = Figure(figsize=(max(1.3 * len(columns), 6.5), 13.5))
    axes = figure.subplots(10, len(columns), squeeze=False)
    for col, (title, images, heard) in enumerate(columns):
        for digit in range(10):
            ax = axes[digit, col]
            ax.imshow(images[digit, 0].numpy(), origin="lower", cmap="magma", vmin=-1, vmax=1, aspect="auto")
            ax.set_xticks([])
            ax.set_yticks([])
            label = title if digit == 0 else ""
            if heard is not None:
                verdict = int(heard[digit])
                label += ("\n" if label else "") + f"heard {verdict}" + ("" if verdict == digit else " ✗")
            ax.set_title(label, fontsize=8)
            if col == 0:
                ax.set_ylabel(f"digit {digit}", fontsize=9)
    figure.suptitle("Real held-out take vs generated clips\n(spectrograms: 0-8 kHz upwards, 1.02 s across)", fontsize=10)
    figure.tight_layout()
    figure.savefig(out / "speech-digits.png", dpi=80)
    print(f"wrote {out / 'speech-digits.png'} and {10 * len(sources)} WAVs under {out / 'audio'}")


if __name__ == "__main__":
    main()
