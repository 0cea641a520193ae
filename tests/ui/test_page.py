"""The browser app's page is assembled from its tasks: one tab function per tab that some task offers, each
tab's model list holding exactly the models whose task offers that tab. Built in-process (not launched)."""

from __future__ import annotations

import pytest

from ganforge.apps.tasks import TASKS
from ganforge.ui.tabs import TABS

gr = pytest.importorskip("gradio", reason="the browser app needs Gradio (pip install -e '.[ui]')")


def test_every_tab_a_task_offers_has_its_function_and_no_function_is_orphaned():
    offered = {tab for name in TASKS for tab in TASKS.get(name).tabs}
    assert offered == set(TABS)


def test_the_page_has_one_tab_per_offered_tab_and_lists_each_tabs_models(tmp_path):
    from ganforge.apps.webapp import WebApp
    from ganforge.ui.page import build, offered_tabs

    app = WebApp(work=tmp_path)
    page = build(app)
    tabs = [block.id for block in page.blocks.values() if isinstance(block, gr.Tab)]
    assert tabs == offered_tabs() and tabs[0] == "generate" and "write" in tabs
    lists = {block.elem_id: block for block in page.blocks.values() if isinstance(block, gr.Dropdown)
             and (block.elem_id or "").endswith("-model")}
    for tab in tabs:
        shown = [choice[0] for choice in lists[f"{tab}-model"].choices]
        assert shown == app.catalogue.keys(tab), tab
    assert "french-words" in [c[0] for c in lists["write-model"].choices]
    assert "french-words" not in [c[0] for c in lists["generate-model"].choices]
