"""`ganforge serve` in a real browser: Debian's chromium, headless, driven by Selenium through Debian's
chromedriver (nothing is downloaded). The server runs as a separate process, as a user starts it.

Skipped, with the reason, where Gradio, Selenium or the browser is missing; under CI (CI=true) a
missing browser fails instead, since `make test` installs it.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.conftest import run_cli

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def _missing() -> str | None:
    for module in ("gradio", "selenium"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install -e '.[test]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists() and not shutil.which(Path(path).name):
            return f"{path} is missing (apt-get install chromium chromium-driver; make test does)"
    return None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`ganforge serve` on a free port; yields (its URL, the process)."""
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the browser test cannot run in CI: {missing}")
        pytest.skip(missing)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path_factory.mktemp("serve") / "server.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "ganforge", "serve", "--port", str(port)], stdout=out,
                                   stderr=subprocess.STDOUT, env={**os.environ, "OMP_NUM_THREADS": "1"})
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while "ganforge is at" not in log.read_text():
        assert process.poll() is None and time.monotonic() < deadline, f"the server did not start:\n{log.read_text()}"
        time.sleep(0.5)
    yield url, process, log
    if process.poll() is None:
        process.kill()


@pytest.fixture(scope="module")
def browser(server):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER if Path(CHROMEDRIVER).exists()
                                              else shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def wait(driver, condition, seconds: float = 120):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, poll_frequency=0.25).until(condition)


def shown_image(driver, element_id: str, after: str | None = None) -> tuple[str, np.ndarray]:
    """(src, pixels) of the picture in the element once it shows one whose src is not `after`."""
    from selenium.webdriver.common.by import By

    def loaded(d):
        images = d.find_elements(By.CSS_SELECTOR, f"#{element_id} img")
        src = images[0].get_attribute("src") if images else None
        return src if src and src != after else False

    src = wait(driver, loaded)
    if src.startswith("data:"):
        data = base64.b64decode(src.split(",", 1)[1])
    else:
        with urllib.request.urlopen(src, timeout=30) as response:
            data = response.read()
    return src, np.asarray(Image.open(io.BytesIO(data)).convert("L"))


def click_tab(driver, name: str) -> None:
    from selenium.webdriver.common.by import By

    wait(driver, lambda d: d.find_element(By.XPATH, f"//button[@role='tab' and normalize-space()='{name}']")).click()


def test_the_page_generates_refuses_a_non_image_and_keeps_serving(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    url, process, log = server
    browser.get(url)
    wait(browser, lambda d: d.title == "ganforge")  # set once the page's script has run
    wait(browser, lambda d: d.find_element(By.ID, "generate-button")).click()
    first, pixels = shown_image(browser, "generate-result")
    assert pixels.shape[0] >= 256 and pixels.std() > 20  # a grid of digits arrived, not a blank picture

    click_tab(browser, "Upscale")
    (tmp_path / "notes.txt").write_text("this is not a picture")
    browser.find_element(By.CSS_SELECTOR, "#upscale-upload input[type=file]").send_keys(str(tmp_path / "notes.txt"))
    wait(browser, lambda d: "notes.txt" in d.find_element(By.ID, "upscale-upload").text.replace("\n", ""))
    browser.find_element(By.ID, "upscale-button").click()
    message = wait(browser, lambda d: [e for e in d.find_elements(By.XPATH, "//*[contains(text(), 'is not a picture')]")
                                       if e.is_displayed()])
    assert "upload a PNG, JPEG" in message[0].text
    assert process.poll() is None

    click_tab(browser, "Generate")
    seed = browser.find_element(By.XPATH, "//label[contains(., 'seed (same seed')]//input")
    seed.clear()
    seed.send_keys("1")
    browser.find_element(By.ID, "generate-button").click()
    second, pixels = shown_image(browser, "generate-result", after=first)  # still serving: a new grid came
    assert second != first and pixels.std() > 20
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0, log.read_text()
    assert "stopped" in log.read_text() and "Traceback" not in log.read_text()


def test_serve_refuses_bad_options_in_one_line(tmp_path):
    for args, reason in ((["--port", "0"], "choose a port from 1 to 65535"),
                         (["--runs", str(tmp_path / "missing")], "no such folder"),
                         (["--host", "::"], "cannot listen on an IPv6 address")):
        result = run_cli("serve", *args)
        assert result.returncode == 2 and reason in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_serve_without_gradio_says_how_to_install_it(monkeypatch):
    from ganforge.errors import GanforgeError
    from ganforge.ui.page import require_gradio

    monkeypatch.setitem(sys.modules, "gradio", None)  # as if it were not installed
    with pytest.raises(GanforgeError, match=r"needs Gradio: pip install 'ganforge\[ui\]'"):
        require_gradio()
