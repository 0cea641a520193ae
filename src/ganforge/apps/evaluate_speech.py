"""How good a model of spoken digits is, judged by the shipped spoken-digit classifier (trained on
real recordings only, metrics.speech), with the real test takes scored the same way as the ceiling.

  accuracy            share of clips the judge hears as the digit asked for (and per digit)
  inception_score     exp(E KL(p(y|x) || p(y))): confident and varied clips score high, 10 at most
  frechet_distance    between the judge's 128-d features of the clips and of the real test takes
  memorisation        share of clips closer (in the judge's features) to a training recording than
                      95 % of the real test takes are (real unseen clips: about 0.05)
Clips are asked for evenly by digit (cycling 0..9); SpecGAN's spectrograms become audio by Griffin-Lim
first (what `ganforge say` gives). The data is the run's own (FSDD: the training takes for
memorisation, the 300 test takes as the reference), or `real` given as a path.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ganforge import __version__
from ganforge.apps.generate import generate, load_model
from ganforge.apps.speech import audio_settings
from ganforge.data.audio import bin_scale_of, load_audio
from ganforge.errors import GanforgeError
from ganforge.metrics.features import fid, memorisation_share
from ganforge.metrics.speech import embed, inception_score, load_speech_classifier, predict_proba
from ganforge.models.pretrained import WEIGHTS_DIR
from ganforge.utils.spectrogram import to_waveform

JUDGE = "speech-classifier"


def scores(judge, waves: torch.Tensor, labels: torch.Tensor, reference: torch.Tensor, train: torch.Tensor,
           heldout: torch.Tensor) -> dict[str, Any]:
    """The module doc's metrics of clips `waves` (N, 1, L) asked to say `labels`."""
    probabilities = predict_proba(judge, waves)
    features = embed(judge, waves)
    heard = probabilities.argmax(1)
    per_digit = [float((heard[labels == k] == k).double().mean()) for k in range(probabilities.shape[1])
                 if (labels == k).any()]
    return {"accuracy": float((heard == labels).double().mean()), "accuracy_per_digit": per_digit,
            "inception_score": inception_score(probabilities), "frechet_distance": fid(reference, features),
            "memorisation": memorisation_share(train, heldout, features)}


def evaluate_speech(checkpoint: str | Path, *, num: int = 1000, seed: int = 0, real: str | None = None,
                    device: str = "cpu") -> dict[str, Any]:
    """The metrics of a speech model's samples and of the real test takes (see the module doc)."""
    started = time.perf_counter()
    loaded = load_model(checkpoint=checkpoint, device=device)
    audio = audio_settings(loaded)
    data = real or loaded.state.get("run", {}).get("data", "")
    if not data:
        raise GanforgeError(f"{loaded.source} does not record its data; pass --real with the recordings' folder")
    if num < 10:
        raise GanforgeError(f"--num {num}: ask for at least 10 clips (one per digit)")
    options = {"rate": audio["sample_rate"], "length": audio["clip_length"], "on_note": lambda _: None}
    train, heldout = load_audio(data, "train", **options), load_audio(data, "heldout", **options)
    judge = load_speech_classifier(WEIGHTS_DIR / JUDGE)
    train_waves, _ = train.batch(np.arange(len(train)))
    test_waves, test_labels = heldout.batch(np.arange(len(heldout)))
    train_features, test_features = embed(judge, train_waves), embed(judge, test_waves)
    outputs, labels = generate(loaded, num, seed=seed)
    waves = to_waveform(outputs, scale=bin_scale_of(audio)) if audio["representation"] == "spectrogram" else outputs
    fake = scores(judge, waves, labels, test_features, train_features, test_features)
    # the ceiling: the real test takes against the same reference (their Fréchet distance to themselves is 0,
    # so theirs is measured between two halves of the test takes: alternate ones, since the takes come
    # sorted by digit and a first half against a second would compare digits 0-4 with 5-9)
    ceiling = scores(judge, test_waves, test_labels, test_features, train_features, test_features)
    ceiling["frechet_distance"] = fid(test_features[0::2], test_features[1::2])
    return {
        "metrics": {**fake, "real_test": ceiling},
        "protocol": {"ganforge_version": __version__, "checkpoint": str(loaded.source), "step": loaded.state["step"],
                     "data": str(data), "num": num, "seed": seed, "judge": JUDGE,
                     "representation": audio["representation"], "n_real_test": len(heldout),
                     "notes": ["clips asked for evenly by digit; spectrograms made audio by Griffin-Lim (32 iterations)",
                               ("real_test: the test takes scored the same way; their Fréchet distance is between "
                                "alternate halves of them (150 vs 150 clips: biased upwards against the samples' "
                                f"{num} vs 300)")]},
        "seconds": round(time.perf_counter() - started, 1),
    }


def format_speech(result: dict) -> str:
    """The samples' measures beside the real test takes', then the protocol, as `ganforge evaluate` prints them."""
    m, p = result["metrics"], result["protocol"]
    real = m["real_test"]
    lines = [f"{'':22s}{'samples':>10s}{'real test takes':>17s}"]
    lines += [f"{key:22s}{m[key]:10.4f}{real[key]:17.4f}"
              for key in ("accuracy", "inception_score", "frechet_distance", "memorisation")]
    lines.append(f"{'worst digit accuracy':22s}{min(m['accuracy_per_digit']):10.4f}"
                 f"{min(real['accuracy_per_digit']):17.4f}")
    lines += ["", (f"model     {p['checkpoint']} (step {p['step']}, {p['representation']}); {p['num']} clips, "
                   f"seed {p['seed']}"), f"judge     {p['judge']} against {p['n_real_test']} real test takes of {p['data']}"]
    return "\n".join(lines + [f"note      {note}" for note in p["notes"]])
