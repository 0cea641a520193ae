"""Train the spoken-digit judge on real FSDD recordings (training takes 5-49 only) and ship it.

    python bench/weights/train_speech_classifier.py [--data ../shared/data/fsdd] [--steps 1500] [--seed 0]

Reports accuracy on the 300 held-out takes (0-4 of every digit and speaker) and writes
src/ganforge/weights/speech-classifier/ (safetensors + card.json, with this command).
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import torch

from ganforge.data.audio import load_audio
from ganforge.metrics.classifier import save_classifier
from ganforge.metrics.speech import accuracy, train_speech_classifier

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "src" / "ganforge" / "weights" / "speech-classifier"


def main() -> None:
    """Train, measure, save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "fsdd"))
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args()
    train, heldout = load_audio(args.data, "train"), load_audio(args.data, "heldout")
    started = time.perf_counter()
    model = train_speech_classifier(train, steps=args.steps, seed=args.seed)
    seconds = time.perf_counter() - started
    score = accuracy(model, heldout)
    card = {"command": f"python bench/weights/train_speech_classifier.py --steps {args.steps} --seed {args.seed}",
            "data": f"FSDD training takes 5-49 ({len(train):,} real recordings, 6 speakers), 16 kHz, 16,384 samples",
            "heldout_accuracy": round(score, 4), "heldout": f"FSDD takes 0-4 ({len(heldout)} recordings)",
            "train_seconds": round(seconds, 1),
            "machine": f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}"}
    save_classifier(model, args.out, card)
    print(f"held-out accuracy {score:.4f} on {len(heldout)} real recordings; trained in {seconds:.0f} s")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
