"""Notebook 5, StyleGAN2: the mapping network, truncation, style mixing, walks in z and in w, and
what training costs."""

from common import SETUP

NEEDS = ("stylegan2-mnist",)  # shipped weights this notebook runs on

SAMPLE = '''import torch
from ganforge.apps.generate import generate, load_model

stylegan = load_model(model="stylegan2-mnist")  # shipped: 20,000 steps on real digits, ~2 h on 2 CPU cores
images, _ = generate(stylegan, 30, seed=0)
show(images, title="stylegan2-mnist: 30 samples (32x32)")'''

LAYERS = '''from ganforge.cli.info import describe

print(describe("stylegan2-mnist"))'''

TRUNCATION = '''rows = [generate(stylegan, 10, seed=1, truncation=psi)[0] for psi in (1.0, 0.7, 0.4, 0.0)]
show(torch.cat(rows), title="rows: truncation psi = 1, 0.7, 0.4, 0 (the average digit)")'''

MIXING = '''from ganforge.apps.style import mix_grid

grid = mix_grid(stylegan, [1, 2, 3, 4], [10, 11, 12, 13, 14])
plt.figure(figsize=(6, 5)); plt.imshow(grid[..., 0], cmap="gray"); plt.axis("off")
plt.title("each cell: the row's fine styles, the column's coarse styles"); plt.show()'''

WALK = '''from ganforge.apps.style import interpolation_frames
from ganforge.utils.images import from_uint8

for space in ("z", "w"):
    frames = interpolation_frames(stylegan, [5, 6], steps=10, space=space)[:10]
    show(from_uint8(np.stack(frames)), title=f"from seed 5 to seed 6 in {space}")'''

MEASURE = '''from ganforge.apps.evaluate import evaluate

num = 200 if QUICK else 1000
for name in ("mnist-gan", "stylegan2-mnist"):
    m = evaluate(model=name, features="digits", num=num, metrics=["fid", "precision-recall"])["metrics"]
    print(f"{name:16s} FID {m['fid']:6.1f}   precision {m['precision']:.2f}   recall {m['recall']:.2f}")'''

COST = '''import shutil
from PIL import Image
from ganforge.training import train

steps = 5 if QUICK else 300
shutil.rmtree(WORK / "stylegan2", ignore_errors=True)
run = train("stylegan2-mnist", out=WORK / "stylegan2", steps=steps, seed=0, device="cpu", progress=False,
            overrides=["train.sample_every=100", "train.eval_every=0"])
print(f"{run.step} steps in {run.seconds:.0f} s ({run.images_per_second:.0f} images/s); the shipped model took "
      f"20,000 steps")
last = max((run.run_dir / "samples").glob("step-*.png"))
plt.figure(figsize=(4, 4)); plt.imshow(np.asarray(Image.open(last)), cmap="gray"); plt.axis("off")
plt.title(last.stem); plt.show()'''

NOTEBOOK = {
    "fr": ("05-stylegan2", [
        ("md", ("# 5. StyleGAN2 : le style, couche par couche\n\n"
                "StyleGAN (Karras et al., 2019, puis StyleGAN2 en 2020) change la façon dont le bruit entre "
                "dans le générateur. Un **réseau de correspondance** (*mapping*) transforme d'abord *z* en un "
                "vecteur intermédiaire *w* ; puis *w* règle, à chaque couche, le « style » de la convolution. "
                "Les premières couches (basse résolution) décident de la forme, les dernières du détail du "
                "trait.")),
        ("code", SETUP),
        ("md", "## Des chiffres tirés du modèle livré\n\n`stylegan2-mnist` a appris sur 4 000 vrais chiffres."),
        ("code", SAMPLE),
        ("md", ("## Les couches\n\nLe réseau de correspondance (8 couches denses), puis une constante apprise "
                "de 4×4 qui grandit jusqu'à 32×32 ; chaque convolution « modulée » lit son propre *w[i]*.")),
        ("code", LAYERS),
        ("md", ("## La troncature\n\nOn rapproche *w* de sa moyenne : *w* ← *w̄* + ψ (*w* − *w̄*). Avec ψ < 1 "
                "les images sont plus propres mais moins variées ; ψ = 0 donne le « chiffre moyen ». C'est un "
                "réglage direct du compromis qualité / diversité dont parle le cours.")),
        ("code", TRUNCATION),
        ("md", ("## Le mélange de styles\n\nChaque case prend le *w* d'une colonne pour les couches grossières "
                "(la forme) et celui d'une ligne pour les couches fines (le trait).")),
        ("code", MIXING),
        ("md", ("## Marcher dans *z* ou dans *w*\n\nEntre deux graines, la marche dans *w* est plus régulière "
                "que dans *z* : le réseau de correspondance « déplie » l'espace latent.")),
        ("code", WALK),
        ("md", ("## Mesurer\n\nFID et précision / rappel sur les caractéristiques du classifieur de chiffres, "
                "contre le DCGAN livré : StyleGAN2 dessine des chiffres plus propres (précision) mais moins "
                "variés (rappel).")),
        ("code", MEASURE),
        ("md", ("## Ce que coûte l'entraînement\n\nLe premier inconvénient des GAN cité en cours est le coût "
                "de calcul. Quelques centaines de pas montrent le début de l'apprentissage : au départ, "
                "StyleGAN2 dessine longtemps une seule forme ; le modèle livré a demandé 20 000 pas.")),
        ("code", COST),
    ]),
    "en": ("05-stylegan2", [
        ("md", ("# 5. StyleGAN2: style, layer by layer\n\n"
                "StyleGAN (Karras et al. 2019, then StyleGAN2 in 2020) changes how noise enters the generator. "
                "A **mapping network** first turns *z* into an intermediate vector *w*; then *w* sets the "
                "\"style\" of the convolution at every layer. The first (low-resolution) layers decide the "
                "shape, the last ones the details of the stroke.")),
        ("code", SETUP),
        ("md", "## Digits from the shipped model\n\n`stylegan2-mnist` learned from 4,000 real digits."),
        ("code", SAMPLE),
        ("md", ("## The layers\n\nThe mapping network (8 dense layers), then a learned 4×4 constant that grows to "
                "32×32; each modulated convolution reads its own *w[i]*.")),
        ("code", LAYERS),
        ("md", ("## Truncation\n\nPull *w* towards its mean: *w* ← *w̄* + ψ (*w* − *w̄*). With ψ < 1 the images "
                "are cleaner but less varied; ψ = 0 gives the average digit. It is a direct dial on the "
                "quality / diversity trade-off the lecture talks about.")),
        ("code", TRUNCATION),
        ("md", ("## Style mixing\n\nEach cell takes a column's *w* for the coarse layers (the shape) and a row's "
                "for the fine layers (the stroke).")),
        ("code", MIXING),
        ("md", ("## Walking in *z* or in *w*\n\nBetween two seeds, the walk in *w* is smoother than in *z*: the "
                "mapping network unfolds the latent space.")),
        ("code", WALK),
        ("md", ("## Measuring\n\nFID and precision / recall on the digit classifier's features, against the "
                "shipped DCGAN: StyleGAN2 draws cleaner digits (precision) but less varied ones (recall).")),
        ("code", MEASURE),
        ("md", ("## What training costs\n\nThe first disadvantage of GANs the lecture names is compute. A few "
                "hundred steps show the start of learning: early on, StyleGAN2 draws one shape for a long "
                "time; the shipped model took 20,000 steps.")),
        ("code", COST),
    ]),
}
