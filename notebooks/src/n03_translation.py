"""Notebook 3, image-to-image translation: colourisation (pix2pix in Lab), CycleGAN on unpaired
digits, pix2pix completion."""

from common import SETUP

COLOURISE = '''from PIL import Image
from skimage import data
from ganforge.apps.translate import colourise_image, load_translator
from ganforge.metrics.colour import colourfulness
from ganforge.metrics.pixels import psnr
from ganforge.models.pretrained import pretrained_path

# both shipped, both trained on the same 118 photos (none of these): a U-Net GAN that learnt every colour from
# them, and a small head on an ImageNet network's features of the gray photo
colourisers = {name: load_translator(pretrained_path(name)) for name in ("colourise", "colourise-inception")}
photos = {"coffee": data.coffee(), "astronaut": data.astronaut()}
for name, photo in photos.items():
    photo = np.asarray(Image.fromarray(photo).resize((photo.shape[1] // 2, photo.shape[0] // 2)))
    gray = np.repeat(np.asarray(Image.fromarray(photo).convert("L"))[..., None], 3, axis=2)
    shown = [("gray input", gray)]
    print(f"{name}: gray input {psnr(gray, photo):.2f} dB")
    for model, colouriser in colourisers.items():
        coloured = colourise_image(colouriser, gray)
        ratio = colourfulness(coloured) / colourfulness(photo)
        print(f"  {model}: {psnr(coloured, photo):.2f} dB, {ratio:.2f} x the truth's colourfulness")
        shown.append((model, coloured))
    plt.figure(figsize=(12, 3))
    for index, (title, image) in enumerate(shown + [("truth", photo)]):
        plt.subplot(1, 4, index + 1); plt.imshow(image); plt.title(title); plt.axis("off")
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
        ("md", ("## Coloriser\n\nLes deux modèles livrés prédisent la couleur (les canaux a\\*b\\* de "
                "l'espace Lab) à partir de la luminosité, qu'ils gardent telle quelle. `colourise`, un GAN "
                "pix2pix, a appris toutes ses couleurs de 118 photos ; `colourise-inception` lit les "
                "caractéristiques qu'un réseau entraîné sur ImageNet tire de la photo grise, et n'apprend "
                "qu'une petite tête sur les mêmes 118 photos. Sur des photos qu'aucun n'a vues, on compare au "
                "gris de départ par le PSNR (plus haut = plus proche de la vraie photo) et par la vivacité "
                "des couleurs (colourfulness) rapportée à celle de la vraie photo (1 = aussi colorée).")),
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
        ("md", ("## Colourising\n\nBoth shipped models predict the colour (the a\\*b\\* channels of Lab) from the "
                "lightness, which they keep as it is. `colourise`, a pix2pix GAN, learnt every colour from 118 "
                "photos; `colourise-inception` reads the features an ImageNet network draws from the gray photo "
                "and learns only a small head on the same 118 photos. On photos neither saw, we compare them with "
                "the gray input by PSNR (higher = closer to the real photo) and by colourfulness relative to the "
                "real photo's (1 = as colourful).")),
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
