"""The shipped spoken-digit judge on FSDD's 300 held-out test takes: as recorded, and after the
spectrogram round trip (Griffin-Lim of each recording's magnitude), with the Inception-style score
of the real takes (the ceiling a generator's samples are compared with).

    python bench/quality/speech_judge.py [--data ../shared/data/fsdd] [--iterations 32]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ganforge.data.audio import load_audio
from ganforge.metrics.speech import inception_score, load_speech_classifier, predict_proba
from ganforge.models.pretrained import WEIGHTS_DIR
from ganforge.utils.spectrogram import to_spectrogram, to_waveform

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "fsdd"))
    parser.add_argument("--iterations", type=int, default=32)
    args = parser.parse_args()
    judge = load_speech_classifier(WEIGHTS_DIR / "speech-classifier")
    heldout = load_audio(args.data, "heldout")
    waves, labels = heldout.batch(np.arange(len(heldout)))
    for name, clips in (("recorded", waves), (f"Griffin-Lim ({args.iterations} iterations)",
                                              to_waveform(to_spectrogram(waves), iterations=args.iterations))):
        probabilities = predict_proba(judge, clips)
        accuracy = float((probabilities.argmax(1) == labels).double().mean())
        print(f"{name:28s} accuracy {accuracy:.4f}   Inception-style score {inception_score(probabilities):.2f} "
              f"({len(heldout)} held-out takes)")


if __name__ == "__main__":
    main()
