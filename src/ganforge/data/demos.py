"""Offline datasets built from real images that install with ganforge's dependencies.

`digit-styles` (unpaired, CycleGAN): domain A is real MNIST digits (mnist-5k), domain B is other
real digits restyled bold and inverted: strokes thickened by a 3x3 grey dilation, then black on
white. A and B take alternate digits of each split (A the even positions, B the odd ones), so no
digit appears in both domains and the pairing is truly unknown. Digits are padded from 28x28 to
32x32 (as LeNet did), a size the U-Net and ResNet generators both accept.
    train: 2,000 A + 2,000 B from mnist-5k's training split; heldout: 500 + 500 from its held-out split.

`skimage-photos` (one domain, for colourisation and completion): the real colour photographs that
scikit-image ships. Held out: chelsea (a cat) and rocket; training: the other seven.
`skimage-all` (super-resolution): the same, with scikit-image's nine grayscale photographs
(camera, coins, moon, clock, page, text, brick, grass, gravel) added to training as RGB: 16 training
photos, the same 2 held out.

`lfw-faces` (noise -> image, StyleGAN2's few-shot setting): the first 100 images of
scikit-image's Labeled Faces in the Wild subset (skimage.data.lfw_subset(): 25x25 grayscale crops;
the other 100 are not faces). A 100-shot set has nothing to hold out: every split is the same 100
faces, and scores against them say how close a model gets to (or how much it copies) its data.
"""

from __future__ import annotations

import numpy as np

from ganforge.data.base import ImageDataset
from ganforge.data.mnist5k import load_mnist5k
from ganforge.data.translation import PreprocessConfig, TranslationDataset, resize_shorter_side
from ganforge.errors import GanforgeError

DIGIT_PAD = 2  # 28 + 2 * 2 = 32


def bold_inverted(digits: np.ndarray) -> np.ndarray:
    """Domain B's style: uint8 (N, H, W, 1) digits, strokes dilated 3x3, then inverted."""
    from scipy.ndimage import grey_dilation

    return 255 - grey_dilation(digits, size=(1, 3, 3, 1))


def digit_styles(split: str, preprocess: PreprocessConfig) -> TranslationDataset:
    """Real digits (A) and other real digits in the bold inverted style (B)."""
    if split == "all":
        raise GanforgeError("digit-styles has train and heldout splits; pick one")
    digits = load_mnist5k(split)
    padded = np.pad(digits.images, ((0, 0), (DIGIT_PAD, DIGIT_PAD), (DIGIT_PAD, DIGIT_PAD), (0, 0)))
    a, b = padded[0::2], bold_inverted(padded[1::2])
    return TranslationDataset(
        "digit-styles", tuple(a), tuple(b), False, preprocess,
        labels_a=digits.labels[0::2], labels_b=digits.labels[1::2],
    )


# scikit-image's colour photographs (the loader function names in skimage.data); the last two are held out
PHOTOS_TRAIN = ("astronaut", "coffee", "hubble_deep_field", "immunohistochemistry", "retina", "motorcycle_left",
                "motorcycle_right")
PHOTOS_HELDOUT = ("chelsea", "rocket")
# its grayscale photographs (scenes, objects, text, textures), training images of skimage-all
GRAY_PHOTOS = ("camera", "coins", "moon", "clock", "page", "text", "brick", "grass", "gravel")


def _skimage_photo(name: str) -> np.ndarray:
    from skimage import data

    if name.startswith("motorcycle"):
        left, right, _ = data.stereo_motorcycle()
        return left if name.endswith("left") else right
    return getattr(data, name)()


def skimage_photos(split: str, preprocess: PreprocessConfig, *, grayscale_too: bool = False) -> TranslationDataset:
    """scikit-image's colour photographs: 7 for training, 2 held out (`all`: the 9); with
    `grayscale_too` (skimage-all) its 9 grayscale photographs join the training photos as RGB."""
    try:
        import skimage  # noqa: F401
    except ImportError:
        raise GanforgeError("skimage-photos needs scikit-image; run: pip install scikit-image") from None
    train = PHOTOS_TRAIN + (GRAY_PHOTOS if grayscale_too else ())
    names = {"train": train, "heldout": PHOTOS_HELDOUT, "all": train + PHOTOS_HELDOUT}[split]
    images = []
    for name in names:
        photo = _skimage_photo(name)
        photo = np.repeat(photo[..., None], 3, axis=2) if photo.ndim == 2 else photo[..., :3]
        images.append(resize_shorter_side(np.ascontiguousarray(photo), preprocess.load_size))
    return TranslationDataset("skimage-all" if grayscale_too else "skimage-photos", (), tuple(images), True,
                              preprocess, names_b=names)


def skimage_all(split: str, preprocess: PreprocessConfig) -> TranslationDataset:
    """skimage-photos plus the grayscale photographs for training (super-resolution)."""
    return skimage_photos(split, preprocess, grayscale_too=True)


LFW_FACES = 100  # lfw_subset(): faces first, then 100 non-face crops


def lfw_faces(split: str) -> ImageDataset:
    """The 100 real faces (25x25 grayscale) of scikit-image's LFW subset; see the module doc."""
    from skimage import data

    faces = data.lfw_subset()[:LFW_FACES]  # float in [0, 1]
    images = (np.clip(faces, 0, 1) * 255).round().astype(np.uint8)[..., None]
    return ImageDataset("lfw-faces", images)
