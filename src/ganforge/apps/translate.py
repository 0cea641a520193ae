"""Image-to-image translation with a trained CycleGAN or pix2pix: `translate` (either direction),
`colourise` (a pix2pix trained on derive_input = "lab", or the older "grayscale") and `complete`
(derive_input = "mask").

A Lab colouriser predicts only the chroma: it sees the photo's lightness L* scaled so the shorter
side is the training load_size (the scale it learned colours at, and a bounded cost for any photo),
and its chroma is scaled back up (bilinear) and joined to the photo's own full-size L*. Chroma is
smooth, so little is lost (Zhang et al. also predict it at a quarter of the resolution). Where the
predicted colour does not exist in sRGB at that lightness, its chroma is reduced (hue kept) until it
does, so the lightness is kept instead of an R, G or B channel being clipped.

Any image size: the networks are fully convolutional, so an image is reflect-padded up to the
next multiple the generator needs (4 for the ResNet generator, 2**depth for a U-Net), translated
whole, and cropped back to its own size. A model whose training photos were scaled to one size (its
run's load_size, as the photo presets faces-age, faces-sex, cats2dogs set: faces at 64 pixels) learned
at that scale: `translate` first scales each input so its shorter side is that size (the training crop's
side when the run cropped), as junyanz's test script does, unless resize="none". Channels are matched to the model (RGB -> luma, or
grayscale repeated). Output files keep the input's name and go to the output folder.

Memory: a picture's cost is estimated before the network runs (the activations of a small probe,
per pixel). A model that sees a bounded neighbourhood (super-resolution) is run in overlapping tiles
when the whole picture would take over TILE_BUDGET, with the same result as whole; a model that sees
the whole picture (instance or batch statistics, a U-Net bottleneck) is refused up front when it
cannot fit. A Lab colouriser's network runs at the training scale anyway, and its colour conversions
go row strip by row strip, so a colouriser's peak stays bounded for any photo the reader accepts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ganforge.data import PreprocessConfig
from ganforge.data.folder import check_plain_image
from ganforge.data.inputs import match_channels, read_inputs, read_mask, say_skipped
from ganforge.data.translation import masked_input, resize_shorter_side
from ganforge.errors import GanforgeError
from ganforge.models import FAMILIES
from ganforge.models.io import load_network, read_state, resolve_checkpoint
from ganforge.utils.colour import CHROMA_SCALE, LIGHTNESS_SCALE, as_rgb, compose, gamut_chroma, rgb_to_lab
from ganforge.utils.files import refuse_overwriting
from ganforge.utils.images import from_uint8, save_image, to_uint8
from ganforge.utils.memory import AVAILABLE_SHARE, available_bytes, human_size
from ganforge.utils.seed import resolve_device


@dataclass
class Translator:
    """One direction of a trained translation model, ready for images of any size."""

    network: torch.nn.Module
    family: str
    direction: str  # "AtoB" or "BtoA"
    in_channels: int
    out_channels: int
    multiple: int  # input sides are padded up to a multiple of this
    scale: int  # outputs are this many times larger than inputs (super-resolution), else 1
    preprocess: PreprocessConfig  # how the training data was prepared (derive_input names the task)
    source: Path
    step: int
    receptive_radius: int | None = None  # input pixels each output pixel sees on each side, when bounded
    output: str = "image"  # "chroma-classes": a colour-class colouriser (see set_temperature)
    self_ensemble: bool = False  # average over the 8 turns and mirrors of the input (with_self_ensemble)
    _bytes_per_pixel: float = 0.0  # measured once by bytes_per_pixel()

    @torch.no_grad()
    def bytes_per_pixel(self) -> float:
        """Estimated peak bytes per input pixel of one forward pass: the three largest layer outputs of a
        small probe (those alive at once, a residual block's input beside its two convolutions) and the
        input, per probe pixel. Measured once, on the model's own layers."""
        if not self._bytes_per_pixel:
            side = -(-max(64, MIN_SIDE) // self.multiple) * self.multiple
            sizes: list[int] = []
            hooks = [module.register_forward_hook(lambda _m, _i, out: sizes.append(out.numel() * 4)
                                                  if isinstance(out, torch.Tensor) else None)
                     for module in self.network.modules() if not list(module.children())]
            try:
                device = next(self.network.parameters()).device
                self.network(torch.zeros(1, self.in_channels, side, side, device=device))
            finally:
                for hook in hooks:
                    hook.remove()
            largest = sum(sorted(sizes)[-3:]) + self.in_channels * side * side * 4
            self._bytes_per_pixel = largest / (side * side)
        return self._bytes_per_pixel

    def check_fits(self, height: int, width: int) -> None:
        """Refuse, before running, a picture whose forward pass cannot fit in memory (one line)."""
        needed, free = self.bytes_per_pixel() * height * width, available_bytes()
        if needed > AVAILABLE_SHARE * free:
            how = ("use a smaller --tile" if self.receptive_radius is not None else
                   f"{self.family} sees the whole picture at once, so it cannot be tiled: scale the picture down")
            raise GanforgeError(f"a {width}x{height} picture would need about {human_size(needed)} of memory in "
                                f"{self.family}, more than half of the {human_size(free)} free here; {how}")

    def auto_tile(self, height: int, width: int) -> int:
        """0 (whole) when the picture's forward pass fits TILE_BUDGET or the model cannot be tiled, else the
        largest tile side (a multiple of the network's) whose padded tile fits it."""
        per_pixel = self.bytes_per_pixel()
        if self.receptive_radius is None or per_pixel * height * width <= TILE_BUDGET:
            return 0
        side = int((TILE_BUDGET / per_pixel) ** 0.5) - 2 * self.receptive_radius
        side -= side % self.multiple
        return max(side, self.receptive_radius, self.multiple)

    @torch.no_grad()
    def __call__(self, images: torch.Tensor) -> torch.Tensor:
        """(N, in_channels, H, W) in [-1, 1] -> (N, out_channels, H, W) in [-1, 1], any H and W."""
        height, width = images.shape[2:]
        # sides padded up to the network's multiple, and to at least MIN_SIDE: a 1x1 image would leave its
        # reflection paddings nothing to reflect (the padding is cut off the result)
        least = -(-MIN_SIDE // self.multiple) * self.multiple
        pad_h, pad_w = max(-height % self.multiple, least - height), max(-width % self.multiple, least - width)
        self.check_fits(height + pad_h, width + pad_w)
        device = next(self.network.parameters()).device
        x = images.to(device)
        if pad_h or pad_w:  # reflection needs pad < side; replicate covers tiny images
            mode = "reflect" if pad_h < height and pad_w < width else "replicate"
            x = F.pad(x, (0, pad_w, 0, pad_h), mode=mode)
        out = self._ensemble(x) if self.self_ensemble else self.network(x).float()
        return out[:, :, : height * self.scale, : width * self.scale].cpu()

    def _ensemble(self, x: torch.Tensor) -> torch.Tensor:
        """The mean of the network's outputs for the 8 symmetries of the square (4 quarter turns, each also
        mirrored), each turned back: the "self-ensemble" of EDSR (Lim et al. 2017), 8 passes one after another."""
        total = None
        for mirror in (False, True):
            for turns in range(4):
                y = torch.rot90(x.flip(-1) if mirror else x, turns, (-2, -1))
                y = torch.rot90(self.network(y).float(), -turns, (-2, -1))
                y = y.flip(-1) if mirror else y
                total = y if total is None else total + y
        return total / 8


MIN_SIDE = 16  # images are padded to at least this side before the network (and cropped back after)
TILE_BUDGET = 1 << 30  # bytes of activations above which a tileable model runs in tiles
STRIP_PIXELS = 1 << 21  # pixels per row strip of the colour conversions


def with_self_ensemble(translator: Translator) -> Translator:
    """The translator averaging its outputs over the 8 turns and mirrors of each input (Translator._ensemble):
    8 times the work, and for a super-resolution model about a tenth of a dB more PSNR (docs/super-resolution.md).
    Only for a model trained on inputs turned and mirrored alike (preprocess.rotate), which treats them alike;
    any other is refused in one line."""
    if not translator.preprocess.rotate:
        raise GanforgeError(f"--self-ensemble averages a model over turned and mirrored inputs, but {translator.source} "
                            "was not trained on turned inputs ([preprocess] rotate); drop --self-ensemble")
    return dataclasses.replace(translator, self_ensemble=True)


def load_translator(checkpoint: str | Path, direction: str = "AtoB", device: str = "cpu") -> Translator:
    """The generator of `direction` in a cyclegan or pix2pix checkpoint."""
    folder = resolve_checkpoint(checkpoint)
    state = read_state(folder)
    family = FAMILIES.get(state["family"])
    if not family.translates:
        raise GanforgeError(
            f"{folder} is a {state['family']} checkpoint (noise -> images), not a translation model; "
            "pass a checkpoint of `ganforge train cyclegan|pix2pix|colourise|complete`"
        )
    if direction not in family.directions:
        raise GanforgeError(
            f"{state['family']} translates {' and '.join(family.directions)} only, not {direction}; "
            f"use --direction {next(iter(family.directions))}"
        )
    loaded = load_network(folder, family.directions[direction], device=resolve_device(device))
    shape = family.translation_shape(loaded.config, direction)
    preprocess = state.get("run", {}).get("preprocess", {})
    return Translator(
        loaded.generator, state["family"], direction, shape.in_channels, shape.out_channels, shape.input_multiple,
        shape.scale, PreprocessConfig(**preprocess), folder, state["step"], shape.receptive_radius, shape.output,
    )


@torch.no_grad()
def translate_tiled(translator: Translator, images: torch.Tensor, tile: int, *, as_uint8: bool = False
                    ) -> torch.Tensor | np.ndarray:
    """Like `translator(images)`, one tile x tile square of the input at a time, each padded by the
    receptive radius with its real neighbours, so the result equals the whole-image one while memory
    stays bounded by the tile. `as_uint8`: the result as to_uint8 gives it (N, H, W, C), gathered tile by
    tile in uint8 (a quarter of the float result's memory)."""
    radius = translator.receptive_radius
    if radius is None:
        raise GanforgeError(f"{translator.family} sees the whole image; translate it without --tile")
    if tile < radius:
        raise GanforgeError(f"--tile {tile} is smaller than the model's receptive radius ({radius} pixels); "
                            f"use --tile {2 * radius} or more")
    scale = translator.scale
    count, _, height, width = images.shape
    out = (np.zeros((count, height * scale, width * scale, translator.out_channels), np.uint8) if as_uint8 else
           torch.zeros(count, translator.out_channels, height * scale, width * scale))
    for top in range(0, height, tile):
        for left in range(0, width, tile):
            bottom, right = min(top + tile, height), min(left + tile, width)
            t0, l0 = max(top - radius, 0), max(left - radius, 0)  # the tile and its padding of real pixels
            result = translator(images[:, :, t0 : min(bottom + radius, height), l0 : min(right + radius, width)])
            result = result[:, :, (top - t0) * scale : (bottom - t0) * scale, (left - l0) * scale : (right - l0) * scale]
            if as_uint8:
                out[:, top * scale : bottom * scale, left * scale : right * scale] = to_uint8(result)
            else:
                out[:, :, top * scale : bottom * scale, left * scale : right * scale] = result
    return out


def _output_path(out: Path, source: Path) -> Path:
    return out / (source.stem + ".png")  # PNG whatever came in: no second lossy compression


class _Outputs:
    """Where each input's result goes: OUT/NAME.png, or OUT/NAME.EXT.png when an earlier input of the
    folder had the same stem (a.jpg and a.png both kept, and said)."""

    def __init__(self, out: Path, on_skip: Callable[[str], None]):
        self.out, self.on_skip, self.used = out, on_skip, set()

    def __call__(self, source: Path) -> Path:
        path = _output_path(self.out, source)
        if path.name in self.used:
            path = self.out / (source.name + ".png")
            self.on_skip(f"note: {source.name} shares its name with another input; its result is {path.name}")
        self.used.add(path.name)
        return path


def _each(inputs, on_skip: Callable[[str], None], work: Callable[[Path, np.ndarray], None], **options) -> None:
    """work(file, image) for each input; in a folder, an image the model cannot take (a GanforgeError)
    is skipped with a line and the others go on (one input file: the error is the command's)."""
    folder = Path(inputs).is_dir()
    for path, image in read_inputs(inputs, on_skip, **options):
        try:
            work(path, image)
        except GanforgeError as error:
            if not folder:
                raise
            on_skip(f"skipped {path.name}: {error}")


RESIZES = ("auto", "none")


def training_side(translator: Translator) -> int:
    """The shorter side the model's training images were scaled to (the crop's side when it cropped), or 0
    when they kept their own size. A derived-input model (super-resolution, colourisation, completion)
    learned from crops of photos at their own scale: 0."""
    preprocess = translator.preprocess
    if not preprocess.load_size or preprocess.derive_input:
        return 0
    return preprocess.crop_size or preprocess.load_size


def translate_files(checkpoint: str | Path, inputs: str | Path, out: str | Path, *, direction: str = "AtoB",
                    device: str = "cpu", tile: int = 0, resize: str = "auto", self_ensemble: bool = False,
                    on_skip: Callable[[str], None] = say_skipped) -> list[Path]:
    """Translate (or upscale) an image or a folder of images into `out` (same names, .png), whole or
    `tile` input pixels at a time; returns the files written. resize="auto" first scales each image to the
    model's training scale (training_side), "none" keeps its size; self_ensemble: with_self_ensemble."""
    if tile < 0:
        raise GanforgeError(f"--tile {tile}: give a tile side in pixels, or 0 for whole images")
    if resize not in RESIZES:
        raise GanforgeError(f"--resize {resize}: use auto (the model's training scale) or none (as given)")
    translator = load_translator(checkpoint, direction, device)
    if self_ensemble:
        translator = with_self_ensemble(translator)
    side = training_side(translator) if resize == "auto" else 0
    task = {"lab": "colourise", "grayscale": "colourise", "mask": "complete"}.get(translator.preprocess.derive_input)
    if task:
        raise GanforgeError(f"{translator.source} was trained to {task}; use `ganforge {task}`")
    refuse_overwriting(out, [inputs], output_name=lambda source: _output_path(Path(), source).name)
    out = Path(out)  # created at the first result written: a refused request leaves nothing behind
    written, names = [], _Outputs(out, on_skip)

    if side:
        on_skip(f"note: each input is scaled so its shorter side is {side} pixels, the scale this model was "
                "trained at (--resize none keeps each image's own size)")

    def work(path: Path, array: np.ndarray) -> None:
        image = match_channels(from_uint8(resize_shorter_side(array, side)[None]), translator.in_channels)
        tiles = tile or translator.auto_tile(*image.shape[2:])
        if tiles and not tile:
            on_skip(f"note: {path.name} is {image.shape[3]}x{image.shape[2]}: translated in tiles of {tiles} pixels "
                    f"to bound memory (the same result as whole; --tile N to choose)")
        result = translate_tiled(translator, image, tiles, as_uint8=True) if tiles else to_uint8(translator(image))
        written.append(save_image(result[0], names(path)))

    _each(inputs, on_skip, work)
    return written


def _task_translator(checkpoint: str | Path, task: str, derive: tuple[str, ...], device: str) -> Translator:
    translator = load_translator(checkpoint, "AtoB", device)
    if translator.preprocess.derive_input not in derive:
        raise GanforgeError(
            f"{translator.source} was not trained to {task} (its derive_input is "
            f"{translator.preprocess.derive_input!r}); train one with `ganforge train {task}`"
        )
    return translator


def colourise_image(translator: Translator, image: np.ndarray) -> np.ndarray:
    """uint8 (H, W, C) photo (colour or not) -> uint8 (H, W, 3) colourised from its lightness
    (Lab models: the photo's own L* is kept) or its luma (the older RGB models)."""
    if translator.preprocess.derive_input != "lab":
        gray = match_channels(from_uint8(image[None]), 1)
        return to_uint8(translator(gray))[0]
    height, width = image.shape[:2]
    rows = max(1, STRIP_PIXELS // width)  # the colour conversions go strip by strip: float64 per pixel is costly
    lightness = np.concatenate([rgb_to_lab(as_rgb(image[top : top + rows]))[..., 0]
                                for top in range(0, height, rows)])  # (H, W) in [0, 100]
    inputs = torch.from_numpy(lightness)[None, None] / LIGHTNESS_SCALE - 1
    side = translator.preprocess.load_size
    if side and min(height, width) > side:  # predict at the scale the model learned colours at
        scale = side / min(height, width)
        size = (max(side, round(height * scale)), max(side, round(width * scale)))
        inputs = F.interpolate(inputs, size=size, mode="bilinear", antialias=True, align_corners=False)
    chroma = translator(inputs)
    if chroma.shape[2:] != (height, width):
        chroma = F.interpolate(chroma, size=(height, width), mode="bilinear", align_corners=False)
    chroma = chroma[0].permute(1, 2, 0).numpy()
    out = np.empty((height, width, 3), np.uint8)
    for top in range(0, height, rows):
        strip = lightness[top : top + rows]
        out[top : top + rows] = compose(strip, gamut_chroma(strip, chroma[top : top + rows] * CHROMA_SCALE))
    return out


def complete_image(translator: Translator, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """uint8 (H, W, C) image and bool (H, W) mask (True = missing) -> the image with the hole filled;
    known pixels are kept exactly."""
    images = match_channels(from_uint8(image[None]), translator.out_channels)
    holes = torch.from_numpy(mask.astype(np.float32))[None, None]
    filled = translator(masked_input(images, holes))
    return to_uint8(images * (1 - holes) + filled * holes)[0]


def set_temperature(translator: Translator, temperature: float | None) -> Translator:
    """Decode a colour-class colouriser (`colourise-classes`) at annealed-mean temperature T: lower is more
    vivid, 1 the plain mean. None leaves the model's own; other models refuse a temperature."""
    if temperature is None:
        return translator
    if translator.output != "chroma-classes":
        raise GanforgeError(f"{translator.source} predicts chroma directly, it has no temperature; --temperature "
                            "is for colour-class colourisers (ganforge train colourise-classes)")
    if not 0 < temperature < float("inf"):
        raise GanforgeError(f"--temperature must be > 0 (0.38 is Zhang et al.'s, 1 the plain mean), not {temperature}")
    translator.network.temperature = temperature
    return translator


def colourise_files(checkpoint: str | Path, inputs: str | Path, out: str | Path, *, device: str = "cpu",
                    on_skip: Callable[[str], None] = say_skipped, temperature: float | None = None) -> list[Path]:
    """Colourise an image or a folder of images into `out`; returns the files written. A colour
    input is colourised from its lightness alone, and `on_skip` says so once; images with an alpha
    channel or 16 bits per sample are refused (one line; skipped in a folder). `temperature`: see
    set_temperature."""
    translator = set_temperature(_task_translator(checkpoint, "colourise", ("lab", "grayscale"), device), temperature)
    refuse_overwriting(out, [inputs], output_name=lambda source: _output_path(Path(), source).name)
    out = Path(out)  # created at the first result written: a refused request leaves nothing behind
    written, names, coloured = [], _Outputs(out, on_skip), []

    def work(path: Path, image: np.ndarray) -> None:
        written.append(save_image(colourise_image(translator, image), names(path)))
        coloured.append(image.shape[2] == 3)

    _each(inputs, on_skip, work, check=check_plain_image)
    coloured = sum(coloured)
    if coloured:
        on_skip(f"note: {coloured} input(s) already had colour; only their lightness was used (converted to gray)")
    return written


def complete_files(checkpoint: str | Path, inputs: str | Path, mask: str | Path, out: str | Path, *,
                   device: str = "cpu", on_skip: Callable[[str], None] = say_skipped) -> list[Path]:
    """Fill the region `mask` marks in an image (or in each image of a folder, all of the mask's size)."""
    translator = _task_translator(checkpoint, "complete", ("mask",), device)
    images = list(read_inputs(inputs, on_skip))
    holes = read_mask(mask, images[0][1].shape[:2])
    refuse_overwriting(out, [inputs], output_name=lambda source: _output_path(Path(), source).name)
    out = Path(out)  # created at the first result written: a refused request leaves nothing behind
    written, names = [], _Outputs(out, on_skip)
    for path, image in images:
        if image.shape[:2] != holes.shape:
            raise GanforgeError(f"{path} is {image.shape[1]}x{image.shape[0]}, not the mask's size; "
                                "complete images of one size per call")
        written.append(save_image(complete_image(translator, image, holes), names(path)))
    return written
