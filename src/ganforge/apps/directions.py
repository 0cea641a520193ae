"""Directions in a generator's edit space (w for stylegan2, z for the others) that change one thing
about its images, found three ways, and saved with what they were measured to do.

  sefa       closed form (Shen & Zhou 2021): the top eigenvectors of A^T A, A the weights that read the
             latent first (stylegan2: the style affines of the chosen layers, stacked; dcgan: the
             first dense layer's z columns): the latent moves that change those layers' inputs most.
  pca        GANSpace (Härkönen et al. 2020): principal components of 10,000 sampled w (stylegan2);
             for dcgan, whose z is isotropic, of the first feature map after BatchNorm and ReLU, each
             mapped back to z by least squares (GANSpace's recipe for BigGAN).
  attribute  supervised (InterFaceGAN, Shen et al. 2020): render samples, measure attributes
             (of digits' strokes, `ganforge.metrics.attributes`; of faces, the sex and age that the
             shipped face judge reads, `ganforge.metrics.faces`) and fit each as a linear function of the latent (ridge
             regression); each direction is the most likely move, under the sampled latents' own
             covariance S, that changes its fitted attribute by one unit and leaves the others
             unchanged: m = S B^T (B S B^T)^-1 for fitted rows B (InterFaceGAN's conditional
             manipulation, for any number of attributes; for Gaussian latents, the shift of the
             latents' conditional mean). The shortest Euclidean move would be the same in isotropic z,
             but in stylegan2's anisotropic w it points along directions w barely spreads in, where
             real images' inversions do not follow it (measured: docs/editing.md). The class is held
             too: a conditional model's label, or for an unconditional one trained on digits or
             Fashion-MNIST the class the shipped classifier reads in each sample (fitted as
             covariates, S taken within classes), so that a thicker 7 stays a 7.
A direction is a unit vector v with a scale: the standard deviation of sampled latents along v, so
strength s moves a latent by s x scale x v (strength 1: one standard deviation, whatever the method).
Each direction's effect is measured on 200 fresh samples moved to strengths -1 and +1: the mean
change per unit strength of every attribute the model's images have (strokes or faces) and of the pixels.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file
from torch import Tensor

from ganforge.apps.inversion import CLASSIFIER_WEIGHTS
from ganforge.apps.latent import LatentGenerator
from ganforge.data import load_dataset
from ganforge.data.utkface import is_face_spec
from ganforge.errors import GanforgeError
from ganforge.metrics.attributes import ATTRIBUTES, measure_attributes
from ganforge.metrics.classifier import classify, load_classifier, to_classifier_size
from ganforge.metrics.extractors import domain_extractor_name
from ganforge.metrics.faces import FACE_ATTRIBUTES, face_attributes
from ganforge.models.pretrained import WEIGHTS_DIR
from ganforge.models.sampling import cycling_labels
from ganforge.registry import did_you_mean
from ganforge.utils.files import atomic_write, ensure_writable_dir
from ganforge.utils.memory import require_memory

METHODS = ("sefa", "pca", "attribute")
FORMAT = "ganforge-directions"
# what a model's images have that can be measured: the strokes of grayscale digits, or faces (read by the judge)
DEFAULT_ATTRIBUTES = {"strokes": ("thickness", "slant"), "faces": FACE_ATTRIBUTES}
EFFECT_SAMPLES = 200  # samples each direction's effect is measured on
RENDER_BATCH = 500


@dataclass
class Direction:
    """One unit direction of the edit space and what it does."""

    name: str
    method: str
    scale: float  # std of sampled latents along the direction: strength 1 moves this far
    effect: dict[str, float] = field(default_factory=dict)  # measure -> mean change per unit strength
    vector: Tensor | None = None  # (dim,), unit norm


@dataclass
class DirectionSet:
    """Directions of one model, as saved in a .safetensors file."""

    space: str  # z or w
    model_id: str  # fingerprint of the generator's weights (model_fingerprint)
    source: str  # the model they were found on, for messages
    directions: list[Direction]

    def get(self, name: str) -> Direction:
        """The direction called `name`; a one-line error listing the names otherwise."""
        for direction in self.directions:
            if direction.name == name:
                return direction
        names = [d.name for d in self.directions]
        raise GanforgeError(f"no direction '{name}'{did_you_mean(name, names)} in this file; it has: "
                            f"{', '.join(names)}")


def model_fingerprint(model: LatentGenerator) -> str:
    """16 hex digits of SHA-256 over the generator's weights: which model a direction file belongs to."""
    digest = hashlib.sha256()
    for key, value in sorted(model.generator.state_dict().items()):
        digest.update(key.encode())
        digest.update(value.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


def edit_latents(model: LatentGenerator, count: int, seed: int) -> tuple[Tensor, Tensor | None]:
    """`count` sampled latents of the edit space and their labels (cycling; None if unconditional)."""
    with torch.no_grad():
        latents = model.from_z(model.random_z(count, seed), model.edit_space)
    labels = cycling_labels(model.num_classes, count) if model.num_classes else None
    return latents, None if labels is None else labels.to(model.device)


@torch.no_grad()
def render(model: LatentGenerator, latents: Tensor, labels: Tensor | None, *, layers: tuple[int, int] | None = None,
           base: Tensor | None = None) -> Tensor:
    """Images of edit-space latents in batches. With `layers` (stylegan2), only those style inputs take
    `latents`; the others keep `base`."""
    images = []
    for start in range(0, len(latents), RENDER_BATCH):
        part = latents[start : start + RENDER_BATCH]
        part_labels = None if labels is None else labels[start : start + RENDER_BATCH]
        if layers is not None and model.style_based and layers != (0, model.num_ws - 1):
            kept = model.to_ws(base[start : start + RENDER_BATCH], "w").clone()
            kept[:, layers[0] : layers[1] + 1] = model.to_ws(part, "w")[:, layers[0] : layers[1] + 1]
            images.append(model.render(kept, "w+"))
        else:
            images.append(model.render(part, model.edit_space, part_labels))
    return torch.cat(images)


def sefa(model: LatentGenerator, count: int, layers: tuple[int, int]) -> list[Tensor]:
    """Closed-form directions: top eigenvectors of A^T A (see the module doc)."""
    if model.style_based:
        synthesis = model.generator.synthesis
        readers = [m.affine for m in [*synthesis.convs, *synthesis.to_rgbs] if layers[0] <= m.w_index <= layers[1]]
        weight = torch.cat([r.weight * r.weight_gain for r in readers])
    else:
        weight = model.generator.dense[0].weight[:, : model.z_dim]
    weight = weight.detach().double().cpu()
    _, vectors = torch.linalg.eigh(weight.T @ weight)  # ascending eigenvalues
    return [vectors[:, -1 - k].float() for k in range(min(count, weight.shape[1]))]


def _pca_features(model: LatentGenerator, samples: int, seed: int) -> tuple[Tensor, Tensor]:
    """(latents, the features PCA runs on), both float64 (samples, D): w itself for style-based models,
    the generator's first feature maps for the others."""
    latents, _ = edit_latents(model, samples, seed)
    latents = latents.cpu().double()
    if model.style_based:
        return latents, latents
    with torch.no_grad():
        z = latents.float().to(model.device)
        labels = cycling_labels(model.num_classes, samples)
        inputs = z if labels is None else torch.cat([z, model.generator.label_embedding(labels.to(model.device))], 1)
        features = model.generator.convs[:2](model.generator.dense(inputs)).flatten(1).cpu().double()
    return latents, features


def pca(model: LatentGenerator, count: int, samples: int, seed: int) -> list[Tensor]:
    """GANSpace directions (see the module doc)."""
    probe_latents, probe_features = _pca_features(model, 2, seed)  # the size of one sample's rows, measured
    per_sample = 8 * (probe_latents.shape[1] + 3 * probe_features.shape[1])  # float64: latents, features, centred...
    require_memory(samples * per_sample, f"--samples {samples:,}", "analyse fewer samples (2,000 is the default)")
    latents, features = _pca_features(model, samples, seed)
    centred = features - features.mean(0)
    if model.style_based:
        return [v.float() for v in torch.linalg.svd(centred, full_matrices=False).Vh[:count]]
    with torch.random.fork_rng():  # pca_lowrank draws random projections: the same seed, the same directions
        torch.manual_seed(seed)
        _, _, components = torch.pca_lowrank(centred, q=min(count + 10, *centred.shape), center=False)
    coordinates = centred @ components[:, :count]  # (samples, count)
    mapped = torch.linalg.lstsq(latents, coordinates).solution  # (z_dim, count)
    return [(mapped[:, k] / mapped[:, k].norm()).float() for k in range(mapped.shape[1])]


def attribute_kind(model: LatentGenerator) -> str:
    """"faces" for a model trained on faces with age and sex (its data declared so: utkface or such a folder),
    "strokes" for a grayscale model (digits); anything else has no attribute ganforge can measure."""
    if model.image_shape[0] == 3 and is_face_spec(model.loaded.state.get("data", {}).get("name", "")):
        return "faces"
    if model.image_shape[0] == 1:
        return "strokes"
    raise GanforgeError(f"{model.source} draws colour images that are not faces; ganforge measures the strokes of "
                        f"grayscale digits ({', '.join(ATTRIBUTES)}) and faces ({', '.join(FACE_ATTRIBUTES)}): "
                        "use --method sefa or pca")


def attribute_kind_or_none(model: LatentGenerator) -> str | None:
    """attribute_kind, or None for images ganforge measures nothing of."""
    try:
        return attribute_kind(model)
    except GanforgeError:
        return None


def check_grayscale(model: LatentGenerator) -> None:
    """Stroke attributes (--until, --hold) are measured on single-channel stroke images."""
    if attribute_kind(model) != "strokes":
        raise GanforgeError(f"{model.source} draws faces; --until and --hold measure the strokes of digits "
                            f"({', '.join(ATTRIBUTES)}): edit faces with --strength alone")


def measure_kind(kind: str, images: Tensor, names: tuple[str, ...] | list[str]) -> dict[str, np.ndarray]:
    """Each named attribute of each image, of a model whose images are of `kind` (attribute_kind)."""
    return face_attributes(images, names) if kind == "faces" else measure_attributes(images, names)


def attribute_directions(model: LatentGenerator, names: tuple[str, ...], samples: int, seed: int,
                         ridge: float = 1.0) -> list[Tensor]:
    """Supervised directions, one per attribute (see the module doc)."""
    latents, labels = edit_latents(model, samples, seed)
    images = render(model, latents, labels)
    measured = measure_kind(attribute_kind(model), images, names)
    keep = torch.from_numpy(np.all([np.isfinite(values) for values in measured.values()], axis=0))
    if keep.sum() < 2 * len(names) + 10:
        raise GanforgeError(f"only {int(keep.sum())} of {samples} samples could be measured; ask for more --samples")
    classes = labels.cpu() if labels is not None else read_classes(model, images)
    x = latents.cpu().double()[keep]
    columns = [x - x.mean(0)]
    if classes is not None:  # class as covariates: directions that work within a class
        classes = classes[keep]
        one_hot = torch.nn.functional.one_hot(classes).double()
        columns.append(one_hot - one_hot.mean(0))
    design = torch.cat(columns, 1)
    gram = design.T @ design + ridge * torch.eye(design.shape[1], dtype=torch.float64)
    rows = []
    for name in names:
        y = torch.from_numpy(measured[name][keep.numpy()])
        rows.append(torch.linalg.solve(gram, design.T @ (y - y.mean()))[: x.shape[1]])  # latent part only
    return [(move / move.norm()).float() for move in likeliest_moves(torch.stack(rows), x, classes)]


def class_reader(model: LatentGenerator) -> torch.nn.Module | None:
    """The shipped classifier of the data `model` was trained on (digits, Fashion-MNIST), or None."""
    network = domain_extractor_name(model.loaded.state.get("data", {}).get("name", ""))
    if network not in CLASSIFIER_WEIGHTS:
        return None
    return load_classifier(WEIGHTS_DIR / CLASSIFIER_WEIGHTS[network])


def read_classes(model: LatentGenerator, images: Tensor) -> Tensor | None:
    """For an unconditional model trained on data ganforge has a classifier of (digits, Fashion-MNIST),
    the class that classifier reads in each sample; otherwise None. Held fixed by the supervised
    directions, so that an edit of a digit's stroke does not turn it into another digit."""
    reader = class_reader(model)
    return None if reader is None else classify(reader, to_classifier_size(images.cpu()))


def likeliest_moves(rows: Tensor, latents: Tensor, groups: Tensor | None = None) -> Tensor:
    """For fitted attribute rows (k, dim), the k moves (k, dim) of smallest Mahalanobis norm under the
    covariance of `latents` (n, dim), within `groups` (n,) when given, such that move a changes
    attribute a by one and the others by zero."""
    centred = latents - latents.mean(0)
    if groups is not None:  # the pooled within-group covariance: how latents spread inside a class
        for group in groups.unique():
            centred[groups == group] = latents[groups == group] - latents[groups == group].mean(0)
    covariance = centred.T @ centred / (len(latents) - 1)
    covariance += 1e-6 * covariance.diagonal().mean() * torch.eye(len(covariance), dtype=covariance.dtype)
    spread = covariance @ rows.T  # (dim, k)
    return torch.linalg.solve(rows @ spread, spread.T)  # rows: (B S B^T)^-1 (S B^T)^T, B S B^T symmetric


def latent_scale(model: LatentGenerator, vector: Tensor) -> float:
    """Std of sampled edit-space latents projected on a unit vector."""
    latents, _ = edit_latents(model, 2000, seed=1)
    return float((latents.cpu() @ vector.cpu()).std())


SPREAD_SAMPLES = 1000  # samples an attribute's spread is measured on when the training images are not on hand
SPREAD_IMAGES = 5000  # at most this many training images


def attribute_spread(model: LatentGenerator, name: str, *, seed: int = 2) -> tuple[float, str]:
    """(standard deviation of a measured attribute, what it was measured on): over the model's training
    images when they load offline (a registered dataset or a folder still there), else over
    SPREAD_SAMPLES of the model's own samples at the classifiers' 28x28. The unit of `ganforge edit
    --until`."""
    check_grayscale(model)
    data = model.loaded.state.get("data", {}).get("name", "")
    try:
        images = load_dataset(data, "train").images[:SPREAD_IMAGES] if data else None
    except (GanforgeError, OSError, ValueError):
        images = None
    if images is not None and images.shape[-1] == 1 and len(images) >= 10:
        values, source = ATTRIBUTES.get(name)(images), f"{min(len(images), SPREAD_IMAGES)} training images of {data}"
    else:
        latents, labels = edit_latents(model, SPREAD_SAMPLES, seed)
        values = ATTRIBUTES.get(name)(to_classifier_size(render(model, latents, labels)))
        source = f"{SPREAD_SAMPLES} samples of the model"
    if np.isfinite(values).sum() < 10:
        raise GanforgeError(f"fewer than 10 of the {source} have ink to measure {name} on")
    return float(np.nanstd(values)), source


def measure_effect(model: LatentGenerator, direction: Direction, seed: int) -> dict[str, float]:
    """Mean change per unit strength, on EFFECT_SAMPLES samples moved to -1 and +1."""
    latents, labels = edit_latents(model, EFFECT_SAMPLES, seed)
    step = direction.scale * direction.vector.to(latents.device)
    low, high = render(model, latents - step, labels), render(model, latents + step, labels)
    effect = {"pixels": float((high - low).abs().mean() / 2)}
    kind = attribute_kind_or_none(model)
    if kind is None:  # colour images that are not faces: only the pixels are measured
        return effect
    names = tuple(ATTRIBUTES) if kind == "strokes" else FACE_ATTRIBUTES
    a, b = measure_kind(kind, low, names), measure_kind(kind, high, names)
    for name in names:
        effect[name] = float(np.nanmean(b[name] - a[name]) / 2)
    return effect


def find_directions(model: LatentGenerator, method: str, *, attributes: tuple[str, ...] | None = None,
                    count: int = 10, samples: int = 2000, seed: int = 0, layers: str | None = None) -> DirectionSet:
    """Directions by `method` (sefa, pca, attribute), each with its scale and measured effect; `attributes`
    default to those of the model's images (DEFAULT_ATTRIBUTES: thickness and slant, or sex and age)."""
    if method not in METHODS:
        raise GanforgeError(f"--method {method}: choose one of {', '.join(METHODS)}")
    if count < 1 or samples < 10:
        raise GanforgeError("--count must be >= 1 and --samples >= 10")
    span = model.parse_layers(layers)
    if method == "sefa":
        vectors, names = sefa(model, count, span), [f"sefa-{k}" for k in range(count)]
    elif method == "pca":
        vectors, names = pca(model, count, max(samples, count + 10), seed), [f"pca-{k}" for k in range(count)]
    else:
        kind = attribute_kind(model)
        attributes = DEFAULT_ATTRIBUTES[kind] if attributes is None else attributes
        known = tuple(ATTRIBUTES) if kind == "strokes" else FACE_ATTRIBUTES
        for name in attributes:
            if name not in known:
                raise GanforgeError(f"--attribute {name}: {model.source} draws {kind}, whose measured attributes are "
                                    f"{', '.join(known)}{did_you_mean(name, list(known))}")
        if len(set(attributes)) != len(attributes) or not attributes:
            raise GanforgeError(f"--attribute: name each attribute once, e.g. {','.join(DEFAULT_ATTRIBUTES[kind])}")
        vectors, names = attribute_directions(model, tuple(attributes), samples, seed), list(attributes)
    directions = []
    for name, vector in zip(names, vectors):
        direction = Direction(name, method, latent_scale(model, vector), vector=vector.cpu())
        direction.effect = measure_effect(model, direction, seed + 1)
        directions.append(direction)
    return DirectionSet(model.edit_space, model_fingerprint(model), model.source, directions)


def best_closed_form(model: LatentGenerator, attribute: str, other: str, *, count: int = 10, seed: int = 0,
                     layers: str | None = None) -> Direction:
    """Of the first `count` SeFa (of `layers`) and PCA directions, the one whose measured effect on
    `attribute` is largest relative to its effect on `other`, turned so that it increases `attribute`."""
    best, best_score = None, -1.0
    for method in ("sefa", "pca"):
        for direction in find_directions(model, method, count=count, seed=seed, layers=layers).directions:
            effect = direction.effect
            score = abs(effect[attribute]) / (abs(effect[other]) + 1e-3 * abs(effect[attribute]) + 1e-9)
            if score > best_score:
                best, best_score = direction, score
    if best.effect[attribute] < 0:
        best.vector, best.effect = -best.vector, {k: -v for k, v in best.effect.items()}
    return best


def save_directions(directions: DirectionSet, path: str | Path) -> Path:
    """Write vectors as tensors and everything else as JSON metadata, atomically."""
    path = Path(path)
    if path.suffix != ".safetensors":
        raise GanforgeError(f"--out {path}: directions are written as a .safetensors file")
    ensure_writable_dir(path.parent)
    tensors = {d.name: d.vector.contiguous() for d in directions.directions}
    described = [{k: v for k, v in asdict(d).items() if k != "vector"} for d in directions.directions]
    metadata = {"format": FORMAT, "version": "1", "space": directions.space, "model_id": directions.model_id,
                "source": directions.source, "directions": json.dumps(described)}
    return atomic_write(path, lambda tmp: save_file(tensors, str(tmp), metadata=metadata))


def load_directions(path: str | Path, model: LatentGenerator | None = None) -> DirectionSet:
    """Read a directions file; with `model`, refuse one made for another model."""
    path = Path(path)
    if not path.is_file():
        raise GanforgeError(f"{path} not found; make directions with `ganforge directions`")
    try:
        with safe_open(str(path), "pt") as handle:
            metadata = handle.metadata() or {}
        tensors = load_file(str(path))
        described = json.loads(metadata["directions"])
        space, model_id, source = metadata["space"], metadata["model_id"], metadata["source"]
    except (SafetensorError, OSError, KeyError, ValueError) as error:
        raise GanforgeError(f"{path} is not a ganforge directions file ({type(error).__name__}); make one with "
                            "`ganforge directions`") from None
    if metadata.get("format") != FORMAT:
        raise GanforgeError(f"{path} is not a ganforge directions file; make one with `ganforge directions`")
    directions = [Direction(d["name"], d["method"], float(d["scale"]), d.get("effect", {}), tensors[d["name"]])
                  for d in described]
    if any(not math.isfinite(d.scale) or not torch.isfinite(d.vector).all() for d in directions):
        raise GanforgeError(f"{path} holds non-finite numbers; make the directions again")
    loaded = DirectionSet(space, model_id, source, directions)
    if model is not None and (model_id != model_fingerprint(model) or directions[0].vector.numel() != model.dim(space)):
        raise GanforgeError(f"{path} was made for another model ({source}); make directions for {model.source} "
                                "with `ganforge directions`")
    return loaded


def parse_direction(text: str) -> tuple[str, str]:
    """--direction FILE:NAME -> (FILE, NAME)."""
    file, sep, name = text.rpartition(":")
    if not sep or not file or not name:
        raise GanforgeError(f"--direction {text}: give FILE:NAME, e.g. directions.safetensors:thickness")
    return file, name
