"""Screenshots of `ganforge serve`, each tab doing its job, for docs/app.md: a headless Debian chromium
(Selenium, chromedriver) drives the page as a person would: upload, click, paint, move a slider.

    python bench/figures/app_screenshots.py --runs runs --out docs/app \
        [--edit-model runs/sg-mnist] [--speak-model runs/specgan] [--translate-model runs/digits] \
        [--detect-model runs/ganomaly-0] [--evaluate-model runs/sg-mnist] [--only detect,evaluate]

Inputs are real: a CBSD68 photo (../shared/data, else scikit-image's astronaut) for Colourise, a
96 x 96 crop of scikit-image's camera for Upscale, held-out MNIST digits for Edit, Complete and
Translate, 16 held-out Fashion-MNIST images (the first eight T-shirts and eight others) for Detect
anomalies. A tab whose model is missing is shot as it is (saying what to train).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
SHARED_PHOTOS = ROOT.parent / "shared" / "data" / "cbsd68"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def inputs(folder: Path) -> dict[str, Path]:
    """The pictures the tabs are shown with."""
    from skimage import data as skdata

    from ganforge.data import load_dataset

    photos = sorted(SHARED_PHOTOS.rglob("*.png")) if SHARED_PHOTOS.is_dir() else []
    photo = np.asarray(Image.open(photos[0]).convert("RGB")) if photos else skdata.astronaut()
    Image.fromarray(photo).save(folder / "photo.png")
    Image.fromarray(skdata.camera()[200:296, 200:296]).save(folder / "small.png")
    digits = load_dataset("mnist-5k", split="heldout")
    Image.fromarray(digits.images[3][..., 0]).resize((112, 112), Image.NEAREST).save(folder / "digit.png")
    Image.fromarray(digits.images[7][..., 0]).save(folder / "digit28.png")
    pictures = {name: folder / f"{name}.png" for name in ("photo", "small", "digit", "digit28")}
    try:
        clothes = load_dataset("fashion-mnist", split="heldout")
    except Exception:  # noqa: BLE001 - not installed: the Detect tab is shot without uploads
        return pictures
    chosen = [*np.flatnonzero(clothes.labels == 0)[:8], *np.flatnonzero(clothes.labels != 0)[:8]]
    for index in chosen:
        path = folder / f"fashion-{index:05d}.png"
        Image.fromarray(clothes.images[index][..., 0]).save(path)
        pictures[path.stem] = path
    return pictures


class Page:
    def __init__(self, url: str, out: Path):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1400,1050", "--hide-scrollbars"):
            options.add_argument(argument)
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.get(url)
        self.out = out
        self.wait(lambda d: d.title == "ganforge")

    def wait(self, condition, seconds: float = 300):
        return WebDriverWait(self.driver, seconds, poll_frequency=0.25).until(condition)

    def find(self, selector: str):
        return self.wait(lambda d: d.find_element(By.CSS_SELECTOR, selector))

    def tab(self, name: str) -> None:
        self.wait(lambda d: d.find_element(By.XPATH, f"//button[@role='tab' and normalize-space()='{name}']")).click()
        time.sleep(0.5)

    def choose(self, element_id: str, key: str | None) -> None:
        """Pick `key` in a dropdown (type it, then Enter)."""
        if not key:
            return
        box = self.find(f"#{element_id} input")
        box.click()
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(key)
        time.sleep(0.5)
        box.send_keys(Keys.ENTER)
        time.sleep(1)

    def upload(self, element_id: str, path: Path) -> None:
        self.find(f"#{element_id} input[type=file]").send_keys(str(path))
        self.wait(lambda d: path.stem in d.find_element(By.ID, element_id).text.replace("\n", "") or
                  d.find_elements(By.CSS_SELECTOR, f"#{element_id} canvas, #{element_id} img"))
        time.sleep(1)

    def click(self, element_id: str) -> None:
        self.find(f"#{element_id}").click()

    def image_in(self, element_id: str) -> None:
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, f"#{element_id} img"))
        time.sleep(1)

    def press(self, task: str, model: str | None = None) -> None:
        """Choose the model (when given), press the tab's button and wait for the result."""
        self.choose(f"{task}-model", model)
        self.click(f"{task}-button")
        self.image_in(f"{task}-result")

    def use(self, task: str, picture: Path, model: str | None = None) -> None:
        """Choose the model, upload the picture, press the tab's button and wait for the result."""
        self.choose(f"{task}-model", model)
        self.upload(f"{task}-upload", picture)
        self.press(task)

    def shoot(self, name: str, at: str | None = None) -> Path:
        """Save the window, scrolled to the top (or to the element `at`)."""
        if at:
            self.driver.execute_script("arguments[0].scrollIntoView()", self.find(at))
        else:
            self.driver.execute_script("window.scrollTo(0, 0)")
        time.sleep(0.5)
        path = self.out / f"{name}.png"
        self.driver.save_screenshot(str(path))
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", default="runs")
    parser.add_argument("--out", default=str(ROOT / "docs" / "app"))
    parser.add_argument("--edit-model", default="mnist-gan")
    parser.add_argument("--translate-model")
    parser.add_argument("--speak-model")
    parser.add_argument("--detect-model", help="an anomaly detector run trained with T-shirts normal")
    parser.add_argument("--evaluate-model", default="mnist-cgan")
    parser.add_argument("--only", help="shoot only these tabs (comma-separated file names, e.g. detect,evaluate)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="ganforge-shots-"))
    pictures = inputs(folder)
    port = free_port()
    with open(folder / "server.log", "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "ganforge", "serve", "--port", str(port), "--runs",
                                   args.runs], stdout=log, stderr=subprocess.STDOUT, env={**os.environ})
    try:
        deadline = time.monotonic() + 120
        while "ganforge is at" not in (folder / "server.log").read_text():
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit((folder / "server.log").read_text())
            time.sleep(0.5)
        page = Page(f"http://127.0.0.1:{port}/", out)

        wanted = set(args.only.split(",")) if args.only else None

        def want(name: str) -> bool:
            return wanted is None or name in wanted

        if want("generate"):
            page.press("generate", "mnist-cgan")
            page.shoot("generate")

        if want("edit"):
            page.tab("Edit")
            page.choose("edit-model", args.edit_model)
            page.upload("edit-upload", pictures["digit"])
            page.click("edit-invert")
            page.image_in("edit-result")
            number = page.find("#edit-slider-0 input[type=number]")
            number.send_keys(Keys.CONTROL, "a")
            number.send_keys("3", Keys.TAB)
            time.sleep(4)
            page.shoot("edit")

        def shot(tabs: tuple[str, ...], name: str, act=None) -> None:
            """Open the tabs in turn, do `act` when given, and shoot the window as `name`."""
            for tab in tabs:
                page.tab(tab)
            if act is not None:
                act()
            page.shoot(name)

        if want("colourise"):
            shot(("Colourise",), "colourise", lambda: page.use("colourise", pictures["photo"]))
        if want("translate"):
            shot(("Translate",), "translate", args.translate_model and
                 (lambda: page.use("translate", pictures["digit28"], args.translate_model)))

        if want("complete"):
            page.tab("Complete")
            page.choose("complete-model", "mnist-gan")
            page.upload("complete-editor", pictures["digit"])
            canvas = page.find("#complete-editor canvas")
            time.sleep(1)
            actions = ActionChains(page.driver)
            actions.move_to_element_with_offset(canvas, -60, 10).click_and_hold()
            for _ in range(12):
                actions.move_by_offset(10, 0)
            actions.move_by_offset(0, 20)
            for _ in range(12):
                actions.move_by_offset(-10, 0)
            actions.release().perform()
            time.sleep(1)
            page.press("complete")
            page.shoot("complete")

        if want("upscale"):
            shot(("Upscale",), "upscale", lambda: page.use("upscale", pictures["small"]))
        if want("speak"):
            shot(("Speak",), "speak", args.speak_model and (lambda: page.press("speak", args.speak_model)))

        if want("detect"):
            page.tab("Detect anomalies")
            clothes = [path for name, path in pictures.items() if name.startswith("fashion-")]
            if args.detect_model and clothes:
                page.choose("detect-model", args.detect_model)
                page.find("#detect-upload input[type=file]").send_keys("\n".join(str(path) for path in clothes))
                page.wait(lambda d: clothes[-1].stem in d.find_element(By.ID, "detect-upload").text)
                time.sleep(1)
                page.press("detect")
            page.shoot("detect")

        if want("evaluate"):
            page.tab("Evaluate")
            page.press("evaluate", args.evaluate_model)
            page.shoot("evaluate", at="#evaluate-model")
        page.driver.quit()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
