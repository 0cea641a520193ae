"""The page of `ganforge serve`: a Gradio Blocks app, one tab per use, over apps/webapp.py.

Gradio is an optional extra (`pip install 'ganforge[ui]'`): it is imported here only, when the app is
built. Each button runs one WebApp call in Gradio's worker threads (never on the event loop), one at a
time (the queue's concurrency limit is 1: two generations at once on a 2-core CPU only slow both),
with a progress bar for inversion. A GanforgeError becomes a message in the page; the server goes on.
Nothing is fetched from the internet: no analytics, no web fonts, no share link.
"""

from __future__ import annotations

import functools
import os
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ganforge.apps.webapp import (
    EDIT_SLIDERS,
    MAX_CLIPS,
    MAX_SAMPLES,
    MAX_SCORED,
    MAX_STEPS,
    MAX_UPLOAD_BYTES,
    MAX_UPSCALE_PIXELS,
    MAX_WORDS_SHOWN,
    WebApp,
    mask_from_editor,
)
from ganforge.errors import GanforgeError

LOCAL_FONTS = ("ui-sans-serif", "system-ui", "sans-serif")
LOCAL_MONO = ("ui-monospace", "monospace")
INTRO = """# ganforge
Sample, edit, translate, upscale and listen to GANs, and score anomalies, with the models shipped
inside ganforge and the runs you trained (`ganforge serve --runs DIR`). Every tab calls the same code
as the `ganforge` command named under it. Training is not offered here: run `ganforge train` in a
terminal, then press Refresh.
"""


def require_gradio():
    """The gradio module, or a one-line error saying how to install it."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # nothing leaves this machine
    try:
        import gradio
    except ImportError:
        raise GanforgeError("the browser app needs Gradio: pip install 'ganforge[ui]' (or pip install gradio)") from None
    return gradio


def build(app: WebApp):
    """The Gradio Blocks of `app` (not launched)."""
    gr = require_gradio()

    def on_page(function: Callable) -> Callable:
        """Run `function`; its GanforgeError becomes the page's error message, anything else too, with the
        traceback on the server's terminal."""

        @functools.wraps(function)
        def run(*args, **kwargs):
            try:
                result = function(*args, **kwargs)
            except GanforgeError as error:
                raise gr.Error(str(error), print_exception=False) from None
            except gr.Error:
                raise
            except Exception as error:  # noqa: BLE001 - the server stays up; the page says what happened
                traceback.print_exc()
                raise gr.Error(f"unexpected {type(error).__name__}: {error} (the server's terminal has the details)",
                               print_exception=False) from None
            return tuple(map(_for_page, result)) if isinstance(result, tuple | list) else _for_page(result)

        return run

    def choices(task: str) -> list[str]:
        return app.catalogue.keys(task)

    def first(task: str) -> str | None:
        keys = choices(task)
        return keys[0] if keys else None

    dropdowns: list[tuple[object, str]] = []  # every model list, with its tab's task, for Refresh

    def none_note(task: str, how: str) -> str:
        return "" if choices(task) else f"*No model here can {task} yet.* {how}"

    def introduce(task: str, text: str, how: str):
        """A tab's first lines: what it does, then (a note refreshed with the model lists) what to train
        when no model can do it yet."""
        gr.Markdown(text)
        return gr.Markdown(none_note(task, how))

    def picture_to_picture(task: str, action: Callable, upload_label: str, shown: tuple[str, str]) -> None:
        """A model, an upload and a button beside two pictures (`shown` names them): action(model, upload)."""
        with gr.Row():
            with gr.Column(scale=1):
                model = gr.Dropdown(choices(task), value=first(task), label="model", elem_id=f"{task}-model")
                upload = gr.File(label=upload_label, elem_id=f"{task}-upload")
                button = gr.Button(task.capitalize(), variant="primary", elem_id=f"{task}-button")
            before = gr.Image(label=shown[0], type="numpy", format="png", interactive=False)
            after = gr.Image(label=shown[1], type="numpy", format="png", interactive=False, elem_id=f"{task}-result")
        dropdowns.append((model, task))
        button.click(on_page(action), [model, upload], [before, after])

    with gr.Blocks(title="ganforge", analytics_enabled=False) as page:
        gr.Markdown(INTRO)
        refresh = gr.Button("Refresh the list of models", size="sm")

        # Generate -----------------------------------------------------------------------------------
        with gr.Tab("Generate", id="generate"):
            gr.Markdown("Draw new images from noise. Same as `ganforge sample`.")
            with gr.Row():
                with gr.Column(scale=1):
                    gen_model = gr.Dropdown(choices("generate"), value=first("generate"), label="model",
                                            elem_id="generate-model")
                    first_classes = app.classes(first("generate")) if first("generate") else []
                    # "any" is always a choice (Gradio refuses a value outside its choices), greyed out when the
                    # model is unconditional, as labels_of below does when the model changes
                    gen_label = gr.Dropdown(first_classes or ["any"], value="any", interactive=bool(first_classes),
                                            label="class (conditional models)", elem_id="generate-label")
                    gen_num = gr.Slider(1, MAX_SAMPLES, value=64, step=1, label="how many")
                    gen_seed = gr.Number(0, precision=0, label="seed (same seed, same images)")
                    gen_truncation = gr.Slider(0, 1, value=1, step=0.05,
                                               label="truncation psi (StyleGAN2: lower = more typical, less varied)")
                    gen_button = gr.Button("Generate", variant="primary", elem_id="generate-button")
                with gr.Column(scale=2):
                    gen_grid = gr.Image(label="samples", type="numpy", format="png", interactive=False,
                                        elem_id="generate-result")
                    gen_file = gr.File(label="the same samples as arrays (.npz: images, labels)")
            dropdowns.append((gen_model, "generate"))

            def labels_of(key):
                values = app.classes(key) if key else []
                return gr.update(choices=values or ["any"], value="any", interactive=bool(values))

            gen_model.change(on_page(labels_of), gen_model, gen_label)
            gen_button.click(on_page(lambda key, num, seed, label, psi: app.generate(key, num, seed, label, psi)),
                             [gen_model, gen_num, gen_seed, gen_label, gen_truncation], [gen_grid, gen_file])

            gr.Markdown("**Clips** from a video model: the same content seed with another motion seed moves the same "
                        "digits differently. Same as `ganforge animate`.")
            with gr.Row():
                with gr.Column(scale=1):
                    an_model = gr.Dropdown(choices("animate"), value=first("animate"), label="video model",
                                           elem_id="animate-model")
                    an_content = gr.Number(0, precision=0, label="content seed (which digits)")
                    an_motion = gr.Number(1, precision=0, label="motion seed (how they move)")
                    an_button = gr.Button("Animate", elem_id="animate-button")
                with gr.Column(scale=2):
                    an_clip = gr.Image(label="four clips", type="filepath", interactive=False, elem_id="animate-result")
            dropdowns.append((an_model, "animate"))
            an_button.click(on_page(lambda key, content, motion: str(app.animate(key, content, motion))),
                            [an_model, an_content, an_motion], an_clip)

        # Edit ---------------------------------------------------------------------------------------
        with gr.Tab("Edit", id="edit"):
            gr.Markdown("Find the latent of a picture (inversion), then move it along directions of the latent "
                        "space. Same as `ganforge invert` and `ganforge edit`. Without a directions file, a face model "
                        "offers sex and age (fitted on its samples as the face judge reads them; + is more female, "
                        f"older), any other the first {EDIT_SLIDERS} SeFa directions (closed form, found from the "
                        "weights); `ganforge directions --method attribute` finds named ones.")
            session = gr.State(None)
            with gr.Row():
                with gr.Column(scale=1):
                    edit_model = gr.Dropdown(choices("edit"), value=first("edit"), label="model", elem_id="edit-model")
                    edit_upload = gr.File(label="a picture to edit (or none: Sample)", elem_id="edit-upload")
                    edit_directions = gr.File(label="directions (.safetensors from ganforge directions; optional)")
                    edit_steps = gr.Slider(20, MAX_STEPS, value=200, step=10, label="inversion steps")
                    edit_seed = gr.Number(0, precision=0, label="seed")
                    with gr.Row():
                        invert_button = gr.Button("Invert the picture", variant="primary", elem_id="edit-invert")
                        sample_button = gr.Button("Sample", elem_id="edit-sample")
                with gr.Column(scale=2):
                    edit_view = gr.Image(label="picture | edit", type="numpy", format="png", interactive=False,
                                         elem_id="edit-result")
                    edit_names = gr.Markdown()
                    sliders = [gr.Slider(-5, 5, value=0, step=0.25, label=f"direction {k + 1}",
                                         elem_id=f"edit-slider-{k}")
                               for k in range(EDIT_SLIDERS)]
            dropdowns.append((edit_model, "edit"))

            def start(key, upload, directions_file, steps, seed, use_upload,
                      progress=gr.Progress(track_tqdm=True)):  # noqa: B008 - Gradio's way to show tqdm bars
                state = app.start_edit(key, upload=upload if use_upload else None, seed=seed, steps=steps,
                                       directions_file=directions_file)
                labels = [gr.update(value=0, label=_direction_label(d), visible=True) for d in state.directions]
                labels += [gr.update(value=0, visible=False)] * (EDIT_SLIDERS - len(labels))
                shown = app.render_edit(state, [0] * len(state.directions))
                return [state, shown, _directions_note(state.directions)] + labels

            outputs = [session, edit_view, edit_names, *sliders]
            invert_button.click(on_page(functools.partial(start, use_upload=True)),
                                [edit_model, edit_upload, edit_directions, edit_steps, edit_seed], outputs)
            sample_button.click(on_page(functools.partial(start, use_upload=False)),
                                [edit_model, edit_upload, edit_directions, edit_steps, edit_seed], outputs)
            for slider in sliders:
                slider.change(on_page(lambda state, *strengths: app.render_edit(state, list(strengths))),
                               [session, *sliders], edit_view, trigger_mode="always_last", show_progress="hidden")

        # Translate / Colourise / Complete -----------------------------------------------------------
        with gr.Tab("Translate / Colourise / Complete", id="translate"):
            with gr.Tab("Colourise"):
                gr.Markdown("Colour for a black-and-white photo: the model predicts the chroma, the photo keeps "
                            "its own lightness. Same as `ganforge colourise`.")
                picture_to_picture("colourise", app.colourise, "a photo (colour photos are read in gray)",
                                   ("in gray", "colourised"))
            with gr.Tab("Translate"):
                translate_note = gr.Markdown(none_note(
                    "translate", "Train a CycleGAN or pix2pix (`ganforge train cyclegan-digits --out runs/digits`) "
                    "and start the app with `--runs runs`."))
                picture_to_picture("translate", app.translate, "a picture", ("as the model reads it", "translated"))
            with gr.Tab("Complete"):
                gr.Markdown("Paint over the part to fill, then Complete. A pix2pix completion model fills it "
                            "directly; a noise model (mnist-gan, StyleGAN2) fills it by inverting the pixels you "
                            "left. Same as `ganforge complete`.")
                with gr.Row():
                    with gr.Column(scale=1):
                        comp_model = gr.Dropdown(choices("complete"), value=first("complete"), label="model",
                                                 elem_id="complete-model")
                        # the picture comes as a file, its header checked before decoding; the editor only paints
                        comp_upload = gr.File(label="a picture to complete", elem_id="complete-upload")
                        comp_editor = gr.ImageEditor(label="paint the part to fill", type="numpy",
                                                     elem_id="complete-editor", sources=(), layers=False, transforms=(),
                                                     brush=gr.Brush(colors=["#ff3030"], color_mode="fixed"))
                        comp_steps = gr.Slider(20, MAX_STEPS, value=200, step=10,
                                               label="inversion steps (noise models)")
                        comp_button = gr.Button("Complete", variant="primary", elem_id="complete-button")
                    comp_in = gr.Image(label="what the model sees (hole in gray)", type="numpy", format="png",
                                       interactive=False)
                    comp_out = gr.Image(label="completed", type="numpy", format="png", interactive=False,
                                        elem_id="complete-result")
                dropdowns.append((comp_model, "complete"))

                def complete(key, value, steps,
                             progress=gr.Progress(track_tqdm=True)):  # noqa: B008 - Gradio's way to show tqdm bars
                    image, mask = mask_from_editor(value)
                    return app.complete(key, image, mask, steps)

                comp_button.click(on_page(complete), [comp_model, comp_editor, comp_steps], [comp_in, comp_out])
                comp_upload.upload(on_page(app.picture_to_complete), [comp_upload], [comp_editor])

        # Upscale ------------------------------------------------------------------------------------
        with gr.Tab("Upscale", id="upscale"):
            side = int(MAX_UPSCALE_PIXELS**0.5)
            gr.Markdown(f"Four times the pixels, beside plain bicubic resizing. Pictures up to {side}x{side} here; "
                        "`ganforge upscale --tile 128` takes any size.")
            picture_to_picture("upscale", app.upscale, f"a picture (up to {side}x{side})", ("bicubic", "the model"))

        # Speak --------------------------------------------------------------------------------------
        with gr.Tab("Speak", id="speak"):
            speak_note = introduce("speak", "Spoken digits from a GAN trained on speech. Same as `ganforge say`.",
                                   "No model of speech is shipped yet: train one on the Free Spoken Digit Dataset "
                                   "(`ganforge train specgan-digits --data FSDD_FOLDER --out runs/specgan`) and start "
                                   "the app with `--runs runs`.")
            with gr.Row():
                with gr.Column(scale=1):
                    sp_model = gr.Dropdown(choices("speak"), value=first("speak"), label="model", elem_id="speak-model")
                    sp_digit = gr.Slider(0, 9, value=7, step=1, label="digit")
                    sp_speaker = gr.Dropdown(["any"], value="any", label="speaker")
                    sp_num = gr.Slider(1, MAX_CLIPS, value=1, step=1, label="how many clips")
                    sp_seed = gr.Number(0, precision=0, label="seed")
                    sp_button = gr.Button("Speak", variant="primary", elem_id="speak-button")
                with gr.Column(scale=2):
                    sp_audio = gr.Audio(label="listen", type="numpy", interactive=False, elem_id="speak-audio")
                    sp_picture = gr.Image(label="spectrograms", type="numpy", format="png", interactive=False,
                                          elem_id="speak-result")
            dropdowns.append((sp_model, "speak"))
            sp_model.change(on_page(lambda key: gr.update(choices=app.speakers(key) if key else ["any"], value="any")),
                            sp_model, sp_speaker)

            def say(key, digit, seed, num, speaker):
                rate, audio, picture = app.speak(key, digit, seed, num, speaker)
                return (rate, audio), picture

            sp_button.click(on_page(say), [sp_model, sp_digit, sp_seed, sp_num, sp_speaker], [sp_audio, sp_picture])

        # Write ---------------------------------------------------------------------------------------
        with gr.Tab("Write", id="write"):
            write_note = introduce("write", "Words from a GAN that learned from real French words (a character-level "
                                   "WGAN-GP). Same as `ganforge write`.",
                                   "Train one on Debian's French word list (`sudo apt-get install wfrench`, then "
                                   "`ganforge train french-words --out runs/words`) and start the app with "
                                   "`--runs runs`.")
            with gr.Row():
                with gr.Column(scale=1):
                    wr_model = gr.Dropdown(choices("write"), value=first("write"), label="model", elem_id="write-model")
                    wr_num = gr.Slider(1, MAX_WORDS_SHOWN, value=20, step=1, label="how many words")
                    wr_seed = gr.Number(0, precision=0, label="seed")
                    wr_temperature = gr.Slider(0, 2, value=0, step=0.05,
                                               label="temperature (0: the most likely letters; 1: drawn)")
                    wr_button = gr.Button("Write", variant="primary", elem_id="write-button")
                wr_words = gr.Textbox(label="words", lines=20, interactive=False, elem_id="write-result")
            dropdowns.append((wr_model, "write"))
            wr_button.click(on_page(app.write), [wr_model, wr_num, wr_seed, wr_temperature], wr_words)

        # Compose -------------------------------------------------------------------------------------
        with gr.Tab("Compose", id="compose"):
            compose_note = introduce("compose", "Four-voice passages from a GAN that learned from Bach's chorales, "
                                     "played by a simple synthesiser, with their piano roll (soprano red, alto green, "
                                     "tenor blue, bass black) and MIDI file. Same as `ganforge compose`.",
                                     "Train one on the chorales bundled with music21 (`pip install "
                                     "'ganforge[music]'`, then `ganforge train chorales --out runs/chorales`) and "
                                     "start the app with `--runs runs`.")
            with gr.Row():
                with gr.Column(scale=1):
                    co_model = gr.Dropdown(choices("compose"), value=first("compose"), label="model",
                                           elem_id="compose-model")
                    co_seed = gr.Number(0, precision=0, label="seed")
                    co_button = gr.Button("Compose", variant="primary", elem_id="compose-button")
                with gr.Column(scale=2):
                    co_audio = gr.Audio(label="listen", type="numpy", interactive=False, elem_id="compose-audio")
                    co_picture = gr.Image(label="piano roll", type="numpy", format="png", interactive=False,
                                          elem_id="compose-result")
                    co_midi = gr.File(label="MIDI", interactive=False)
            dropdowns.append((co_model, "compose"))

            def composed(key, seed):
                rate, sound, picture, midi = app.compose(key, seed)
                return (rate, sound), picture, str(midi)

            co_button.click(on_page(composed), [co_model, co_seed], [co_audio, co_picture, co_midi])

        # Detect anomalies ---------------------------------------------------------------------------
        with gr.Tab("Detect anomalies", id="detect"):
            detect_note = introduce(
                "detect", "Score pictures with an anomaly detector (higher = more anomalous), most anomalous first; "
                "those above the threshold are framed in red. Same as `ganforge anomaly --threshold-fpr`.",
                "None is shipped: train one on your normal images (`ganforge train ganomaly --data fashion-mnist "
                "--normal 0 --out runs/ganomaly-0`, or `--data FOLDER` with `normal/` and `anomalous/` inside), "
                "start the app with `--runs runs` and press Refresh.")
            with gr.Row():
                with gr.Column(scale=1):
                    dt_model = gr.Dropdown(choices("detect"), value=first("detect"), label="detector",
                                           elem_id="detect-model")
                    dt_uploads = gr.File(label=f"pictures (up to {MAX_SCORED})", file_count="multiple",
                                         elem_id="detect-upload")
                    dt_rate = gr.Slider(0.01, 0.5, value=0.05, step=0.01, label="false-positive rate of the threshold "
                                        "(on the run's normal validation images)")
                    dt_button = gr.Button("Score", variant="primary", elem_id="detect-button")
                with gr.Column(scale=2):
                    dt_summary = gr.Markdown()
                    dt_picture = gr.Image(label="most anomalous first", type="numpy", format="png", interactive=False,
                                          elem_id="detect-result")
            with gr.Row():
                dt_table = gr.Dataframe(headers=["file", "score", "verdict"], label="scores", interactive=False)
                dt_csv = gr.File(label="scores.csv", interactive=False)
            dropdowns.append((dt_model, "detect"))

            def detect(key, uploads, rate):
                rows, picture, csv_path, summary = app.detect(key, uploads, rate)
                return summary, picture, rows, csv_path

            dt_button.click(on_page(detect), [dt_model, dt_uploads, dt_rate], [dt_summary, dt_picture, dt_table, dt_csv])

        # Evaluate -----------------------------------------------------------------------------------
        with gr.Tab("Evaluate", id="evaluate"):
            gr.Markdown("What a model's folder records: its card, the statistics logged while it trained, the "
                        "evaluations (FID...) during training, its loss plot and newest samples. "
                        "`ganforge evaluate` measures a model afresh.")
            with gr.Row():
                ev_model = gr.Dropdown(choices("evaluate"), value=first("evaluate"), label="model or run",
                                       elem_id="evaluate-model")
                ev_button = gr.Button("Show", variant="primary", elem_id="evaluate-button")
            ev_card = gr.Markdown()
            with gr.Row():
                ev_last = gr.Dataframe(headers=["statistic", "step", "value"], label="last logged values",
                                       interactive=False)
                ev_evals = gr.Dataframe(headers=["step", "metric", "value"], label="evaluations during training",
                                        interactive=False)
            with gr.Row():
                ev_losses = gr.Image(label="losses", type="numpy", format="png", interactive=False)
                ev_samples = gr.Image(label="newest samples", type="numpy", format="png", interactive=False,
                                      elem_id="evaluate-result")
            dropdowns.append((ev_model, "evaluate"))
            ev_button.click(on_page(app.report), ev_model, [ev_card, ev_last, ev_evals, ev_losses, ev_samples])

        def refreshed():
            app.refresh()
            updates = [gr.update(choices=choices(task), value=first(task)) for _, task in dropdowns]
            notes = [none_note(task, "Train one and press Refresh.")
                     for task in ("translate", "speak", "write", "compose", "detect")]
            return updates + notes

        refresh.click(on_page(refreshed), None,
                      [d for d, _ in dropdowns] + [translate_note, speak_note, write_note, compose_note, detect_note])
    return page


def _for_page(value):
    """Grayscale pictures (H, W, 1) as (H, W) (the page's image component takes no channel axis of 1), paths as
    strings."""
    if isinstance(value, np.ndarray) and value.ndim == 3 and value.shape[2] == 1:
        return value[..., 0]
    return str(value) if isinstance(value, Path) else value


def _direction_label(direction) -> str:
    effect = ", ".join(f"{name} {value:+.2f}" for name, value in list(direction.effect.items())[:3])
    return f"{direction.name} ({direction.method})" + (f": per unit, {effect}" if effect else "")


def _directions_note(directions) -> str:
    return (f"{len(directions)} direction(s); a slider's unit is one standard deviation of the model's latents along "
            "that direction. The edit follows the sliders.")


def serve(app: WebApp, *, host: str = "127.0.0.1", port: int = 7860, block: bool = True):
    """Launch the page on host:port; returns (the page, its local URL). With `block`, serve until Ctrl-C."""
    gr = require_gradio()
    page = build(app)
    page.queue(default_concurrency_limit=1)
    theme = gr.themes.Default(font=list(LOCAL_FONTS), font_mono=list(LOCAL_MONO))
    _, url, _ = page.launch(server_name=host, server_port=port, share=False, prevent_thread_lock=True, quiet=True,
                            show_error=True, max_file_size=MAX_UPLOAD_BYTES, theme=theme, ssr_mode=False,
                            allowed_paths=[str(app.work)], footer_links=[], enable_monitoring=False, pwa=False,
                            mcp_server=False)
    if block:
        try:
            page.block_thread()
        finally:
            page.close()
    return page, url


def default_work_dir() -> Path:
    """A fresh folder for the files the page offers for download."""
    return Path(tempfile.mkdtemp(prefix="ganforge-serve-"))
