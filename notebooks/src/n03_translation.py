"""Notebook 3, image-to-image translation: colourisation (pix2pix in Lab), CycleGAN on unpaired
digits, pix2pix completion."""

from common import SETUP

COLOURISE = '''from PIL import Image
from skimage import data
from ganforge.apps.translate import colourise_image, load_translator
from ganforge.metrics.pixels import psnr
from ganforge.models.pretrained import pretrained_path

colouriser = load_translator(pretrained_path("colourise"))  # shipped: trained on 118 photos, none of these
photos = {"coffee": data.coffee(), "astronaut": data.astronaut()}
for name, photo in photos.items():
    photo = np.asarray(Image.fromarray(photo).resize((photo.shape[1] // 2, photo.shape[0] // 2)))
    gray = np.repeat(np.asarray(Image.fromarray(photo).convert("L"))[..., None], 3, axis=2)
    coloured = colourise_image(colouriser, gray)
    print(f"{name}: PSNR of the gray input {psnr(gray, photo):.2f} dB, of the colourised photo {psnr(coloured, photo):.2f} dB")
    plt.figure(figsize=(9, 3))
    for index, (title, image) in enumerate((("gray input", gray), ("colourised", coloured), ("truth", photo))):
        plt.subplot(1, 3, index + 1); plt.imshow(image); plt.title(title); plt.axis("off")
    plt.show()'''

CYCLE = '''import shutil
import torch
from ganforge.apps.translate import load_translator
from ganforge.data import load_translation_dataset
from ganforge.training import train
from ganforge.utils.images import from_uint8

shutil.rmtree(WORK / "cyclegan", ignore_errors=True)
run = train("cyclegan-digits", out=WORK / "cyclegan", steps=10 if QUICK else 800, seed=0, device="cpu", progress=False)
print(f"{run.step} steps in {run.seconds:.0f} s")
test = load_translation_dataset("digit-styles", "heldout")
a_to_b, b_to_a = load_translator(run.run_dir, "AtoB"), load_translator(run.run_dir, "BtoA")
real_a = from_uint8(np.stack(test.images_a[:10]))
fake_b = a_to_b(real_a)
show(torch.cat([real_a, fake_b, b_to_a(fake_b)]), title="real digits | translated to the other style | and back")'''

COMPLETE = '''from ganforge.apps.translate import complete_image

shutil.rmtree(WORK / "complete", ignore_errors=True)
run = train("complete", out=WORK / "complete", steps=10 if QUICK else 600, seed=0, device="cpu", progress=False)
completer = load_translator(run.run_dir)
photo = np.asarray(Image.fromarray(data.chelsea()).resize((128, 96)))
hole = np.zeros(photo.shape[:2], bool)
hole[30:60, 50:90] = True
filled = complete_image(completer, photo, hole)
holed = photo.copy(); holed[hole] = 128
plt.figure(figsize=(9, 3))
for index, (title, image) in enumerate((("with a hole", holed), ("completed", filled), ("truth", photo))):
    plt.subplot(1, 3, index + 1); plt.imshow(image); plt.title(title); plt.axis("off")
plt.show()'''

NOTEBOOK = {
    "fr": ("03-traduction-d-images", [
        ("md", ("# 3. Traduire une image en une autre : pix2pix et CycleGAN\n\n"
                "Le générateur ne part plus d'un bruit mais d'une **image** : une photo en gris devient une "
                "photo en couleur, un chiffre change de style, un trou est rempli. **pix2pix** (Isola et al., "
                "2017) apprend sur des paires (entrée, sortie attendue) : une perte L1 vers la bonne réponse "
                "plus un discriminateur qui juge des patchs. **CycleGAN** (Zhu et al., 2017) se passe de "
                "paires : deux générateurs A→B et B→A, et la contrainte qu'un aller-retour rende l'image de "
                "départ.")),
        ("code", SETUP),
        ("md", ("## Coloriser\n\nLe modèle livré `colourise` prédit la couleur (les canaux a\\*b\\* de "
                "l'espace Lab) à partir de la luminosité, qu'il garde telle quelle. Sur des photos qu'il n'a "
                "jamais vues, on compare au gris de départ par le PSNR (plus haut = plus proche de la vraie "
                "photo).")),
        ("code", COLOURISE),
        ("md", ("## CycleGAN sans paires\n\nDeux tas de chiffres : des vrais, et des chiffres gras aux couleurs "
                "inversées, sans correspondance entre eux. CycleGAN apprend à passer d'un style à l'autre ; la "
                "troisième ligne montre l'aller-retour.")),
        ("code", CYCLE),
        ("md", ("## Compléter avec pix2pix\n\nPendant l'entraînement, on perce des trous rectangulaires au "
                "hasard dans des photos et pix2pix apprend à les remplir. Quelques centaines de pas donnent "
                "une idée ; le remplissage reste flou sans un long entraînement.")),
        ("code", COMPLETE),
    ]),
    "en": ("03-image-translation", [
        ("md", ("# 3. Translating one image into another: pix2pix and CycleGAN\n\n"
                "The generator no longer starts from noise but from an **image**: a gray photo becomes a colour "
                "photo, a digit changes style, a hole is filled. **pix2pix** (Isola et al. 2017) learns from "
                "pairs (input, expected output): an L1 loss towards the right answer plus a discriminator that "
                "judges patches. **CycleGAN** (Zhu et al. 2017) needs no pairs: two generators A→B and B→A, "
                "and the constraint that a round trip gives back the starting image.")),
        ("code", SETUP),
        ("md", ("## Colourising\n\nThe shipped `colourise` model predicts the colour (the a\\*b\\* channels of Lab) "
                "from the lightness, which it keeps as it is. On photos it never saw, we compare it with the gray "
                "input by PSNR (higher = closer to the real photo).")),
        ("code", COLOURISE),
        ("md", ("## CycleGAN without pairs\n\nTwo piles of digits: real ones, and bold digits with inverted "
                "colours, with no correspondence between them. CycleGAN learns to go from one style to the "
                "other; the third row shows the round trip.")),
        ("code", CYCLE),
        ("md", ("## Completing with pix2pix\n\nDuring training, rectangular holes are cut at random in photos "
                "and pix2pix learns to fill them. A few hundred steps give an idea; the filling stays blurry "
                "without long training.")),
        ("code", COMPLETE),
    ]),
}
