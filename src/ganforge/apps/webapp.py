"""The browser app's work, without the page: which models each tab can use, and what each button does.

`ganforge serve` lays these out as a Gradio page (ganforge.ui). Everything here takes and returns
plain values (file paths, numbers, uint8 (H, W, C) arrays), raises GanforgeError with a message
written for the page, and calls the same library functions as the CLI commands, so it is tested
without a browser. Models come from the shipped weights and from the run folders under `--runs`;
each is loaded once and kept.

Uploads are bounded: files above MAX_UPLOAD_BYTES never reach Python (the server refuses them), and
pictures above each tab's pixel limit are refused from their header, before any pixel is decoded.
The CLI commands take bigger inputs (and `ganforge upscale --tile` any size).
"""

from __future__ import annotations

import math
import re
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ganforge.apps.anomaly import (
    Detector,
    load_detector,
    scores_csv,
    stack_images,
    threshold_for,
    validation_scores,
)
from ganforge.apps.catalogue import Catalogue
from ganforge.apps.directions import Direction, attribute_kind_or_none, find_directions, load_directions
from ganforge.apps.edit import complete as complete_by_inversion
from ganforge.apps.edit import edited, to_model_images
from ganforge.apps.generate import generate, grid_columns, grid_images, resolve_label, save_arrays
from ganforge.apps.inversion import Inversion, InversionSettings, Inverter
from ganforge.apps.latent import LatentGenerator
from ganforge.apps.music import SAMPLE_RATE as MUSIC_RATE
from ganforge.apps.music import compose as compose_music
from ganforge.apps.music import load_music_model, synthesise, write_midi
from ganforge.apps.speech import audio_settings, speak
from ganforge.apps.text import load_text_model, write_words
from ganforge.apps.translate import (
    Translator,
    colourise_image,
    complete_image,
    load_translator,
    training_side,
    with_self_ensemble,
)
from ganforge.apps.video import animate as animate_clips
from ganforge.apps.video import load_video_model
from ganforge.apps.video import save_gif as save_clip_gif
from ganforge.data.folder import read_image
from ganforge.data.inputs import match_channels
from ganforge.data.translation import resize_shorter_side
from ganforge.errors import GanforgeError
from ganforge.models import FAMILIES
from ganforge.models.io import LoadedGenerator, load_generator
from ganforge.models.musegan import roll_pictures
from ganforge.models.pretrained import list_pretrained
from ganforge.utils.files import atomic_write_text
from ganforge.utils.images import from_uint8, make_grid, to_uint8
from ganforge.utils.records import METRICS_FILE, read_metrics
from ganforge.utils.spectrogram import to_spectrogram

MAX_UPLOAD_BYTES = 20 * 2**20  # the server refuses bigger files before they are stored
MAX_PHOTO_PIXELS = 2048 * 2048  # translate, colourise, complete, edit
MAX_UPSCALE_PIXELS = 512 * 512  # x4 makes 2048 x 2048
MAX_WORDS_SHOWN = 200  # words per click of the Write tab
MAX_SAMPLES = 256  # images per Generate click
MAX_CLIPS = 8  # clips per Speak click
MAX_STEPS = 1000  # inversion steps per Edit click
MAX_CLIPS_SHOWN = 8  # clips per Animate click
EDIT_SLIDERS = 4  # directions offered at once
MAX_SCORED = 256  # pictures per Detect click
# shipped models a tab offers first where several serve it (docs/colourise.md: the most colourful colouriser)
MODEL_CARD = "MODEL_CARD.md"


def check_upload(path: str | Path | None, max_pixels: int, what: str, instead: str) -> np.ndarray:
    """An uploaded picture as uint8 (H, W, C); a one-line error for no file, a file that is not a
    picture, or one above `max_pixels` (judged from its header, before decoding)."""
    if not path:
        raise GanforgeError(f"no picture yet: upload one (PNG, JPEG, BMP, TIFF or WebP) to {what}")
    path = Path(path)
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise GanforgeError(f"{path.name} is over {MAX_UPLOAD_BYTES // 2**20} MB; upload a smaller picture")
    try:
        with warnings.catch_warnings():  # Pillow's bomb warning: the refusal below says it in one line
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
        with image:
            size, pixels = f"{image.width}x{image.height}", image.width * image.height
    except Image.DecompressionBombError:  # Pillow's own refusal, far above any limit here
        size, pixels = "enormous", max_pixels + 1
    except (OSError, ValueError, SyntaxError):  # Pillow's ways of saying "not a picture I know"
        raise GanforgeError(f"{path.name} is not a picture: upload a PNG, JPEG, BMP, TIFF or WebP image to {what}"
                            ) from None
    if pixels > max_pixels:
        side = math.isqrt(max_pixels)
        raise GanforgeError(f"{path.name} is {size}; this page takes pictures up to {max_pixels:,} pixels "
                            f"({side}x{side}) to {what}: scale it down, or use {instead}")
    try:
        return read_image(path)
    except GanforgeError as error:
        raise GanforgeError(f"{path.name} could not be read as a picture ({str(error).split('(')[-1].rstrip(')')}; "
                            f"upload another file") from None


def _uint8_image(images: torch.Tensor) -> np.ndarray:
    """(1, C, H, W) in [-1, 1] -> (H, W, C) uint8."""
    return to_uint8(images)[0]


def enlarge(array: np.ndarray, side: int = 256) -> np.ndarray:
    """Small pictures (digits) made at least `side` pixels wide, by whole pixels, to be seen in a page."""
    width = max(array.shape[1], 1)
    scale = -(-side // width) if width < side else 1
    return array.repeat(scale, 0).repeat(scale, 1) if scale > 1 else array


@dataclass
class EditSession:
    """What the Edit tab keeps between clicks: a starting latent and the directions offered."""

    key: str
    latents: torch.Tensor
    space: str
    labels: torch.Tensor | None
    noises: list[torch.Tensor] | None
    original: np.ndarray | None  # the uploaded picture as the model sees it, when inverted
    directions: list[Direction]


class WebApp:
    """Every button of the page: loads models on first use and keeps them; one call at a time."""

    def __init__(self, runs: str | Path | None = None, *, work: str | Path, device: str = "cpu"):
        self.catalogue = Catalogue(runs)
        self.work = Path(work)  # files the page offers for download
        self.work.mkdir(parents=True, exist_ok=True)
        self.device = device
        self._loaded: dict[tuple[str, str], object] = {}
        self._lock = threading.Lock()

    def _cached(self, key: tuple[str, str], load: Callable[[], object]):
        with self._lock:
            if key not in self._loaded:
                self._loaded[key] = load()
            return self._loaded[key]

    def refresh(self) -> None:
        """Look for new runs, and forget the loaded runs (a run may have saved a newer checkpoint since)."""
        self.catalogue.refresh()
        with self._lock:
            self._loaded = {key: value for key, value in self._loaded.items() if key[0] in list_pretrained()}

    def generator(self, key: str, task: str) -> LoadedGenerator:
        """The generator of `key` (shipped or a run's latest checkpoint)."""
        entry = self.catalogue.get(key, task)
        return self._cached((key, "generator"), lambda: load_generator(entry.folder, device=self.device))

    def latent_model(self, key: str, task: str) -> LatentGenerator:
        """The generator of `key` seen through its latent spaces (Edit, Complete by inversion)."""
        loaded = self.generator(key, task)
        return self._cached((key, "latent"), lambda: LatentGenerator(loaded))

    def translator(self, key: str, task: str) -> Translator:
        """The translator of `key` (A to B)."""
        entry = self.catalogue.get(key, task)
        return self._cached((key, "translator"), lambda: load_translator(entry.folder, "AtoB", self.device))

    # Generate ---------------------------------------------------------------------------------------
    def generate(self, key: str, num: int, seed: int, label: str | int | None = None,
                 truncation: float = 1.0) -> tuple[np.ndarray, Path]:
        """A grid of `num` samples and the .npz of the same samples (uint8 images, labels)."""
        if not 1 <= int(num) <= MAX_SAMPLES:
            raise GanforgeError(f"{num} images: ask for 1 to {MAX_SAMPLES} per click (`ganforge sample` makes more)")
        loaded = self.generator(key, "generate")
        digit = None if label in (None, "", "any") else resolve_label(loaded, str(label))
        images, labels = generate(loaded, int(num), label=digit, seed=int(seed), truncation=float(truncation))
        grid = make_grid(to_uint8(grid_images(images)), grid_columns(loaded, labels, digit, int(num)))
        npz = save_arrays(images, labels, self.work / f"{_slug(key)}-seed{int(seed)}-{int(num)}.npz")
        return enlarge(grid, 512), npz

    def classes(self, key: str) -> list[str]:
        """The labels a conditional model takes ("any" first; the groups of classes its data declared, e.g. a
        sex+age face model's male / female; its class names, e.g. male / female, or a music model's modes,
        major / minor, when its checkpoint records them), or [] for an unconditional one."""
        entry = self.catalogue.entries.get(key)
        if entry is None or entry.task not in ("generate", "compose"):
            return []
        loaded = self.generator(key, "generate") if entry.task == "generate" else self._music(key)
        count = FAMILIES.get(loaded.family).num_classes(loaded.config)
        names = loaded.class_names
        if not count:
            return []
        return ["any"] + list(loaded.class_groups) + (names if len(names) == count else [str(k) for k in range(count)])

    # Edit -------------------------------------------------------------------------------------------
    def directions(self, key: str, file: str | Path | None = None) -> list[Direction]:
        """The first EDIT_SLIDERS directions of `file` (a `ganforge directions` output); without one, a face
        model's sex and age (fitted on its samples as the face judge reads them), any other's SeFa."""
        model = self.latent_model(key, "edit")
        if file:
            return load_directions(file, model).directions[:EDIT_SLIDERS]
        if attribute_kind_or_none(model) == "faces":
            return self._cached((key, "attribute"), lambda: find_directions(model, "attribute", samples=1000).directions)
        return self._cached((key, "sefa"), lambda: find_directions(model, "sefa", count=EDIT_SLIDERS).directions)

    def start_edit(self, key: str, *, upload: str | Path | None = None, seed: int = 0, steps: int = 200,
                   directions_file: str | Path | None = None) -> EditSession:
        """Invert an uploaded picture (or sample `seed` when there is none) and offer directions."""
        model = self.latent_model(key, "edit")
        directions = self.directions(key, directions_file)
        if upload is None:
            with torch.no_grad():
                latents = model.from_z(model.seed_z([int(seed)]), model.edit_space)
            labels = torch.zeros(1, dtype=torch.long, device=model.device) if model.num_classes else None
            return EditSession(key, latents, model.edit_space, labels, None, None, directions)
        if not 1 <= int(steps) <= MAX_STEPS:
            raise GanforgeError(f"{steps} steps: choose 1 to {MAX_STEPS} (more steps, a closer match)")
        array = check_upload(upload, MAX_PHOTO_PIXELS, "edit", "`ganforge edit`")
        images = to_model_images([array], model, on_note=lambda _: None)
        inversion: Inversion = Inverter(model, InversionSettings(steps=int(steps), seed=int(seed))).invert(images)
        return EditSession(key, inversion.latents, inversion.space, inversion.labels, inversion.noises,
                           _uint8_image(images), directions)

    def render_edit(self, session: EditSession | None, strengths: list[float]) -> np.ndarray:
        """The session's latent moved along each direction by its strength (in standard deviations),
        beside the uploaded picture when there is one."""
        if session is None:
            raise GanforgeError("nothing to edit yet: upload a picture and press Invert, or press Sample")
        model = self.latent_model(session.key, "edit")
        latents, space = session.latents, session.space
        every_layer = (0, model.num_ws - 1)
        for direction, strength in zip(session.directions, strengths):
            if strength:
                latents, space = edited(model, latents, space, direction, float(strength), every_layer)
        with torch.no_grad():
            image = _uint8_image(model.render(latents, space, session.labels, session.noises).cpu())
        cells = [session.original, image] if session.original is not None else [image]
        return enlarge(make_grid(np.stack(cells), len(cells), padding=0), 256)

    # Translate, colourise, complete, upscale --------------------------------------------------------
    def translate(self, key: str, upload: str | Path | None) -> tuple[np.ndarray, np.ndarray]:
        """(the picture as the model reads it: scaled to the model's training scale as `ganforge translate`
        does, the translation)."""
        translator = self.translator(key, "translate")
        array = check_upload(upload, MAX_PHOTO_PIXELS, "translate", "`ganforge translate`")
        array = resize_shorter_side(array, training_side(translator))
        images = match_channels(from_uint8(array[None]), translator.in_channels)
        return enlarge(_uint8_image(images)), enlarge(_uint8_image(translator(images)))

    def colourise(self, key: str, upload: str | Path | None) -> tuple[np.ndarray, np.ndarray]:
        """(the picture in gray, as the model sees it, its colourisation)."""
        translator = self.translator(key, "colourise")
        array = check_upload(upload, MAX_PHOTO_PIXELS, "colourise", "`ganforge colourise`")
        gray = _uint8_image(match_channels(from_uint8(array[None]), 1))
        return gray, colourise_image(translator, array)

    def picture_to_complete(self, upload: str | Path | None) -> dict:
        """The image editor's value for an uploaded picture: its header checked against the page's limit
        before anything decodes it (the editor itself takes no upload: Gradio would decode it first)."""
        array = check_upload(upload, MAX_PHOTO_PIXELS, "complete", "`ganforge complete`")
        return {"background": array, "layers": [], "composite": array}

    def complete(self, key: str, image: np.ndarray | None, mask: np.ndarray | None, steps: int = 200
                 ) -> tuple[np.ndarray, np.ndarray]:
        """(the picture with its hole in gray, the completion). `mask` (H, W) is True where to fill; a
        pix2pix completion model fills it directly, a noise model by inverting the known pixels."""
        entry = self.catalogue.get(key, "complete")
        if image is None:
            raise GanforgeError("no picture yet: upload one, then paint over the part to fill")
        if image.shape[0] * image.shape[1] > MAX_PHOTO_PIXELS:
            raise GanforgeError(f"the picture is {image.shape[1]}x{image.shape[0]}; this page completes pictures up to "
                                f"{MAX_PHOTO_PIXELS:,} pixels: scale it down, or use `ganforge complete`")
        if mask is None or not mask.any():
            raise GanforgeError("nothing to fill: paint over the part of the picture to fill with the brush")
        if mask.all():
            raise GanforgeError("the whole picture is painted: leave some of it unpainted, for the model to go by")
        image = image[..., None] if image.ndim == 2 else image[..., :3]
        shown = np.where(mask[..., None], np.uint8(128), image)
        if entry.task == "complete":  # a pix2pix completion model (noise models complete by inversion)
            return shown, complete_image(self.translator(key, "complete"), image, mask)
        model = self.latent_model(key, "complete")
        images = to_model_images([image], model, on_note=lambda _: None)
        holes = to_model_images([np.where(mask, 255, 0).astype(np.uint8)[..., None]], model, on_note=lambda _: None)
        known = holes[:, :1] < 0  # resized as the picture was: a pixel at least half painted is filled
        if known.all():
            raise GanforgeError(f"the painted part vanishes at the model's {model.image_shape[1]}x{model.image_shape[2]} "
                                "pixels: paint a bigger part")
        filled, _ = complete_by_inversion(model, images, known, InversionSettings(steps=int(steps)))
        shown_model = torch.where(known, images, torch.zeros_like(images))
        return enlarge(_uint8_image(shown_model)), enlarge(_uint8_image(filled))

    def upscale(self, key: str, upload: str | Path | None, self_ensemble: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(bicubic x scale, the model's x scale), both the same size; `self_ensemble` averages the model over
        the 8 turns and mirrors of the picture (`ganforge upscale --self-ensemble`: 8 times the work)."""
        translator = self.translator(key, "upscale")
        translator = with_self_ensemble(translator) if self_ensemble else translator
        array = check_upload(upload, MAX_UPSCALE_PIXELS, "upscale",
                             "`ganforge upscale --tile 128`, which takes any size")
        images = match_channels(from_uint8(array[None]), translator.in_channels)
        result = _uint8_image(translator(images))
        height, width = result.shape[:2]
        mode = "L" if array.shape[2] == 1 else "RGB"
        bicubic = Image.fromarray(array[..., 0] if mode == "L" else array, mode).resize((width, height), Image.BICUBIC)
        bicubic = np.asarray(bicubic)
        return (bicubic[..., None] if bicubic.ndim == 2 else bicubic), result

    # Speak ------------------------------------------------------------------------------------------
    def speak(self, key: str, digit: int, seed: int, num: int = 1, speaker: str | None = None
              ) -> tuple[int, np.ndarray, np.ndarray]:
        """(sample rate, the clips one after another with 0.25 s of silence between them as float32,
        their spectrograms side by side)."""
        if not 1 <= int(num) <= MAX_CLIPS:
            raise GanforgeError(f"{num} clips: ask for 1 to {MAX_CLIPS} per click (`ganforge say` makes more)")
        loaded = self.generator(key, "speak")
        rate = audio_settings(loaded)["sample_rate"]
        speaker = None if speaker in (None, "", "any") else speaker
        waves = speak(loaded, int(digit), int(num), seed=int(seed), speaker=speaker)
        gap = torch.zeros(waves.shape[0], 1, rate // 4)
        audio = torch.cat([waves.cpu(), gap], 2).flatten().numpy().astype(np.float32)
        pictures = make_grid(to_uint8(to_spectrogram(waves.cpu())), int(num))
        return rate, audio, pictures

    def speakers(self, key: str) -> list[str]:
        """The speakers a model of sound heard ("any" first), as its checkpoint records them."""
        entry = self.catalogue.entries.get(key)
        if entry is None or entry.task != "speak":
            return ["any"]
        return ["any"] + list(audio_settings(self.generator(key, "speak")).get("speakers", []))

    # Detect anomalies -------------------------------------------------------------------------------
    def write(self, key: str, num: int, seed: int, temperature: float = 0.0) -> str:
        """`num` words of a text model, one per line (as `ganforge write` prints them)."""
        if not 1 <= int(num) <= MAX_WORDS_SHOWN:
            raise GanforgeError(f"{num} words: ask for 1 to {MAX_WORDS_SHOWN} per click (`ganforge write` writes more)")
        entry = self.catalogue.get(key, "write")
        loaded = self._cached((key, "text"), lambda: load_text_model(checkpoint=entry.folder, device=self.device))
        return "\n".join(write_words(loaded, int(num), seed=int(seed), temperature=float(temperature)))

    def animate(self, key: str, content_seed: int, motion_seed: int, num: int = 4) -> Path:
        """`num` clips of a video model side by side, as one looping GIF (what `ganforge animate` writes clip
        by clip); the same seeds, the same GIF."""
        if not 1 <= int(num) <= MAX_CLIPS_SHOWN:
            raise GanforgeError(f"{num} clips: ask for 1 to {MAX_CLIPS_SHOWN} per click (`ganforge animate` makes more)")
        entry = self.catalogue.get(key, "animate")
        loaded = self._cached((key, "video"), lambda: load_video_model(checkpoint=entry.folder, device=self.device))
        clips = animate_clips(loaded, int(num), content_seed=int(content_seed), motion_seed=int(motion_seed))
        frames = np.concatenate(list(clips), axis=2)  # (T, H, num * W, C): the clips side by side
        return save_clip_gif(frames, self.work / f"{_slug(key)}-c{int(content_seed)}-m{int(motion_seed)}-{num}.gif", 4)

    def _music(self, key: str) -> LoadedGenerator:
        entry = self.catalogue.get(key, "compose")
        return self._cached((key, "music"), lambda: load_music_model(checkpoint=entry.folder, device=self.device))

    def compose(self, key: str, seed: int, mode: str = "any") -> tuple[int, np.ndarray, np.ndarray, Path]:
        """One passage of a music model: (sample rate, its sound, its piano-roll picture, its MIDI file), as
        `ganforge compose --num 1 [--label MODE]` writes them ("any": no --label)."""
        loaded = self._music(key)
        label = None if mode in ("any", None) else mode
        roll = compose_music(loaded, 1, seed=int(seed), label=label)[0]
        suffix = "" if label is None else f"-{_slug(str(label))}"
        midi = write_midi(roll, self.work / f"{_slug(key)}-seed{int(seed)}{suffix}.mid")
        picture = to_uint8(roll_pictures(torch.from_numpy(roll[None])))[0]
        return MUSIC_RATE, synthesise(roll), enlarge(picture, 512), midi

    def detect(self, key: str, uploads: list[str | Path] | None, false_positive_rate: float = 0.05
               ) -> tuple[list[list], np.ndarray, Path, str]:
        """Score uploaded pictures as `ganforge anomaly --threshold-fpr` does: (rows [file, score, verdict],
        most anomalous first; the pictures as the model sees them in that order, those above the
        threshold framed in red; the CSV; a line saying the threshold and any conversion)."""
        entry = self.catalogue.get(key, "detect")
        if not uploads:
            raise GanforgeError("no pictures yet: upload one or more images to score them")
        if len(uploads) > MAX_SCORED:
            raise GanforgeError(f"{len(uploads)} pictures: score up to {MAX_SCORED} per click (`ganforge anomaly` "
                                "takes a whole folder)")
        detector: Detector = self._cached((key, "detector"), lambda: load_detector(entry.folder, self.device))
        validation = self._cached((key, "validation"), lambda: validation_scores(detector))
        threshold = threshold_for(detector, float(false_positive_rate), validation)
        notes: list[str] = []
        arrays = [check_upload(path, MAX_PHOTO_PIXELS, "score it", "`ganforge anomaly`") for path in uploads]
        images = stack_images(arrays, notes, detector.image_shape)
        scores = detector(images)
        order = np.argsort(-scores, kind="stable")
        names = [Path(path).name for path in uploads]
        rows = [[names[i], _round(float(scores[i])), "anomalous" if scores[i] > threshold else "normal"] for i in order]
        csv_path = atomic_write_text(self.work / f"{_slug(key)}-scores.csv",
                                     scores_csv([names[i] for i in order], scores[order], threshold))
        framed = np.stack([_framed(images[i], scores[i] > threshold) for i in order])
        flagged = int((scores > threshold).sum())
        note = (f"{flagged} of {len(scores)} above the threshold {threshold:.4g}, which calls "
                f"{float(false_positive_rate):.0%} of the run's normal validation images anomalous")
        return rows, enlarge(make_grid(framed, min(len(framed), 8)), 512), csv_path, "; ".join([note, *notes])

    # Evaluate ---------------------------------------------------------------------------------------
    def report(self, key: str) -> tuple[str, list[list], list[list], np.ndarray | None, np.ndarray | None]:
        """What a model's folder says of it: (its card or summary as Markdown, the last value of each
        logged statistic [name, step, value], the evaluations during training [step, name, value],
        the loss plot, the newest sample grid)."""
        entry = self.catalogue.get(key, "evaluate")
        card = entry.folder / MODEL_CARD
        text = card.read_text() if card.is_file() else f"**{entry.key}**: {entry.summary}"
        records = read_metrics(entry.folder / METRICS_FILE) if (entry.folder / METRICS_FILE).is_file() else []
        last: dict[str, tuple[int, float]] = {}
        evaluations = []
        for record in records:
            for name, value in record.items():
                if name == "step" or not isinstance(value, int | float):
                    continue
                last[name] = (record["step"], value)
                if name.startswith("eval/"):
                    evaluations.append([record["step"], name.removeprefix("eval/"), _round(value)])
        table = [[name, step, _round(value)] for name, (step, value) in sorted(last.items())]
        losses = entry.folder / "losses.png"
        samples = sorted((entry.folder / "samples").glob("step-*.png")) if (entry.folder / "samples").is_dir() else []
        return (text, table, evaluations, read_image(losses) if losses.is_file() else None,
                read_image(samples[-1]) if samples else None)


def _framed(image: np.ndarray, flagged: bool, width: int = 2) -> np.ndarray:
    """(H, W, C) uint8 as RGB with a frame: red when flagged, black otherwise."""
    rgb = np.repeat(image, 3, axis=2) if image.shape[2] == 1 else image
    frame = np.zeros((rgb.shape[0] + 2 * width, rgb.shape[1] + 2 * width, 3), dtype=np.uint8)
    frame[...] = (220, 30, 30) if flagged else (0, 0, 0)
    frame[width:-width, width:-width] = rgb
    return frame


def _round(value: float) -> float:
    return float(f"{value:.4g}") if math.isfinite(value) else value


def _slug(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", key).strip("-")


def mask_from_editor(value: dict | None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(the picture (H, W, C) uint8, the painted mask (H, W) bool) from an image editor's value: a
    background and layers of RGBA strokes; whatever was painted on any layer is to be filled."""
    if not value or value.get("background") is None:
        return None, None
    background = np.asarray(value["background"])
    image = background[..., :3] if background.ndim == 3 else background[..., None]
    if background.ndim == 3 and background.shape[2] == 4 and (background[..., 3] < 255).any():
        image = np.where(background[..., 3:] > 0, image, 255).astype(np.uint8)
    mask = np.zeros(image.shape[:2], dtype=bool)
    for layer in value.get("layers") or ():
        layer = np.asarray(layer)
        if layer.ndim == 3 and layer.shape[:2] == mask.shape:
            mask |= layer[..., -1] > 0 if layer.shape[2] in (2, 4) else layer.max(axis=2) > 0
    return image.astype(np.uint8), mask
