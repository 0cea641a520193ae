"""Every command against classes of bad input (negative, zero, huge, NaN/inf, wrong type, missing or
wrong files, paths that are files, outputs that alias inputs): one line on stderr, exit status 2,
no traceback (main() turns only GanforgeError and argparse's refusals into a line, so anything else
fails here), and every file in the working folder byte-identical afterwards."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganforge.cli.main import main

HUGE, NEGATIVE = "99999999999999999999999", "-99999999999999999999"
NUMBERS = ["-1", "nan", "inf", "abc", HUGE, NEGATIVE]


def _cases() -> list[tuple[str, list[str]]]:
    cases = []
    for value in NUMBERS:
        cases += [
            ("sample --seed", ["sample", "--model", "mnist-cgan", "--seed", value, "--out", "o.png"]),
            ("sample --label", ["sample", "--model", "mnist-cgan", "--label", value, "--out", "o.png"]),
            ("evaluate --seed", ["evaluate", "--model", "mnist-gan", "--seed", value, "--features", "digits"]),
            ("evaluate --num", ["evaluate", "--model", "mnist-gan", "--num", value, "--features", "digits"]),
        ]
        if value != HUGE:  # a tile larger than the photo is the whole photo: allowed
            cases.append(("upscale --tile", ["upscale", "--model", "srresnet-x4", "--input", "photo.png", "--out", "up",
                                             "--tile", value]))
    for value in ["0", "-3", "nan", "abc", HUGE]:
        cases.append(("sample --num", ["sample", "--model", "mnist-cgan", "--num", value, "--out", "o.png"]))
    for value in ["0", "-1", "abc", "nan"]:
        cases.append(("augment --per-class", ["augment", "--model", "mnist-cgan", "--per-class", value, "--out", "syn"]))
    for value in ["0", "1", "1.5", "-0.2", "nan", "abc"]:
        cases.append(("augment --filter", ["augment", "--model", "mnist-cgan", "--per-class", "2", "--filter", value,
                                           "--out", "syn"]))
    for value in ["nan", "inf", "-inf", "abc"]:
        cases.append(("sample --truncation", ["sample", "--model", "mnist-cgan", "--truncation", value, "--out",
                                              "o.png"]))
    cases += [
        ("sample: unknown model", ["sample", "--model", "mnist-cgam", "--out", "o.png"]),
        ("sample: wrong suffix", ["sample", "--model", "mnist-cgan", "--out", "o.txt"]),
        ("sample: unwritable", ["sample", "--model", "mnist-cgan", "--out", "/proc/o.png"]),
        ("sample: out under a file", ["sample", "--model", "mnist-cgan", "--out", "photo.png/o.png"]),
        ("sample: no model", ["sample", "--checkpoint", "notes.txt", "--out", "o.png"]),
        ("sample: device", ["sample", "--model", "mnist-cgan", "--device", "banana", "--out", "o.png"]),
        ("evaluate: metrics", ["evaluate", "--model", "mnist-gan", "--metrics", "fid,,nope", "--features", "digits"]),
        ("evaluate: fake is a file", ["evaluate", "--fake", "photo.png", "--real", "mnist-5k", "--features", "digits"]),
        ("evaluate: no fake", ["evaluate", "--fake", "missing/", "--real", "mnist-5k"]),
        ("info: missing", ["info", "missing"]),
        ("info: not a model", ["info", "photo.png"]),
        ("export: not a model", ["export", "photo.png", "--out", "exported"]),
        ("make-data: unknown", ["make-data", "nope", "--out", "made"]),
        ("make-data: out is a file", ["make-data", "digit-styles", "--out", "photo.png"]),
        ("upscale: out is the input", ["upscale", "--model", "srresnet-x4", "--input", ".", "--out", "."]),
        ("upscale: out is a file", ["upscale", "--model", "srresnet-x4", "--input", "photo.png", "--out", "notes.txt"]),
        ("upscale: not an image", ["upscale", "--model", "srresnet-x4", "--input", "notes.txt", "--out", "up"]),
        ("colourise: not a model", ["colourise", "--checkpoint", "photo.png", "--input", "photo.png", "--out", "c"]),
        ("colourise: wrong model", ["colourise", "--model", "srresnet-x4", "--input", "photo.png", "--out", "c"]),
        ("complete: no model", ["complete", "--checkpoint", "missing", "--input", "photo.png", "--mask", "photo.png",
                                "--out", "c"]),
        ("translate: noise model", ["translate", "--model", "mnist-gan", "--input", "photo.png", "--out", "t"]),
        ("mix: not a style model", ["mix", "--checkpoint", "missing", "--rows", "1", "--cols", "2", "--out", "m.png"]),
        ("mix: bad seeds", ["mix", "--checkpoint", "missing", "--rows", "1-x", "--cols", "2", "--out", "m.png"]),
        ("interpolate: one seed", ["interpolate", "--checkpoint", "missing", "--seeds", "1", "--out", "w.gif"]),
        ("augment: unconditional", ["augment", "--model", "mnist-gan", "--per-class", "5", "--out", "syn"]),
        ("augment: out is a file", ["augment", "--model", "mnist-cgan", "--per-class", "5", "--out", "photo.png"]),
        ("augment: out not empty", ["augment", "--model", "mnist-cgan", "--per-class", "5", "--out", "."]),
        ("unknown command", ["paint"]),
    ]
    return cases


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("what, argv", _cases(), ids=[f"{i}:{c[0]}" for i, c in enumerate(_cases())])
def test_one_line_exit_2_nothing_changed(what: str, argv: list[str], tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (24, 24, 3), dtype=np.uint8)).save("photo.png")
    Path("notes.txt").write_text("not an image")
    before = snapshot(tmp_path)
    try:
        status = main(argv)
    except SystemExit as exit_:
        status = exit_.code
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2, (what, err)
    assert len(err) == 1 and err[0].startswith("ganforge"), (what, err)
    assert snapshot(tmp_path) == before, what
    assert not [p for p in tmp_path.iterdir() if p.name not in ("photo.png", "notes.txt")], what  # nothing created
