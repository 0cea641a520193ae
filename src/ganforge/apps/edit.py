"""Editing real images through a generator's latent space: invert, edit along a direction, complete
a masked image, combine two images (the structure of one, the style of the other).

Inputs are converted to what the model draws, and the user is told once per call: colour to
grayscale (luma) or grayscale to colour, and any other size to the model's the way its training
images were made (ganforge.data.resize_dataset: Pillow's bicubic to the model's side, then a centred
square crop), so that the generator is asked for a real image as it saw real images. Outputs go to a
folder, created only once the work succeeded.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from ganforge.apps.directions import Direction, attribute_spread, class_reader, load_directions, parse_direction
from ganforge.apps.inversion import Inversion, InversionSettings, Inverter
from ganforge.apps.latent import LatentGenerator
from ganforge.data.inputs import match_channels, read_inputs, read_mask
from ganforge.data.streaming import square_image
from ganforge.errors import GanforgeError
from ganforge.metrics.attributes import ATTRIBUTES, SOFT_ATTRIBUTES
from ganforge.metrics.classifier import to_classifier_size
from ganforge.utils.files import atomic_write, ensure_writable_dir, refuse_overwriting
from ganforge.utils.images import from_uint8, make_grid, save_image, to_uint8

MAX_STRENGTHS = 21


def say(message: str) -> None:
    """A note on stderr (conversions the user should know about)."""
    print(message, file=sys.stderr)


def to_model_images(arrays: list[np.ndarray], model: LatentGenerator, on_note: Callable[[str], None] = say) -> Tensor:
    """uint8 (H, W, C) images -> (N, C, H, W) in [-1, 1] of the model's shape, saying what was converted."""
    channels, side, _ = model.image_shape
    converted, resized, cropped = 0, 0, 0
    images = []
    for array in arrays:
        height, width = array.shape[:2]
        if (height, width) != (side, side):  # as the training data was made (ganforge.data.resize_dataset)
            resized += 1
            cropped += height != width
            array = square_image(array, side)
        image = from_uint8(array[None])
        if image.shape[1] != channels:
            converted += 1
            image = match_channels(image, channels)
        images.append(image)
    if converted:
        kind = "grayscale" if channels == 1 else "colour"
        on_note(f"note: {converted} image(s) converted to {kind}: the model draws {channels}-channel images")
    if resized:
        crop = f" ({cropped} cropped to a centred square)" if cropped else ""
        on_note(f"note: {resized} image(s) resized to {side}x{side}, the model's size{crop}")
    return torch.cat(images)


def read_model_images(path: str | Path, model: LatentGenerator, on_note: Callable[[str], None] = say
                      ) -> tuple[list[str], Tensor]:
    """(file names, images of the model's shape) for an image file or a folder of images."""
    pairs = list(read_inputs(path, on_note))
    return [file.name for file, _ in pairs], to_model_images([array for _, array in pairs], model, on_note)


def strip(images: list[Tensor]) -> np.ndarray:
    """One row of same-sized images (each (C, H, W) in [-1, 1]) as uint8 (H, W', C)."""
    return make_grid(to_uint8(torch.stack(images)), columns=len(images))


def output_name(name: str, suffix: str = "") -> str:
    """The PNG that an input file's result is written to."""
    return Path(name).stem + suffix + ".png"


def check_out(out: str | Path, inputs: list[str | Path]) -> Path:
    """Refuse an --out that would overwrite inputs or a model, before any work."""
    refuse_overwriting(out, inputs, output_name=lambda source: output_name(source.name))
    return Path(out)


def save_latents(inversion: Inversion, names: list[str], path: Path) -> Path:
    """latents.npz: `latents` (one row per input), `names`, `space`, and `labels` for conditional models."""
    arrays = {"latents": inversion.latents.cpu().numpy(), "names": np.array(names), "space": np.array(inversion.space),
              "pixel_mse": inversion.pixel_mse.cpu().numpy()}
    if inversion.labels is not None:
        arrays["labels"] = inversion.labels.cpu().numpy()

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            np.savez_compressed(handle, **arrays)

    return atomic_write(path, write)


def invert_files(model: LatentGenerator, inputs: str | Path, out: str | Path, settings: InversionSettings, *,
                 label: int | None = None, scale: int = 4) -> Inversion:
    """Invert an image or a folder: latents.npz plus one before | after strip per input in `out`."""
    out = check_out(out, [inputs])
    names, images = read_model_images(inputs, model)
    inversion = Inverter(model, settings).invert(images, labels=None if label is None else torch.tensor([label]))
    ensure_writable_dir(out)
    for name, image, result in zip(names, images, inversion.images.cpu()):
        save_image(strip([image, result]), out / output_name(name), scale)
    save_latents(inversion, names, out / "latents.npz")
    return inversion


def parse_strengths(text: str) -> list[float]:
    """'-3,-1.5,0,1.5,3' -> floats; a one-line error for anything else."""
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise GanforgeError(f"--strength {text!r}: give numbers separated by commas, like -3,-1.5,0,1.5,3") from None
    if not values or len(values) > MAX_STRENGTHS or not all(np.isfinite(values)) or max(map(abs, values)) > 100:
        raise GanforgeError(f"--strength {text!r}: give 1 to {MAX_STRENGTHS} finite numbers within +-100, like -3,0,3")
    return values


def edited(model: LatentGenerator, latents: Tensor, space: str, direction: Direction, strength: float,
           layers: tuple[int, int]) -> tuple[Tensor, str]:
    """Latents moved `strength` standard deviations along `direction`, and their space. Directions live
    in the edit space (w or z): w latents move in w (or in w+ when only some layers move), w+ latents
    move on the chosen layers, z latents of stylegan2 are mapped to w first."""
    step = strength * direction.scale * direction.vector.to(latents.device)
    if space == "z" and model.style_based:
        latents, space = model.from_z(latents, "w"), "w"
    if space == "z" or (space == "w" and layers == (0, model.num_ws - 1)):
        return latents + step, space
    ws = model.to_ws(latents, space).clone()
    ws[:, layers[0] : layers[1] + 1] += step
    return ws, "w+"


HOLD_STEPS = 10  # sub-steps of an edit that holds the class or an attribute
# Share of a held attribute's measured drift each sub-step pulls back along its stand-in's gradient
# (the stand-in and the measurement are both in pixels of stroke width, or in shear): chosen between
# 0.5 and 1 on 100 calibration digits of mnist-5k's training split (1 overshoots).
HOLD_CORRECTION = 0.5
UNTIL_STEPS = 24  # sub-steps of an edit that stops each image once its attribute has moved enough


@dataclass(frozen=True)
class Until:
    """Stop each image's walk once its `attribute` (metrics.attributes.ATTRIBUTES, measured at the
    classifiers' 28x28) has moved `amount`, in the attribute's own units, the way the walk moves it: the
    strength's sign times the sign of the direction's measured effect on the attribute (a closed-form
    direction may lower it at positive strengths; one without a measured effect counts as raising it)."""

    attribute: str
    amount: float


def holding_walk(model: LatentGenerator, latents: Tensor, space: str, labels: Tensor | None, direction: Direction,
                 strength: float, layers: tuple[int, int], *, reader: torch.nn.Module | None = None,
                 hold: tuple[str, ...] = (), noises: list[Tensor] | None = None,
                 steps: int = HOLD_STEPS, until: Until | None = None, pace: bool = True) -> tuple[Tensor, str]:
    """edited()'s move, walked in `steps` sub-steps, each stripped (per image) of its components along
    the gradients of what is held: `reader`'s log-probability of the class it reads in the unedited
    image, and each attribute in `hold` (metrics.attributes.SOFT_ATTRIBUTES, measured at the
    classifiers' 28x28). To first order these stay put while the edited attribute moves: InterFaceGAN's
    conditional edit made local, each boundary taken where each image is instead of one global
    hyperplane. The sub-step is projected onto the orthogonal complement of the held gradients' span.
    A stand-in only approximates its measurement (metrics.attributes.ATTRIBUTES), so each sub-step also
    pulls HOLD_CORRECTION of the measured drift of each held attribute back along its stand-in's
    gradient: a predictor-corrector walk, the stand-in giving the way back and the measurement how far.

    With `until`, the walk has UNTIL_STEPS sub-steps and each image stops after the first one at which
    its attribute has moved `until.amount`: `strength` is then the farthest an image may go, and an
    image that moves a lot per unit strength is not pushed past what was asked.

    With `until` on thickness or slant and something held, the walk is paced (unless `pace` is False): the projection also
    keeps the until attribute's first-order change (through its stand-in) what the straight
    sub-step's was, so each sub-step is the nearest to the straight one that leaves the held
    quantities put and moves the edited attribute as much: holding no longer eats part of the edit."""
    projecting = reader is not None or bool(hold)
    with torch.no_grad():  # the straight line's ends are constants of the walk
        end, moved_space = edited(model, latents, space, direction, strength, layers)
        if strength == 0 or (not projecting and until is None):  # nothing to hold or stop: the straight line
            return end, moved_space
        start, _ = edited(model, latents, space, direction, 0.0, layers)
    steps = UNTIL_STEPS if until is not None else steps
    step = ((end - start) / steps).flatten(1)
    measures = [SOFT_ATTRIBUTES.get(name) for name in hold]
    # width and height have no stand-in: those walks stay unpaced
    paced = pace and until is not None and projecting and until.attribute in SOFT_ATTRIBUTES
    if paced:
        measures.append(SOFT_ATTRIBUTES.get(until.attribute))
    if reader is not None:
        reader = reader.to(latents.device).eval()

    def seen(moved: Tensor, rows: Tensor) -> Tensor:  # the images of some rows, at the classifiers' size
        return to_classifier_size(model.render(moved, moved_space, None if labels is None else labels[rows],
                                               None if noises is None else [noise[rows] for noise in noises]))

    classes, first = None, None
    with torch.no_grad():
        unedited = seen(start, torch.arange(len(start), device=start.device))
        if reader is not None:
            classes = reader(unedited).argmax(1, keepdim=True)  # what each unedited image is read as
        if until is not None:
            measure = ATTRIBUTES.get(until.attribute)
            first = measure(unedited)
            way = np.sign(strength) * (-1.0 if direction.effect.get(until.attribute, 0.0) < 0 else 1.0)
        held_first = [ATTRIBUTES.get(name)(unedited) for name in hold]
    moved = start.detach()
    rows = torch.arange(len(start), device=start.device)  # the images still walking
    for _ in range(steps):
        if not len(rows):
            break
        here = moved[rows]
        sub_step = step[rows]
        if projecting:
            here.requires_grad_(True)
            images = seen(here, rows)
            values = [measure_soft(images) for measure_soft in measures]  # each held quantity, (n,) each
            if reader is not None:
                values.insert(len(hold), torch.log_softmax(reader(images), 1).gather(1, classes[rows])[:, 0])
            gradients = torch.stack([torch.autograd.grad(value.sum(), here, retain_graph=index < len(values) - 1)[0]
                                     .flatten(1) for index, value in enumerate(values)], 1)  # (n, k, D)
            gram = gradients @ gradients.transpose(1, 2)  # (n, k, k); a tiny ridge for parallel gradients
            gram = gram + 1e-6 * gram.diagonal(dim1=1, dim2=2).mean(1).clamp_min(1e-20)[:, None, None] * torch.eye(
                len(values), dtype=gram.dtype, device=gram.device)
            residual = gradients @ sub_step[:, :, None]  # (n, k, 1): what the straight sub-step changes
            if paced:  # the paced attribute (last) keeps its change: the constraint asks for 0 difference
                residual[:, -1] = 0
            weights = torch.linalg.solve(gram, residual)  # (n, k, 1)
            sub_step = sub_step - (gradients.transpose(1, 2) @ weights)[:, :, 0]
            with torch.no_grad():  # the corrector: what the held measurements drifted so far, pulled back
                for k, name in enumerate(hold):
                    drift = ATTRIBUTES.get(name)(images.detach()) - held_first[k][rows.cpu().numpy()]
                    drift = torch.as_tensor(np.nan_to_num(drift), dtype=sub_step.dtype, device=sub_step.device)
                    gradient = gradients[:, k]
                    sub_step = sub_step - HOLD_CORRECTION * (drift / (gradient * gradient).sum(1).clamp_min(1e-20))[
                        :, None] * gradient
        moved = moved.index_copy(0, rows, here.detach() + sub_step.view_as(here))  # out of place: `start` may be the caller's
        if until is not None:
            with torch.no_grad():
                change = (measure(seen(moved[rows], rows)) - first[rows.cpu().numpy()]) * way
            rows = rows[torch.as_tensor(~(np.nan_to_num(change, nan=-np.inf) >= until.amount), device=rows.device)]
    return moved.detach(), moved_space


@dataclass
class EditResult:
    """Images (N, S, C, H, W) for N inputs at S strengths, and each input's starting image."""

    names: list[str]
    originals: Tensor | None  # the real inputs (None when the latents were sampled)
    images: Tensor
    strengths: list[float]


def edit_latents(model: LatentGenerator, latents: Tensor, space: str, labels: Tensor | None, direction: Direction,
                 strengths: list[float], layers: tuple[int, int], noises: list[Tensor] | None = None,
                 reader: torch.nn.Module | None = None, hold: tuple[str, ...] = (),
                 until: Until | None = None) -> Tensor:
    """(N, S, C, H, W) renders of each latent at each strength (walks holding `reader`'s class and the
    `hold` attributes, and stopping at `until`, when given: see holding_walk)."""
    rows = []
    for strength in strengths:
        moved, moved_space = holding_walk(model, latents, space, labels, direction, strength, layers, reader=reader,
                                          hold=hold, noises=noises, until=until)
        with torch.no_grad():
            rows.append(model.render(moved, moved_space, labels, noises))
    return torch.stack(rows, 1)


def keep_class_reader(model: LatentGenerator) -> torch.nn.Module:
    """The classifier a class-keeping edit holds; a one-line error for a model ganforge has none for."""
    reader = class_reader(model)
    if reader is None:
        raise GanforgeError("--keep-class holds the class a shipped classifier reads, and ganforge has one for "
                            "digits and Fashion-MNIST only; edit this model without --keep-class")
    return reader


def parse_hold(text: str | None, model: LatentGenerator, direction: Direction) -> tuple[str, ...]:
    """--hold 'slant' or 'slant,thickness' -> names of SOFT_ATTRIBUTES; one line for what cannot be held."""
    if text is None:
        return ()
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if not names:
        raise GanforgeError(f"--hold {text!r} names no attribute; give {' or '.join(SOFT_ATTRIBUTES)}, or drop --hold")
    for name in names:
        if name not in SOFT_ATTRIBUTES:
            raise GanforgeError(f"--hold {name!r}: ganforge can hold {', '.join(SOFT_ATTRIBUTES)}, e.g. --hold slant")
    if model.image_shape[0] != 1:
        raise GanforgeError(f"--hold measures strokes in grayscale images (light ink on dark), and {model.source} "
                            f"draws {model.image_shape[0]}-channel images; edit without --hold")
    if direction.name in names:
        raise GanforgeError(f"--hold {direction.name} would cancel the {direction.name} edit itself; hold another "
                            "attribute")
    return names


def parse_until(text: str | None, model: LatentGenerator, on_note: Callable[[str], None] = say) -> Until | None:
    """--until 'thickness=1.2' (standard deviations over the model's training images, or its samples:
    directions.attribute_spread) -> Until in the
    attribute's units; one line for what cannot be measured or is not a positive number."""
    if not text:
        return None
    name, _, amount = text.partition("=")
    name = name.strip()
    if name not in ATTRIBUTES:
        raise GanforgeError(f"--until {text!r}: ganforge measures {', '.join(ATTRIBUTES)}; give ATTRIBUTE=STDS, "
                            "e.g. --until thickness=1.2")
    try:
        stds = float(amount)
    except ValueError:
        stds = float("nan")
    if not np.isfinite(stds) or not 0 < stds <= 10:
        raise GanforgeError(f"--until {text!r}: give ATTRIBUTE=STDS with STDS a number in (0, 10], "
                            "e.g. --until thickness=1.2")
    if model.image_shape[0] != 1:
        raise GanforgeError(f"--until measures strokes in grayscale images (light ink on dark), and {model.source} "
                            f"draws {model.image_shape[0]}-channel images; edit without --until")
    spread, source = attribute_spread(model, name)
    on_note(f"note: --until {name}={stds:g}: each image stops once its {name} moved {stds:g} x {spread:.3g} "
            f"(the standard deviation over {source}); --strength is the farthest it may go")
    return Until(name, stds * spread)


def edit(model: LatentGenerator, direction_spec: str, strengths: list[float], *, inputs: str | Path | None = None,
         seeds: list[int] | None = None, layers: str | None = None, settings: InversionSettings | None = None,
         label: int | None = None, keep_class: bool = False, hold: str | None = None,
         until: str | None = None) -> EditResult:
    """Invert `inputs` (or sample `seeds`) and walk one direction (FILE:NAME); keep_class, hold (an
    attribute name or several, comma-separated) and until (ATTRIBUTE=STDS): see holding_walk."""
    settings = settings or InversionSettings()
    reader = keep_class_reader(model) if keep_class else None  # refused before any inversion runs
    file, name = parse_direction(direction_spec)
    direction = load_directions(file, model).get(name)
    held = parse_hold(hold, model, direction)
    span = model.parse_layers(layers)
    if (inputs is None) == (seeds is None):
        raise GanforgeError("give --input (real images to edit) or --seed (samples to edit), not both")
    stop = parse_until(until, model)
    if inputs is not None:
        names, images = read_model_images(inputs, model)
        inversion = Inverter(model, settings).invert(images, labels=None if label is None else torch.tensor([label]))
        result = edit_latents(model, inversion.latents, inversion.space, inversion.labels, direction, strengths, span,
                              inversion.noises, reader, held, stop)
        return EditResult(names, images, result, strengths)
    labels = None
    if model.num_classes:
        labels = torch.full((len(seeds),), 0 if label is None else label, dtype=torch.long, device=model.device)
    with torch.no_grad():
        latents = model.from_z(model.seed_z(seeds), model.edit_space)
    result = edit_latents(model, latents, model.edit_space, labels, direction, strengths, span, reader=reader,
                          hold=held, until=stop)
    return EditResult([f"seed{seed:04d}" for seed in seeds], None, result, strengths)


def save_edits(result: EditResult, out: Path, scale: int = 4, *, each: bool = False) -> list[Path]:
    """One strip per input: [the real image |] the edit at each strength, left to right. With `each`,
    also every edited image on its own at the model's size, each/NAME_STRENGTH.png (e.g. 3_+12.png),
    for measuring the edits with other tools. Returns the strips."""
    ensure_writable_dir(out)
    written = []
    for index, name in enumerate(result.names):
        cells = ([result.originals[index]] if result.originals is not None else []) + list(result.images[index].cpu())
        written.append(save_image(strip(cells), out / output_name(name), scale))
        if each:
            ensure_writable_dir(out / "each")
            for strength, image in zip(result.strengths, to_uint8(result.images[index].cpu())):
                save_image(image, out / "each" / output_name(name, f"_{strength:+g}"))
    return written


def complete(model: LatentGenerator, images: Tensor, known: Tensor, settings: InversionSettings, *,
             label: int | None = None) -> tuple[Tensor, Inversion]:
    """Fill the unknown pixels (known: bool (N or 1, 1, H, W)) from the inversion of the known ones;
    known pixels are kept exactly."""
    inversion = Inverter(model, settings).invert(images, labels=None if label is None else torch.tensor([label]),
                                                 known=known)
    return torch.where(known.to(images.device), images, inversion.images.cpu().clamp(-1, 1)), inversion


def read_known(mask_path: str | Path, size: tuple[int, int], side: int) -> Tensor:
    """A mask image (white = fill) of the inputs' (H, W) as `known` (1, 1, side, side): True where the
    pixel is known, scaled and cropped exactly as the inputs are (to_model_images), then thresholded
    at half; refused when it is not black and white, has another size, or marks every pixel or none."""
    if Path(mask_path).is_dir():
        raise GanforgeError(f"--mask {mask_path} is a folder; give one mask image (white = fill), the size of the inputs")
    array = next(read_inputs(mask_path))[1]
    if not np.all((array < 32) | (array > 223)):
        raise GanforgeError(f"mask {mask_path} is not black and white (values between 32 and 223 found); "
                            "draw the region to fill in white on black")
    drawn = read_mask(mask_path, size).astype(np.uint8)[..., None] * 255
    square = square_image(drawn, side) if drawn.shape[:2] != (side, side) else drawn
    holes = torch.from_numpy(square[..., 0] > 127)[None, None]
    if holes.all() or not holes.any():
        raise GanforgeError(f"mask {mask_path} marks {'every' if holes.all() else 'no'} pixel to fill; mark some "
                            "pixels white (to fill) and leave some black (known)")
    return holes == 0


def complete_files(model: LatentGenerator, inputs: str | Path, mask: str | Path, out: str | Path,
                   settings: InversionSettings, *, label: int | None = None, scale: int = 4) -> list[Path]:
    """Complete an image or folder by inversion: per input, a strip masked input | completion."""
    out = check_out(out, [inputs, mask])
    pairs = list(read_inputs(inputs))
    size = pairs[0][1].shape[:2]
    for file, array in pairs:
        if array.shape[:2] != size:
            raise GanforgeError(f"{file.name} is {array.shape[1]}x{array.shape[0]}, not {size[1]}x{size[0]} as "
                                f"{pairs[0][0].name}; complete images of one size (the mask's) per call")
    known = read_known(mask, size, model.image_shape[1])
    names, images = [file.name for file, _ in pairs], to_model_images([array for _, array in pairs], model)
    filled, _ = complete(model, images, known, settings, label=label)
    shown = torch.where(known, images, torch.zeros_like(images))  # the hole in mid-grey
    ensure_writable_dir(out)
    return [save_image(strip([a, b]), out / output_name(name), scale) for name, a, b in zip(names, shown, filled)]


def combine(model: LatentGenerator, structure: Tensor, style: Tensor, settings: InversionSettings, *,
            cut: int | None = None) -> Tensor:
    """Structure A and style B (each (1, C, H, W)) -> [A, B, A inverted, B inverted, A's coarse styles with
    B's fine ones] (5, C, H, W): style mixing of real images (Karras et al. 2019, section 3.1)."""
    if not model.style_based:
        raise GanforgeError(f"{model.source} is a {model.loaded.family} model; combining styles needs a stylegan2 "
                            "checkpoint (ganforge train stylegan2-mnist)")
    cut = model.num_ws // 2 if cut is None else cut
    if not 1 <= cut < model.num_ws:
        raise GanforgeError(f"--cut {cut}: choose a layer from 1 to {model.num_ws - 1} (this model has "
                            f"{model.num_ws} style inputs)")
    inversion = Inverter(model, settings).invert(torch.cat([structure, style]))
    ws = model.to_ws(inversion.latents, inversion.space)
    mixed = model.generator.mix(ws[:1], ws[1:], cut)
    noises = None if inversion.noises is None else [n[:1] for n in inversion.noises]  # the structure's noise
    with torch.no_grad():
        combined = model.render(mixed, "w+", noises=noises)
    return torch.cat([structure, style, inversion.images.cpu(), combined.cpu()])


def combine_files(model: LatentGenerator, structure: str | Path, style: str | Path, out: str | Path,
                  settings: InversionSettings, *, cut: int | None = None, scale: int = 4) -> Path:
    """combine.png in `out`: structure | style | their inversions | the combination."""
    out = check_out(out, [structure, style])
    images = [read_model_images(path, model)[1][:1] for path in (structure, style)]
    cells = combine(model, *images, settings, cut=cut)
    ensure_writable_dir(out)
    return save_image(strip(list(cells)), out / "combine.png", scale)
