"""Notebook 4, super-resolution x4: bicubic, SRResNet (pixel loss) and SRGAN (+ content and
adversarial losses), with PSNR."""

from common import SETUP

COMPARE = '''from skimage import data
from ganforge.apps.translate import load_translator
from ganforge.data.resize import downscale, upscale_bicubic
from ganforge.metrics.pixels import psnr_y
from ganforge.models.pretrained import pretrained_path
from ganforge.utils.images import from_uint8, to_uint8

truth = data.chelsea()[:296, :448]  # a photo the shipped models never trained on; sides multiples of 4
small = downscale(truth, 4)  # what a camera with 4x fewer pixels per side would give
bicubic = upscale_bicubic(small, 4)
srresnet = load_translator(pretrained_path("srresnet-x4"))
sharp = to_uint8(srresnet(from_uint8(small[None])))[0]
results = {"bicubic": bicubic, "SRResNet": sharp}
for name, image in results.items():
    print(f"{name:9s} PSNR (Y channel, 4-pixel border cut) {psnr_y(image, truth, 4):.2f} dB")'''

SRGAN = '''import shutil
from ganforge.training import train

shutil.rmtree(WORK / "srgan", ignore_errors=True)
run = train("srgan-x4", out=WORK / "srgan", steps=5 if QUICK else 300, seed=0, device="cpu", progress=False,
            init_generator=str(pretrained_path("srresnet-x4")))
srgan = load_translator(run.run_dir)
results["SRGAN"] = to_uint8(srgan(from_uint8(small[None])))[0]
print(f"SRGAN ({run.step} steps from SRResNet) PSNR {psnr_y(results['SRGAN'], truth, 4):.2f} dB")'''

SHOW = '''crop = (slice(80, 208), slice(160, 288))  # the cat's face, 128 x 128 pixels
plt.figure(figsize=(12, 3.4))
for index, (title, image) in enumerate([("low resolution (x4 nearest)", np.kron(small, np.ones((4, 4, 1), np.uint8))),
                                        *results.items(), ("truth", truth)]):
    plt.subplot(1, 5, index + 1); plt.imshow(image[crop]); plt.title(title, fontsize=9); plt.axis("off")
plt.show()'''

NOTEBOOK = {
    "fr": ("04-super-resolution", [
        ("md", ("# 4. Super-résolution : quatre fois plus de pixels\n\n"
                "On donne au réseau une photo réduite 4 fois par côté ; il doit rendre la photo en taille "
                "réelle. **SRResNet** (Ledig et al., 2017) apprend avec une perte par pixel (l'erreur "
                "quadratique) : il maximise le PSNR mais rend des images lisses, car la moyenne de toutes les "
                "textures possibles est floue. **SRGAN** ajoute une perte de contenu (distance entre "
                "caractéristiques d'un réseau pré-entraîné) et un discriminateur : les textures deviennent "
                "plus nettes, même si le PSNR baisse.")),
        ("code", SETUP),
        ("md", ("## Bicubique contre SRResNet\n\nLe modèle livré `srresnet-x4` sur une photo qu'il n'a jamais "
                "vue. Le PSNR est mesuré sur la luminance, 4 pixels de bord retirés, comme dans les tables "
                "publiées.")),
        ("code", COMPARE),
        ("md", ("## SRGAN\n\nSRGAN part des poids de SRResNet et ajoute le discriminateur ; quelques centaines "
                "de pas suffisent à voir la différence de texture (docs/super-resolution.md donne les mesures "
                "d'un entraînement complet).")),
        ("code", SRGAN),
        ("md", "## Côte à côte\n\nLa même région, agrandie : pixels bruts, bicubique, SRResNet, SRGAN, vérité."),
        ("code", SHOW),
    ]),
    "en": ("04-super-resolution", [
        ("md", ("# 4. Super-resolution: four times the pixels\n\n"
                "The network gets a photo shrunk 4 times per side and must give back the full-size photo. "
                "**SRResNet** (Ledig et al. 2017) learns with a per-pixel loss (squared error): it maximises PSNR "
                "but gives smooth images, since the average of all plausible textures is blurry. **SRGAN** adds "
                "a content loss (a distance between the features of a pretrained network) and a discriminator: "
                "textures get sharper, even if PSNR drops.")),
        ("code", SETUP),
        ("md", ("## Bicubic against SRResNet\n\nThe shipped `srresnet-x4` on a photo it never saw. PSNR is "
                "measured on the luma with a 4-pixel border cut, as in published tables.")),
        ("code", COMPARE),
        ("md", ("## SRGAN\n\nSRGAN starts from SRResNet's weights and adds the discriminator; a few hundred steps "
                "show the change in texture (docs/super-resolution.md gives the figures of a full run).")),
        ("code", SRGAN),
        ("md", "## Side by side\n\nThe same region, enlarged: raw pixels, bicubic, SRResNet, SRGAN, truth."),
        ("code", SHOW),
    ]),
}
