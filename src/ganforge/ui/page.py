"""The page of `ganforge serve`: a Gradio Blocks app, one tab per use (ganforge.ui.tabs), over apps/webapp.py.

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

from ganforge.apps.tasks import TASKS
from ganforge.apps.webapp import MAX_UPLOAD_BYTES, WebApp
from ganforge.errors import GanforgeError
from ganforge.ui.tabs import TABS

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


class Page:
    """What every tab function shares while the page is built: Gradio, the app, the model lists (refreshed
    together) and the notes that say what to train when no model serves a tab yet."""

    def __init__(self, gr, app: WebApp):
        self.gr, self.app = gr, app
        self.model_lists: list[tuple[object, str]] = []  # (dropdown, its tab)
        self.notes: list[tuple[object, str]] = []  # (markdown, its tab)

    def on_page(self, function: Callable) -> Callable:
        """Run `function`; its GanforgeError becomes the page's error message, anything else too, with the
        traceback on the server's terminal."""
        gr = self.gr

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

    def choices(self, tab: str) -> list[str]:
        """The models that serve `tab`."""
        return self.app.catalogue.keys(tab)

    def first(self, tab: str) -> str | None:
        keys = self.choices(tab)
        return keys[0] if keys else None

    def model_list(self, tab: str, label: str = "model"):
        """The dropdown of the models that serve `tab` (refreshed with the others)."""
        dropdown = self.gr.Dropdown(self.choices(tab), value=self.first(tab), label=label, elem_id=f"{tab}-model")
        self.model_lists.append((dropdown, tab))
        return dropdown

    def none_note(self, tab: str, how: str) -> str:
        return "" if self.choices(tab) else f"*No model here can {tab} yet.* {how}"

    def introduce(self, tab: str, text: str, how: str) -> None:
        """A tab's first lines: what it does (`text`, Markdown), then, while no model serves it, what to train
        (`how`)."""
        if text:
            self.gr.Markdown(text)
        self.notes.append((self.gr.Markdown(self.none_note(tab, how)), tab))

    def picture_to_picture(self, tab: str, action: Callable, upload_label: str, shown: tuple[str, str]) -> None:
        """A model, an upload and a button beside two pictures (`shown` names them): action(model, upload)."""
        gr = self.gr
        with gr.Row():
            with gr.Column(scale=1):
                model = self.model_list(tab)
                upload = gr.File(label=upload_label, elem_id=f"{tab}-upload")
                button = gr.Button(tab.capitalize(), variant="primary", elem_id=f"{tab}-button")
            before = gr.Image(label=shown[0], type="numpy", format="png", interactive=False)
            after = gr.Image(label=shown[1], type="numpy", format="png", interactive=False, elem_id=f"{tab}-result")
        button.click(self.on_page(action), [model, upload], [before, after])

    def refresh_button(self, button) -> None:
        """Wire `button` to rescan the models and refresh every model list and note."""
        gr = self.gr

        def refreshed():
            self.app.refresh()
            updates = [gr.update(choices=self.choices(tab), value=self.first(tab)) for _, tab in self.model_lists]
            return updates + [self.none_note(tab, "Train one and press Refresh.") for _, tab in self.notes]

        button.click(self.on_page(refreshed), None, [d for d, _ in self.model_lists] + [n for n, _ in self.notes])


def offered_tabs() -> list[str]:
    """The tabs of the page, in the page's order: those some task offers (ganforge.apps.tasks)."""
    offered = {tab for name in TASKS for tab in TASKS.get(name).tabs}
    return [tab for tab in TABS if tab in offered]


def build(app: WebApp):
    """The Gradio Blocks of `app` (not launched): the intro, Refresh, then one tab per offered tab."""
    gr = require_gradio()
    page = Page(gr, app)
    with gr.Blocks(title="ganforge", analytics_enabled=False) as blocks:
        gr.Markdown(INTRO)
        refresh = gr.Button("Refresh the list of models", size="sm")
        for tab in offered_tabs():
            title, lay_out = TABS[tab]
            with gr.Tab(title, id=tab):
                lay_out(page)
        page.refresh_button(refresh)
    return blocks


def _for_page(value):
    """Grayscale pictures (H, W, 1) as (H, W) (the page's image component takes no channel axis of 1), paths as
    strings."""
    if isinstance(value, np.ndarray) and value.ndim == 3 and value.shape[2] == 1:
        return value[..., 0]
    return str(value) if isinstance(value, Path) else value


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
