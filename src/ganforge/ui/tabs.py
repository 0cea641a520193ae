"""The browser app's tabs, one function each: `tab(page)` lays out its components inside the open tab and
wires its buttons to one WebApp method. TABS orders them on the page; a tab shows when some task offers it
(ganforge.apps.tasks.Task.tabs), so a new task adds its tab function here and names it in its entry."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from ganforge.apps.webapp import (
    EDIT_SLIDERS,
    MAX_CLIPS,
    MAX_SAMPLES,
    MAX_SCORED,
    MAX_STEPS,
    MAX_UPSCALE_PIXELS,
    MAX_WORDS_SHOWN,
    mask_from_editor,
)

if TYPE_CHECKING:
    from ganforge.ui.page import Page


def class_choices(page: Page, key: str | None):
    """The update of a class dropdown when the model changes: its classes ("any" first), greyed out for an
    unconditional model ("any" stays a choice: Gradio refuses a value outside its choices)."""
    values = page.app.classes(key) if key else []
    return page.gr.update(choices=values or ["any"], value="any", interactive=bool(values))


def generate_tab(page: Page) -> None:
    """Draw images from noise: a grid and its arrays."""
    gr, app = page.gr, page.app
    gr.Markdown("Draw new images from noise. Same as `ganforge sample`.")
    with gr.Row():
        with gr.Column(scale=1):
            model = page.model_list("generate")
            first = page.first("generate")
            first_classes = app.classes(first) if first else []
            # "any" is always a choice (Gradio refuses a value outside its choices), greyed out when the model is
            # unconditional, as labels_of below does when the model changes
            label = gr.Dropdown(first_classes or ["any"], value="any", interactive=bool(first_classes),
                                label="class (conditional models)", elem_id="generate-label")
            num = gr.Slider(1, MAX_SAMPLES, value=64, step=1, label="how many")
            seed = gr.Number(0, precision=0, label="seed (same seed, same images)")
            truncation = gr.Slider(0, 1, value=1, step=0.05,
                                   label="truncation psi (lower = more typical, less varied)")
            button = gr.Button("Generate", variant="primary", elem_id="generate-button")
        with gr.Column(scale=2):
            grid = gr.Image(label="samples", type="numpy", format="png", interactive=False, elem_id="generate-result")
            arrays = gr.File(label="the same samples as arrays (.npz: images, labels)")

    model.change(page.on_page(lambda key: class_choices(page, key)), model, label)
    button.click(page.on_page(lambda key, count, seed, label, psi: app.generate(key, count, seed, label, psi)),
                 [model, num, seed, label, truncation], [grid, arrays])


def animate_tab(page: Page) -> None:
    """Clips from a video model, by content and motion seed."""
    gr, app = page.gr, page.app
    page.introduce("animate", "Clips from a video model: the same content seed with another motion seed moves the "
                   "same digits differently. Same as `ganforge animate`.",
                   "Train one on Moving MNIST (`ganforge train moving-mnist --out runs/video`) and start the app with "
                   "`--runs runs`.")
    with gr.Row():
        with gr.Column(scale=1):
            model = page.model_list("animate", "video model")
            content = gr.Number(0, precision=0, label="content seed (which digits)")
            motion = gr.Number(1, precision=0, label="motion seed (how they move)")
            button = gr.Button("Animate", variant="primary", elem_id="animate-button")
        with gr.Column(scale=2):
            clip = gr.Image(label="four clips", type="filepath", interactive=False, elem_id="animate-result")
    button.click(page.on_page(lambda key, content, motion: str(app.animate(key, content, motion))),
                 [model, content, motion], clip)


def edit_tab(page: Page) -> None:
    """Invert a picture (or sample one), then move it along latent directions with sliders."""
    gr, app = page.gr, page.app
    gr.Markdown("Find the latent of a picture (inversion), then move it along directions of the latent space. Same as "
                "`ganforge invert` and `ganforge edit`. Without a directions file, a face model offers sex and age "
                "(fitted on its samples as the face judge reads them; + is more female, older), any other the first "
                f"{EDIT_SLIDERS} SeFa directions (closed form, found from the weights); `ganforge directions --method "
                "attribute` finds named ones.")
    session = gr.State(None)
    with gr.Row():
        with gr.Column(scale=1):
            model = page.model_list("edit")
            upload = gr.File(label="a picture to edit (or none: Sample)", elem_id="edit-upload")
            directions = gr.File(label="directions (.safetensors from ganforge directions; optional)")
            steps = gr.Slider(20, MAX_STEPS, value=200, step=10, label="inversion steps")
            seed = gr.Number(0, precision=0, label="seed")
            with gr.Row():
                invert_button = gr.Button("Invert the picture", variant="primary", elem_id="edit-invert")
                sample_button = gr.Button("Sample", elem_id="edit-sample")
        with gr.Column(scale=2):
            view = gr.Image(label="picture | edit", type="numpy", format="png", interactive=False,
                            elem_id="edit-result")
            names = gr.Markdown()
            sliders = [gr.Slider(-5, 5, value=0, step=0.25, label=f"direction {k + 1}", elem_id=f"edit-slider-{k}")
                       for k in range(EDIT_SLIDERS)]

    def start(key, upload, directions_file, steps, seed, use_upload,
              progress=gr.Progress(track_tqdm=True)):  # noqa: B008 - Gradio's way to show tqdm bars
        state = app.start_edit(key, upload=upload if use_upload else None, seed=seed, steps=steps,
                               directions_file=directions_file)
        labels = [gr.update(value=0, label=_direction_label(d), visible=True) for d in state.directions]
        labels += [gr.update(value=0, visible=False)] * (EDIT_SLIDERS - len(labels))
        shown = app.render_edit(state, [0] * len(state.directions))
        return [state, shown, _directions_note(state.directions)] + labels

    outputs = [session, view, names, *sliders]
    for button, use_upload in ((invert_button, True), (sample_button, False)):
        button.click(page.on_page(functools.partial(start, use_upload=use_upload)),
                     [model, upload, directions, steps, seed], outputs)
    for slider in sliders:
        slider.change(page.on_page(lambda state, *strengths: app.render_edit(state, list(strengths))),
                      [session, *sliders], view, trigger_mode="always_last", show_progress="hidden")


def colourise_tab(page: Page) -> None:
    """Colour for a black-and-white photo."""
    page.gr.Markdown("Colour for a black-and-white photo: the model predicts the chroma, the photo keeps its own "
                     "lightness. Same as `ganforge colourise`.")
    page.picture_to_picture("colourise", page.app.colourise, "a photo (colour photos are read in gray)",
                            ("in gray", "colourised"))


def translate_tab(page: Page) -> None:
    """A picture translated to the other domain."""
    page.introduce("translate", "A picture translated to the model's other domain. Same as `ganforge translate`.",
                   "Train a CycleGAN or pix2pix (`ganforge train cyclegan-digits --out runs/digits`) and start the app "
                   "with `--runs runs`.")
    page.picture_to_picture("translate", page.app.translate, "a picture", ("as the model reads it", "translated"))


def complete_tab(page: Page) -> None:
    """Paint the part to fill; a completion model or a noise model (by inversion) fills it."""
    gr, app = page.gr, page.app
    gr.Markdown("Paint over the part to fill, then Complete. A pix2pix completion model fills it directly; a noise "
                "model (mnist-gan, StyleGAN2) fills it by inverting the pixels you left. Same as `ganforge complete`.")
    with gr.Row():
        with gr.Column(scale=1):
            model = page.model_list("complete")
            # the picture comes as a file, its header checked before decoding; the editor only paints
            upload = gr.File(label="a picture to complete", elem_id="complete-upload")
            editor = gr.ImageEditor(label="paint the part to fill", type="numpy", elem_id="complete-editor",
                                    sources=(), layers=False, transforms=(),
                                    brush=gr.Brush(colors=["#ff3030"], color_mode="fixed"))
            steps = gr.Slider(20, MAX_STEPS, value=200, step=10, label="inversion steps (noise models)")
            button = gr.Button("Complete", variant="primary", elem_id="complete-button")
        shown = gr.Image(label="what the model sees (hole in gray)", type="numpy", format="png", interactive=False)
        completed = gr.Image(label="completed", type="numpy", format="png", interactive=False,
                             elem_id="complete-result")

    def complete(key, value, steps, progress=gr.Progress(track_tqdm=True)):  # noqa: B008 - Gradio's tqdm bars
        image, mask = mask_from_editor(value)
        return app.complete(key, image, mask, steps)

    button.click(page.on_page(complete), [model, editor, steps], [shown, completed])
    upload.upload(page.on_page(app.picture_to_complete), [upload], [editor])


def upscale_tab(page: Page) -> None:
    """Four times the pixels beside bicubic."""
    side = int(MAX_UPSCALE_PIXELS**0.5)
    page.gr.Markdown(f"Four times the pixels, beside plain bicubic resizing. Pictures up to {side}x{side} here; "
                     "`ganforge upscale --tile 128` takes any size.")
    gr = page.gr
    with gr.Row():
        with gr.Column(scale=1):
            model = page.model_list("upscale")
            upload = gr.File(label=f"a picture (up to {side}x{side})", elem_id="upscale-upload")
            ensemble = gr.Checkbox(False, label="self-ensemble: average over the 8 turns and mirrors (8x the time, "
                                                "a little sharper; srresnet-x4-paper and srgan-x4)")
            button = gr.Button("Upscale", variant="primary", elem_id="upscale-button")
        before = gr.Image(label="bicubic", type="numpy", format="png", interactive=False)
        after = gr.Image(label="the model", type="numpy", format="png", interactive=False, elem_id="upscale-result")
    button.click(page.on_page(page.app.upscale), [model, upload, ensemble], [before, after])


def speak_tab(page: Page) -> None:
    """Spoken digits: audio and spectrograms."""
    gr, app = page.gr, page.app
    page.introduce("speak", "Spoken digits from a GAN trained on speech. Same as `ganforge say`.",
                   "No model of speech is shipped yet: train one on the Free Spoken Digit Dataset (`ganforge train "
                   "specgan-digits --data FSDD_FOLDER --out runs/specgan`) and start the app with `--runs runs`.")
    with gr.Row():
        with gr.Column(scale=1):
            model = page.model_list("speak")
            digit = gr.Slider(0, 9, value=7, step=1, label="digit")
            speaker = gr.Dropdown(["any"], value="any", label="speaker")
            num = gr.Slider(1, MAX_CLIPS, value=1, step=1, label="how many clips")
            seed = gr.Number(0, precision=0, label="seed")
            button = gr.Button("Speak", variant="primary", elem_id="speak-button")
        with gr.Column(scale=2):
            audio = gr.Audio(label="listen", type="numpy", interactive=False, elem_id="speak-audio")
            picture = gr.Image(label="spectrograms", type="numpy", format="png", interactive=False,
                               elem_id="speak-result")
    model.change(page.on_page(lambda key: gr.update(choices=app.speakers(key) if key else ["any"], value="any")),
                 model, speaker)

    def say(key, digit, seed, num, speaker):
        rate, sound, spectrograms = app.speak(key, digit, seed, num, speaker)
        return (rate, sound), spectrograms

    button.click(page.on_page(say), [model, digit, seed, num, speaker], [audio, picture])


def write_tab(page: Page) -> None:
    """Words from a text GAN."""
    gr, app = page.gr, page.app
    page.introduce("write", "Words from a GAN that learned from real French words (a character-level WGAN-GP). Same "
                   "as `ganforge write`.",
                   "Train one on Debian's French word list (`sudo apt-get install wfrench`, then `ganforge train "
                   "french-words --out runs/words`) and start the app with `--runs runs`.")
    with gr.Row():
        with gr.Column(scale=1):
            model = page.model_list("write")
            num = gr.Slider(1, MAX_WORDS_SHOWN, value=20, step=1, label="how many words")
            seed = gr.Number(0, precision=0, label="seed")
            temperature = gr.Slider(0, 2, value=0, step=0.05, label="temperature (0: the most likely letters; 1: drawn)")
            button = gr.Button("Write", variant="primary", elem_id="write-button")
        words = gr.Textbox(label="words", lines=20, interactive=False, elem_id="write-result")
    button.click(page.on_page(app.write), [model, num, seed, temperature], words)


def compose_tab(page: Page) -> None:
    """Four-voice passages: audio, piano roll and MIDI."""
    gr, app = page.gr, page.app
    page.introduce("compose", "Four-voice passages from a GAN that learned from Bach's chorales, played by a simple "
                   "synthesiser, with their piano roll (soprano red, alto green, tenor blue, bass black) and MIDI file. "
                   "Same as `ganforge compose`.",
                   "Train one on the chorales bundled with music21 (`pip install 'ganforge[music]'`, then `ganforge "
                   "train chorales --out runs/chorales`) and start the app with `--runs runs`.")
    with gr.Row():
        with gr.Column(scale=1):
            model = page.model_list("compose")
            first = page.first("compose")
            first_modes = app.classes(first) if first else []
            mode = gr.Dropdown(first_modes or ["any"], value="any", interactive=bool(first_modes),
                               label="mode (models conditioned on it)", elem_id="compose-mode")
            seed = gr.Number(0, precision=0, label="seed")
            button = gr.Button("Compose", variant="primary", elem_id="compose-button")
        with gr.Column(scale=2):
            audio = gr.Audio(label="listen", type="numpy", interactive=False, elem_id="compose-audio")
            picture = gr.Image(label="piano roll", type="numpy", format="png", interactive=False,
                               elem_id="compose-result")
            midi = gr.File(label="MIDI", interactive=False)

    def composed(key, seed, chosen):
        rate, sound, roll, midi_file = app.compose(key, seed, chosen)
        return (rate, sound), roll, str(midi_file)

    model.change(page.on_page(lambda key: class_choices(page, key)), model, mode)
    button.click(page.on_page(composed), [model, seed, mode], [audio, picture, midi])


def detect_tab(page: Page) -> None:
    """Score uploaded pictures with an anomaly detector."""
    gr, app = page.gr, page.app
    page.introduce("detect", "Score pictures with an anomaly detector (higher = more anomalous), most anomalous first; "
                   "those above the threshold are framed in red. Same as `ganforge anomaly --threshold-fpr`.",
                   "None is shipped: train one on your normal images (`ganforge train ganomaly --data fashion-mnist "
                   "--normal 0 --out runs/ganomaly-0`, or `--data FOLDER` with `normal/` and `anomalous/` inside), "
                   "start the app with `--runs runs` and press Refresh.")
    with gr.Row():
        with gr.Column(scale=1):
            model = page.model_list("detect", "detector")
            uploads = gr.File(label=f"pictures (up to {MAX_SCORED})", file_count="multiple", elem_id="detect-upload")
            rate = gr.Slider(0.01, 0.5, value=0.05, step=0.01, label="false-positive rate of the threshold (on the "
                             "run's normal validation images)")
            button = gr.Button("Score", variant="primary", elem_id="detect-button")
        with gr.Column(scale=2):
            summary = gr.Markdown()
            picture = gr.Image(label="most anomalous first", type="numpy", format="png", interactive=False,
                               elem_id="detect-result")
    with gr.Row():
        table = gr.Dataframe(headers=["file", "score", "verdict"], label="scores", interactive=False)
        csv = gr.File(label="scores.csv", interactive=False)

    def detect(key, uploads, rate):
        rows, shown, csv_path, text = app.detect(key, uploads, rate)
        return text, shown, rows, csv_path

    button.click(page.on_page(detect), [model, uploads, rate], [summary, picture, table, csv])


def evaluate_tab(page: Page) -> None:
    """What a model's folder records: card, logged statistics, evaluations, losses, newest samples."""
    gr, app = page.gr, page.app
    gr.Markdown("What a model's folder records: its card, the statistics logged while it trained, the evaluations "
                "(FID...) during training, its loss plot and newest samples. `ganforge evaluate` measures a model "
                "afresh.")
    with gr.Row():
        model = page.model_list("evaluate", "model or run")
        button = gr.Button("Show", variant="primary", elem_id="evaluate-button")
    card = gr.Markdown()
    with gr.Row():
        last = gr.Dataframe(headers=["statistic", "step", "value"], label="last logged values", interactive=False)
        evaluations = gr.Dataframe(headers=["step", "metric", "value"], label="evaluations during training",
                                   interactive=False)
    with gr.Row():
        losses = gr.Image(label="losses", type="numpy", format="png", interactive=False)
        samples = gr.Image(label="newest samples", type="numpy", format="png", interactive=False,
                           elem_id="evaluate-result")
    button.click(page.on_page(app.report), model, [card, last, evaluations, losses, samples])


def _direction_label(direction) -> str:
    effect = ", ".join(f"{name} {value:+.2f}" for name, value in list(direction.effect.items())[:3])
    return f"{direction.name} ({direction.method})" + (f": per unit, {effect}" if effect else "")


def _directions_note(directions) -> str:
    return (f"{len(directions)} direction(s); a slider's unit is one standard deviation of the model's latents along "
            "that direction. The edit follows the sliders.")


# tab id -> (its title on the page, the function that lays it out), in the page's order
TABS: dict[str, tuple[str, Callable[[Page], None]]] = {
    "generate": ("Generate", generate_tab),
    "animate": ("Animate", animate_tab),
    "edit": ("Edit", edit_tab),
    "colourise": ("Colourise", colourise_tab),
    "translate": ("Translate", translate_tab),
    "complete": ("Complete", complete_tab),
    "upscale": ("Upscale", upscale_tab),
    "speak": ("Speak", speak_tab),
    "write": ("Write", write_tab),
    "compose": ("Compose", compose_tab),
    "detect": ("Detect anomalies", detect_tab),
    "evaluate": ("Evaluate", evaluate_tab),
}
