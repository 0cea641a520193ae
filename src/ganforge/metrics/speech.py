"""The spoken-digit judge: a small CNN on log-magnitude spectrograms, trained on real recordings only
(never a GAN's discriminator), that reads which digit a clip says and gives the features for an
audio Fréchet distance (as the digit classifier does for images).

Input: waveforms (B, 1, 16,384) at 16 kHz, or their spectrogram images (utils.spectrogram, 1 x 128
x 128). Four conv blocks (conv 3x3, BatchNorm, ReLU, max pooling by 2) to 64 x 8 x 8, averaged over
time, a dense layer to 128 features (the penultimate layer: Fréchet distance and the Inception-style
score's probabilities come from here) and one to the classes. Training augments each clip by a
random shift in time (up to 0.1 s, wrapping the silence at the end) and a random gain (-6 to +6 dB),
so that the judge hears the digit and not where or how loud it is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

from ganforge.data.audio import AudioDataset
from ganforge.metrics.classifier import fit_classifier, load_classifier
from ganforge.utils.spectrogram import to_spectrogram

FEATURES = 128
MAX_SHIFT = 1600  # samples (0.1 s at 16 kHz)


class SpeechClassifier(nn.Module):
    """Waveforms (B, 1, L) or spectrograms (B, 1, 128, T) -> logits (B, num_classes)."""

    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.num_classes = num_classes
        blocks, channels = [], 1
        for width in (16, 32, 64, 64):
            blocks += [nn.Conv2d(channels, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(), nn.MaxPool2d(2)]
            channels = width
        self.convs = nn.Sequential(*blocks)  # 128 x T -> 8 x T/16
        self.features = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(channels * 8, FEATURES), nn.ReLU())
        self.head = nn.Linear(FEATURES, num_classes)

    @staticmethod
    def spectrograms(inputs: Tensor) -> Tensor:
        """Spectrogram images of waveforms (passed through when already images)."""
        return inputs if inputs.dim() == 4 else to_spectrogram(inputs)

    def embed(self, inputs: Tensor) -> Tensor:
        """The 128 penultimate features (B, 128)."""
        maps = self.convs(self.spectrograms(inputs))
        return self.features(maps.mean(dim=3))  # averaged over time: (B, C, 8) -> (B, C * 8)

    def forward(self, inputs: Tensor) -> Tensor:
        """Class logits."""
        return self.head(self.embed(inputs))


def augment(waves: Tensor, generator: torch.Generator) -> Tensor:
    """Random circular shifts (up to MAX_SHIFT samples either way) and gains (-6 to +6 dB)."""
    shifts = torch.randint(-MAX_SHIFT, MAX_SHIFT + 1, (len(waves),), generator=generator)
    gains = 10 ** ((torch.rand(len(waves), generator=generator) * 12 - 6) / 20)
    moved = torch.stack([w.roll(int(s), dims=-1) for w, s in zip(waves, shifts)])
    return (moved * gains[:, None, None]).clamp(-1, 1)


def train_speech_classifier(data: AudioDataset, *, steps: int = 1500, batch_size: int = 64,
                            seed: int = 0) -> SpeechClassifier:
    """Train the judge on labelled clips; deterministic for a seed on one machine. The caller's random state
    is left as it was (the training draws from its own, seeded)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return fit_classifier(SpeechClassifier(data.num_classes), data, augment, steps=steps, batch_size=batch_size,
                              seed=seed)


@torch.no_grad()
def predict_proba(model: SpeechClassifier, waves: Tensor, batch_size: int = 200) -> Tensor:
    """Class probabilities (N, num_classes) of waveforms (N, 1, L)."""
    model.eval()
    return torch.cat([model(waves[i : i + batch_size]).softmax(1) for i in range(0, len(waves), batch_size)])


@torch.no_grad()
def embed(model: SpeechClassifier, waves: Tensor, batch_size: int = 200) -> Tensor:
    """Penultimate features (N, 128) of waveforms (N, 1, L)."""
    model.eval()
    return torch.cat([model.embed(waves[i : i + batch_size]) for i in range(0, len(waves), batch_size)])


def inception_score(probabilities: Tensor) -> float:
    """exp(E_x KL(p(y|x) || p(y))): high when each clip is clearly one digit and all digits occur."""
    p = probabilities.double().clamp_min(1e-12)
    marginal = p.mean(0, keepdim=True)
    return float(torch.exp((p * (p.log() - marginal.log())).sum(1).mean()))


def load_speech_classifier(folder: Path) -> SpeechClassifier:
    """A judge saved by metrics.classifier.save_classifier."""
    return load_classifier(folder, SpeechClassifier)


def accuracy(model: SpeechClassifier, data: AudioDataset) -> float:
    """Share of clips read as their label."""
    waves, labels = data.batch(np.arange(len(data)))
    return float((predict_proba(model, waves).argmax(1) == labels).double().mean())
