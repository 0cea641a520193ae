"""Feature networks for the distribution metrics, by name.

`inception` is the standard FID network (published numbers; any image size, a few images/s on a
CPU). `digits` and `fashion` are the shipped 28x28 classifiers trained on real data (mnist-5k and
Fashion-MNIST); their 128-d penultimate layer gives a Fréchet distance in well under a second,
for evaluation during training and in tests (as TF-GAN's MNIST Fréchet distance). `faces` is the shipped
face judge (64x64 colour, trained on UTKFace's training faces): its pooled features, and its sex head
as the judge of models conditioned on sex. Numbers from
different extractors are not comparable; every result records which one made it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np
import torch

from ganforge.data.utkface import CLASS_NAMES, SEXES, face_labels, split_spec
from ganforge.errors import GanforgeError
from ganforge.metrics.classifier import DigitClassifier, load_classifier, to_classifier_size
from ganforge.metrics.faces import load_face_classifier, to_face_size
from ganforge.metrics.inception import InceptionFeatures, file_sha256
from ganforge.models.io import MODEL_FILE
from ganforge.models.pretrained import WEIGHTS_DIR
from ganforge.registry import Registry
from ganforge.utils.images import from_uint8


class FeatureExtractor(Protocol):
    """What the metrics need of a feature network."""

    name: str
    dim: int  # length of each feature vector
    preprocessing: str  # how images are prepared, recorded in every result
    progress: bool  # whether a long extraction shows a progress bar (the quick ones ignore it)

    @property
    def sha256(self) -> str:
        """Identity of the weights (cache keys and protocols)."""

    def check(self, images: np.ndarray) -> None:
        """Raise a GanforgeError when these uint8 (N, H, W, C) images do not suit the network."""

    def __call__(self, images: np.ndarray) -> torch.Tensor:
        """uint8 (N, H, W, C) -> float64 (N, dim)."""


class _ShippedNetwork:
    """What the shipped feature networks share: their weights file (its digest is their identity), the
    device and the batch size."""

    progress = False  # seconds at most: no bar

    def __init__(self, weights: str, device: str | torch.device, batch_size: int):
        self.folder = WEIGHTS_DIR / weights
        self.path = self.folder / MODEL_FILE
        self.device = torch.device(device)
        self.batch_size = batch_size

    @property
    def sha256(self) -> str:
        """Identity of the weights file."""
        return file_sha256(self.path)


class ClassifierFeatures(_ShippedNetwork):
    """The penultimate (128-d, after ReLU) layer of a shipped 28x28 classifier."""

    preprocessing = "uint8 grayscale -> [-1, 1]; other square sizes resized to 28x28 (bilinear, antialiased)"

    def __init__(self, name: str, weights: str, *, device: str | torch.device = "cpu", batch_size: int = 1000):
        super().__init__(weights, device, batch_size)
        self.name = name
        self.weights = weights
        self.classifier: DigitClassifier = load_classifier(self.folder).to(device)
        self.body = self.classifier.net[:-1]  # everything up to the class logits
        self.dim = self.classifier.net[-1].in_features

    def check(self, images: np.ndarray) -> None:
        """Square single-channel images (any side: other sizes are resized to 28x28)."""
        height, width, channels = images.shape[1:]
        if channels != 1 or height != width:
            raise GanforgeError(
                f"the '{self.name}' feature network takes square grayscale images, not {width}x{height} with "
                f"{channels} channel(s); use --features inception"
            )

    def _inputs(self, images: np.ndarray) -> torch.Tensor:
        return to_classifier_size(from_uint8(images).to(self.device))

    @torch.inference_mode()
    def __call__(self, images: np.ndarray) -> torch.Tensor:
        """Penultimate activations in batches."""
        self.check(images)
        self.body.eval()
        chunks = [
            self.body(self._inputs(images[start : start + self.batch_size])).double().cpu()
            for start in range(0, len(images), self.batch_size)
        ]
        return torch.cat(chunks)

    @torch.inference_mode()
    def predict(self, images: np.ndarray, class_names: tuple[str, ...] | None = None) -> torch.Tensor:
        """Predicted class of each image (N,): the class-accuracy judge of data labelled with `class_names`
        (None or empty: not checked), which must be as many as the classifier's classes."""
        classes = self.classifier.net[-1].out_features
        if class_names and len(class_names) != classes:
            raise GanforgeError(f"the '{self.name}' judge reads {classes} classes, not the {len(class_names)} of this "
                                "data; leave out --metrics class-accuracy")
        self.check(images)
        self.classifier.eval()
        return torch.cat([
            self.classifier(self._inputs(images[start : start + self.batch_size])).argmax(1).cpu()
            for start in range(0, len(images), self.batch_size)
        ])


class FaceFeatures(_ShippedNetwork):
    """The face judge's (ganforge.metrics.faces) 256-d pooled features; its sex and age heads are the
    class-accuracy judge of models trained on faces labelled by sex, age group or both (utkface, utkface:age,
    utkface:sex+age)."""

    name = "faces"
    preprocessing = "uint8 RGB -> [-1, 1]; other square sizes resized to 64x64 (bilinear, antialiased)"

    def __init__(self, *, device: str | torch.device = "cpu", batch_size: int = 500):
        super().__init__("face-attributes", device, batch_size)
        self.judge = load_face_classifier(self.folder).to(device)
        self.dim = self.judge.sex.in_features

    def check(self, images: np.ndarray) -> None:
        """Square colour images (any side)."""
        height, width, channels = images.shape[1:]
        if channels != 3 or height != width:
            raise GanforgeError(f"the 'faces' feature network takes square colour faces, not {width}x{height} with "
                                f"{channels} channel(s); use --features inception")

    def _batches(self, images: np.ndarray):
        self.check(images)
        self.judge.eval()
        for start in range(0, len(images), self.batch_size):
            yield from_uint8(images[start : start + self.batch_size]).to(self.device)

    @torch.inference_mode()
    def __call__(self, images: np.ndarray) -> torch.Tensor:
        """Pooled features in batches."""
        return torch.cat([self.judge.features(to_face_size(batch)).double().cpu() for batch in self._batches(images)])

    @torch.inference_mode()
    def predict(self, images: np.ndarray, class_names: tuple[str, ...] | None = None) -> torch.Tensor:
        """The class of each face (N,) in the labelling `class_names` names (the class-accuracy judge): the sex
        read (0 male, 1 female) for SEXES (or None), the age group of the age read for the age groups, both
        (sex x 4 + group) for the sex+age labelling; other classes are refused in one line."""
        names = SEXES if class_names is None else tuple(class_names)
        labelling = next((name for name, known in CLASS_NAMES.items() if known == names), None)
        if labelling is None:
            raise GanforgeError(f"the face judge reads sex and age group, not the classes {', '.join(names)}; "
                                "leave out --metrics class-accuracy")
        sexes, ages = [], []
        for batch in self._batches(images):
            logits, years = self.judge(batch)
            sexes.append(logits.argmax(1).cpu())
            ages.append(years.cpu())
        return torch.from_numpy(face_labels(labelling, torch.cat(sexes).numpy(), torch.cat(ages).numpy()))


def _inception(device: str | torch.device) -> InceptionFeatures:
    return InceptionFeatures(device=device)


# name -> factory(device); the CLI validates --features against these names
EXTRACTORS: Registry[Callable[[str | torch.device], FeatureExtractor]] = Registry("feature network")
EXTRACTORS.register("inception", _inception)
EXTRACTORS.register("digits", lambda device: ClassifierFeatures("digits", "mnist-classifier", device=device))
EXTRACTORS.register("fashion", lambda device: ClassifierFeatures("fashion", "fashion-classifier", device=device))
EXTRACTORS.register("faces", lambda device: FaceFeatures(device=device))

# the domain network (and class-accuracy judge) that fits each known dataset
DOMAIN_EXTRACTOR = {"mnist-5k": "digits", "mnist": "digits", "fashion-mnist": "fashion", "utkface": "faces"}


def build_extractor(name: str, device: str | torch.device = "cpu") -> FeatureExtractor:
    """The feature network registered as `name`."""
    return EXTRACTORS.get(name)(device)


def domain_extractor_name(data: str) -> str | None:
    """The shipped domain network for dataset `data` (whatever its labelling: `utkface:age` is `utkface`), or
    None when ganforge has none."""
    return DOMAIN_EXTRACTOR.get(split_spec(data)[0])
