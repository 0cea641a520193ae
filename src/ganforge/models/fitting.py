"""How a family's config adapts to the data it trains on (the `fit_to_data` part of the family
contract, ganforge.models.Family): channels and classes come from the data; an image size the
networks cannot make or take is refused in one line that says what to change."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ganforge.errors import GanforgeError


@dataclass(frozen=True)
class TranslationShape:
    """What an image-to-image generator takes and gives, for one direction."""

    in_channels: int
    out_channels: int
    input_multiple: int  # inputs are padded up to sides that are multiples of this
    scale: int = 1  # outputs are this many times larger (super-resolution)
    receptive_radius: int | None = None  # input pixels each output pixel sees on each side, when bounded
    output: str = "image"  # "image", or "chroma-classes": a colour-class colouriser, decoded at a temperature


def fit_noise_model(config: Any, data: Any, name: str, *, conditional: bool) -> Any:
    """A noise-to-image config with the data's channels (and classes, when `conditional` and the
    config asks for them); its image size must be the data's."""
    channels, height, width = data.image_shape
    changes: dict[str, int] = {"image_channels": channels}
    if conditional and config.num_classes:
        if data.num_classes < 2:
            raise GanforgeError(
                f"{name} is conditional but {data.name} has no class labels; "
                "put images in one subfolder per class, or train an unconditional preset"
            )
        changes["num_classes"] = data.num_classes
    config = dataclasses.replace(config, **changes)
    if (height, width) != (config.image_size, config.image_size):
        raise GanforgeError(
            f"{name} makes {config.image_size}x{config.image_size} images but {data.name} "
            f"holds {width}x{height}; resize the images or pick a preset of that size"
        )
    return config


def check_translation_size(config: Any, data: Any, name: str) -> None:
    """Refuse training crops whose sides the networks cannot take."""
    height, width = data.image_size
    multiple = config.size_multiple
    if height % multiple or width % multiple:
        raise GanforgeError(
            f"{name} needs image sides that are multiples of {multiple}, but {data.name} gives {width}x{height}; "
            f"set crop_size in [preprocess] to a multiple of {multiple}"
        )


def fit_two_domains(config: Any, data: Any, name: str) -> Any:
    """A two-domain translation config (CycleGAN, pix2pix) with the data's channels of A and B."""
    check_translation_size(config, data, name)
    channels_a, channels_b = data.channels
    return dataclasses.replace(config, channels_a=channels_a, channels_b=channels_b)


def two_domain_shape(config: Any, direction: str) -> TranslationShape:
    """The TranslationShape of a two-domain generator ("AtoB" or "BtoA")."""
    a, b = config.channels_a, config.channels_b
    ins, outs = (a, b) if direction == "AtoB" else (b, a)
    return TranslationShape(ins, outs, config.input_multiple)
