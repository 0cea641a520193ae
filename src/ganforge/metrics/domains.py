"""A judge of two photo domains (cats against dogs): a logistic regression on the FID Inception's pool3
features, trained on a run's training photos and measured on its held-out ones. It reads whether a translated
photo reached the target domain (bench/quality/translation_photos.py) where no attribute judge exists.

A linear probe on ImageNet features rather than a network trained from scratch: the Inception already
separates the 1,000 ImageNet classes, dozens of them cat and dog breeds, so a probe needs a few thousand
photos and a minute; it reads photos at the size the translations come in (64x64 made square), so it is
trained on photos of that size. The weights are two tensors (2,048 + 1 numbers) and a card.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

from ganforge.errors import GanforgeError
from ganforge.models.pretrained import WEIGHTS_DIR
from ganforge.utils.files import atomic_write, atomic_write_text


class DomainJudge:
    """p(domain B | features) = sigmoid(features . weight + bias), on Inception pool3 features."""

    def __init__(self, weight: np.ndarray, bias: float, domains: tuple[str, str], mean: np.ndarray,
                 scale: np.ndarray):
        self.weight, self.bias, self.domains = np.asarray(weight, np.float64), float(bias), domains
        self.mean, self.scale = np.asarray(mean, np.float64), np.asarray(scale, np.float64)

    def probability_b(self, features: np.ndarray) -> np.ndarray:
        """The probability of domain B for each row of Inception pool3 features (N, 2048)."""
        logits = ((np.asarray(features, np.float64) - self.mean) / self.scale) @ self.weight + self.bias
        return 1.0 / (1.0 + np.exp(-logits))

    def read(self, features: np.ndarray) -> np.ndarray:
        """0 (read as domain A) or 1 (B) for each row of features."""
        return (self.probability_b(features) >= 0.5).astype(np.int64)


def train_domain_judge(features_a: np.ndarray, features_b: np.ndarray, domains: tuple[str, str], *,
                       strength: float = 1.0) -> DomainJudge:
    """Fit the probe on features of domain A and B photos (standardised, L2-regularised by 1 / `strength`);
    deterministic (lbfgs, no sampling)."""
    from sklearn.linear_model import LogisticRegression

    if len(features_a) < 2 or len(features_b) < 2:
        raise GanforgeError("the domain judge needs at least two photos of each domain")
    features = np.concatenate([features_a, features_b]).astype(np.float64)
    labels = np.r_[np.zeros(len(features_a)), np.ones(len(features_b))]
    mean, scale = features.mean(0), features.std(0) + 1e-6
    model = LogisticRegression(C=strength, max_iter=2000).fit((features - mean) / scale, labels)
    return DomainJudge(model.coef_[0], model.intercept_[0], domains, mean, scale)


def save_domain_judge(judge: DomainJudge, folder: Path, card: dict) -> None:
    """The probe as safetensors (float32) and a JSON card of how it was made and how well it reads."""
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {name: np.ascontiguousarray(value, np.float32) for name, value in
               (("weight", judge.weight), ("bias", np.array([judge.bias])), ("mean", judge.mean),
                ("scale", judge.scale))}
    atomic_write(folder / "model.safetensors", lambda tmp: save_file(tensors, tmp))
    atomic_write_text(folder / "card.json", json.dumps({"architecture": "DomainJudge (logistic regression on "
                                                        "Inception pool3)", "domains": list(judge.domains), **card},
                                                       indent=2) + "\n")


def load_domain_judge(folder: Path) -> DomainJudge:
    """A saved domain judge (e.g. the shipped `pets-judge`)."""
    try:
        tensors = load_file(folder / "model.safetensors")
        card = json.loads((folder / "card.json").read_text())
    except (OSError, ValueError) as error:
        raise GanforgeError(f"cannot load the domain judge from {folder} ({error})") from None
    return DomainJudge(tensors["weight"], float(tensors["bias"][0]), tuple(card["domains"]), tensors["mean"],
                       tensors["scale"])


@functools.cache
def shipped_pet_judge() -> DomainJudge:
    """The shipped cat (A) / dog (B) judge (loaded once)."""
    return load_domain_judge(WEIGHTS_DIR / "pets-judge")
