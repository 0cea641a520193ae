"""The super-resolution benchmark protocol of `ganforge evaluate`: each held-out photo cut to a multiple
of the scale, shrunk by MATLAB's imresize, upscaled, scored on the luma Y with the scale cut from each
border; the bicubic baseline made by the same kernel. Checked against the same pipeline written out by
hand, on two real photos, with the shipped srresnet-x4."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import skimage.data
import torch
from PIL import Image

from ganforge.apps.evaluate_translation import evaluate_translation
from ganforge.apps.translate import load_translator, with_self_ensemble
from ganforge.cli.main import main
from ganforge.data.resize import imresize
from ganforge.errors import GanforgeError
from ganforge.metrics.pixels import psnr_y, ssim_y
from ganforge.models.pretrained import pretrained_path
from ganforge.utils.images import from_uint8, to_uint8


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "bench"
    folder.mkdir()
    Image.fromarray(skimage.data.astronaut()[100:171, 150:217]).save(folder / "astronaut.png")  # 67x71: not x4
    Image.fromarray(skimage.data.coffee()[:64, :96]).convert("L").save(folder / "coffee.png")  # grayscale
    return folder


def by_hand(folder: Path, kernel_up) -> tuple[float, float, float]:
    translator = load_translator(pretrained_path("srresnet-x4"))
    model, baseline, similarity = [], [], []
    for path in sorted(folder.iterdir()):
        truth = np.asarray(Image.open(path).convert("RGB"))
        truth = truth[: truth.shape[0] // 4 * 4, : truth.shape[1] // 4 * 4]
        low = imresize(np.ascontiguousarray(truth), 1 / 4)
        output = to_uint8(translator(from_uint8(low[None])))[0]
        model.append(psnr_y(output, truth, 4))
        similarity.append(ssim_y(output, truth, 4))
        baseline.append(psnr_y(kernel_up(low, 4), truth, 4))
    return float(np.mean(model)), float(np.mean(similarity)), float(np.mean(baseline))


def test_benchmark_scores_follow_the_published_protocol(photos: Path):
    result = evaluate_translation(pretrained_path("srresnet-x4"), real=str(photos))
    metrics, protocol = result["metrics"], result["protocol"]
    psnr, ssim, bicubic = by_hand(photos, imresize)
    assert metrics["psnr_y"] == pytest.approx(psnr, abs=1e-6)
    assert metrics["ssim_y"] == pytest.approx(ssim, abs=1e-6)
    assert metrics["psnr_y_bicubic"] == pytest.approx(bicubic, abs=1e-6)
    assert metrics["psnr_y"] > metrics["psnr_y_bicubic"]  # the shipped model beats bicubic on real photos
    assert protocol["kernel"] == "matlab" and protocol["n_b"] == 2


def test_pillow_kernel_on_request_gives_other_inputs(photos: Path):
    matlab = evaluate_translation(pretrained_path("srresnet-x4"), real=str(photos))["metrics"]
    pillow = evaluate_translation(pretrained_path("srresnet-x4"), real=str(photos), kernel="bicubic")["metrics"]
    assert pillow["psnr_y_bicubic"] != matlab["psnr_y_bicubic"]


def test_cli_takes_a_shipped_upscaler_by_name(photos: Path, capsys):
    main(["evaluate", "--model", "srresnet-x4", "--real", str(photos)])
    out = capsys.readouterr().out
    assert "psnr_y_bicubic" in out and "MATLAB's imresize" in out


def test_kernel_refused_for_a_generator(capsys):
    assert main(["evaluate", "--model", "mnist-gan", "--kernel", "matlab"]) == 2
    assert "--kernel is for super-resolution" in capsys.readouterr().err


def test_self_ensemble_is_the_mean_over_the_eight_symmetries(photos: Path):
    translator = load_translator(pretrained_path("srresnet-x4"))
    low = from_uint8(np.asarray(Image.open(photos / "astronaut.png").convert("RGB"))[None])  # 67x71, not square
    passes = []
    for mirror in (False, True):
        for turns in range(4):
            x = torch.rot90(low.flip(-1) if mirror else low, turns, (-2, -1))
            y = torch.rot90(translator(x), -turns, (-2, -1))
            passes.append(y.flip(-1) if mirror else y)
    ensemble = with_self_ensemble(translator)(low)
    assert ensemble.shape == (1, 3, 71 * 4, 67 * 4)
    assert torch.allclose(ensemble, torch.stack(passes).mean(0), atol=1e-5)
    assert (ensemble - translator(low)).abs().max() > 1e-3  # the passes differ: averaging them changes the result


def test_evaluate_and_upscale_take_self_ensemble(photos: Path, tmp_path: Path, capsys):
    plain = evaluate_translation(pretrained_path("srresnet-x4"), real=str(photos))
    both = evaluate_translation(pretrained_path("srresnet-x4"), real=str(photos), self_ensemble=True)
    assert both["protocol"]["self_ensemble"] and not plain["protocol"]["self_ensemble"]
    assert both["metrics"]["psnr_y"] != plain["metrics"]["psnr_y"]
    assert both["metrics"]["psnr_y_bicubic"] == plain["metrics"]["psnr_y_bicubic"]
    assert main(["upscale", "--model", "srresnet-x4", "--input", str(photos / "coffee.png"), "--out",
                 str(tmp_path / "big"), "--self-ensemble"]) == 0
    assert Image.open(tmp_path / "big" / "coffee.png").size == (96 * 4, 64 * 4)


def test_self_ensemble_refused_where_it_means_nothing(tmp_path: Path, capsys):
    assert main(["evaluate", "--model", "mnist-gan", "--self-ensemble"]) == 2
    assert "--self-ensemble is for super-resolution" in capsys.readouterr().err
    translator = load_translator(pretrained_path("faces-age"))  # trained on unturned faces
    with pytest.raises(GanforgeError, match="not trained on turned inputs"):
        with_self_ensemble(translator)
