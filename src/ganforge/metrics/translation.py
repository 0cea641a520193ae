"""Judges of the digit-styles translation demo, all trained on real digits only:
    content  a digit classifier per style: the shipped mnist-classifier for plain digits (A), and one
             trained on real training digits drawn in the bold inverted style (B)
    domain   a two-class classifier of style A vs style B, trained on the real training images of both
A translation keeps its content when the target style's classifier reads the source digit in it,
and reaches the target domain when the domain classifier says so. Judges are trained once with a
fixed seed and cached under $GANFORGE_DATA/judges.
"""

from __future__ import annotations

import numpy as np
import torch

from ganforge.data import ImageDataset, PreprocessConfig, load_translation_dataset
from ganforge.data.demos import DIGIT_PAD, bold_inverted
from ganforge.data.download import data_home
from ganforge.data.idx import DIGIT_NAMES
from ganforge.metrics.classifier import DigitClassifier, classify, load_classifier, save_classifier, train_classifier
from ganforge.models.pretrained import WEIGHTS_DIR

JUDGE_STEPS = 500  # training steps of each judge (batch 64): about 100 s each on 2 cores, once per machine


def crop_digits(images: torch.Tensor) -> torch.Tensor:
    """(N, 1, 32, 32) -> the centre (N, 1, 28, 28) the classifiers read."""
    return images[:, :, DIGIT_PAD:-DIGIT_PAD, DIGIT_PAD:-DIGIT_PAD]


def _cached(name: str, seed: int, make) -> DigitClassifier:
    folder = data_home() / "judges" / f"{name}-seed{seed}-steps{JUDGE_STEPS}"
    if (folder / "model.safetensors").is_file():
        return load_classifier(folder)
    model = make()
    save_classifier(model, folder, {"judge": name, "seed": seed, "steps": JUDGE_STEPS})
    return model


def digit_style_judges(seed: int = 0) -> dict[str, DigitClassifier]:
    """{"content_a", "content_b", "domain"} classifiers of 28x28 crops (see the module docstring)."""
    train = load_translation_dataset("digit-styles", "train", PreprocessConfig(flip=False))
    crop = slice(DIGIT_PAD, -DIGIT_PAD)
    a, b = (np.ascontiguousarray(np.stack(images)[:, crop, crop]) for images in (train.images_a, train.images_b))

    def content_b() -> DigitClassifier:
        # every training digit in style B: the A half restyled too, so the judge sees 4,000 real digits
        digits = np.concatenate([bold_inverted(a), b])
        labels = np.concatenate([train.labels_a, train.labels_b])
        return train_classifier(ImageDataset("digit-styles B", np.ascontiguousarray(digits), labels, DIGIT_NAMES),
                                steps=JUDGE_STEPS, seed=seed)

    def domain() -> DigitClassifier:
        labels = np.concatenate([np.zeros(len(a), np.int64), np.ones(len(b), np.int64)])
        data = ImageDataset("digit-styles domains", np.concatenate([a, b]), labels, ("A", "B"))
        return train_classifier(data, steps=JUDGE_STEPS, seed=seed)

    return {
        "content_a": load_classifier(WEIGHTS_DIR / "mnist-classifier"),
        "content_b": _cached("digit-styles-content-b", seed, content_b),
        "domain": _cached("digit-styles-domain", seed, domain),
    }


def digit_translation_scores(judges: dict[str, DigitClassifier], outputs: torch.Tensor, labels: torch.Tensor,
                             target: str) -> dict[str, float]:
    """Share of translated digits (N, 1, 32, 32) that keep their label and are judged to be in `target` ("a" or "b")."""
    images = crop_digits(outputs)
    content = (classify(judges[f"content_{target}"], images) == labels).float().mean().item()
    domain = (classify(judges["domain"], images) == (1 if target == "b" else 0)).float().mean().item()
    return {"content": content, "domain": domain}


def judge_ceilings(judges: dict[str, DigitClassifier], images_a: torch.Tensor, labels_a: torch.Tensor,
                   images_b: torch.Tensor, labels_b: torch.Tensor) -> dict[str, float]:
    """The judges' own scores on real held-out digits (N, 1, 32, 32) of each style: what a perfect
    translation could reach."""
    real_a = digit_translation_scores(judges, images_a, labels_a, "a")
    real_b = digit_translation_scores(judges, images_b, labels_b, "b")
    return {"real_content_A": real_a["content"], "real_content_B": real_b["content"],
            "real_domain": (real_a["domain"] + real_b["domain"]) / 2}
