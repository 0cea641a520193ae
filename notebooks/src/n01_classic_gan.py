"""Notebook 1, the classic GAN: noise in, images out; the layers; a short training; measuring."""

from common import SETUP

NOISE = '''import torch
from ganforge.apps.generate import load_model

generator = load_model(model="mnist-gan").generator  # shipped weights: offline, instant
z = generator.sample_latent(20, generator=torch.Generator().manual_seed(0))
print("z:", tuple(z.shape), "mean", round(z.mean().item(), 3), "std", round(z.std().item(), 3))
with torch.no_grad():
    images = generator(z)
print("images:", tuple(images.shape), "values from", round(images.min().item(), 2), "to", round(images.max().item(), 2))
show(images)'''

LAYERS = '''from ganforge.cli.info import describe

print(describe("mnist-gan"))'''

WALK = '''# a straight line between two noise vectors: the generator is smooth, so the digits morph
a, b = z[0], z[1]
steps = torch.linspace(0, 1, 10)[:, None]
with torch.no_grad():
    show(generator((1 - steps) * a + steps * b))'''

TRAIN = '''import shutil
from ganforge.training import train

steps = 20 if QUICK else 1500
shutil.rmtree(WORK / "classic-gan", ignore_errors=True)  # a fresh run each time this cell runs
result = train("mnist-gan", out=WORK / "classic-gan", steps=steps, seed=0, device="cpu", progress=False,
               overrides=["train.sample_every=250", "train.log_every=10"])
print(f"{result.step} steps in {result.seconds:.0f} s ({result.images_per_second:.0f} images/s)")
records = [json.loads(line) for line in (result.run_dir / "metrics.jsonl").read_text().splitlines()]
records = [r for r in records if "loss_D" in r]
plt.figure(figsize=(6, 3))
plt.plot([r["step"] for r in records], [r["loss_D"] for r in records], label="discriminator")
plt.plot([r["step"] for r in records], [r["loss_G"] for r in records], label="generator")
plt.plot([r["step"] for r in records], [r["D_real"] for r in records], ":", label="D(real) logit")
plt.plot([r["step"] for r in records], [r["D_fake"] for r in records], ":", label="D(fake) logit")
plt.xlabel("step"); plt.legend(); plt.show()'''

GRIDS = '''from PIL import Image

for path in sorted((result.run_dir / "samples").glob("step-*.png")):
    plt.figure(figsize=(4, 4))
    plt.imshow(np.asarray(Image.open(path)), cmap="gray")
    plt.title(path.stem); plt.axis("off"); plt.show()'''

MEASURE = '''from ganforge.apps.evaluate import evaluate

num = 200 if QUICK else 1000
for name in ("mnist-gan", "mnist-cgan"):
    result = evaluate(model=name, features="digits", num=num,
                      metrics=["fid", "precision-recall", "memorisation"])
    m = result["metrics"]
    print(f"{name:10s}  FID {m['fid']:7.1f}   precision {m['precision']:.2f}   recall {m['recall']:.2f}   "
          f"memorisation {m['memorisation']:.3f} (unseen real digits: 0.05)")'''

COLLAPSE = '''# what mode collapse looks like: a "generator" that always draws the same few digits
from ganforge.data import load_dataset
from ganforge.metrics.classifier import classify, load_classifier
from ganforge.models.pretrained import WEIGHTS_DIR
from ganforge.utils.images import from_uint8

judge = load_classifier(WEIGHTS_DIR / "mnist-classifier")
with torch.no_grad():
    drawn = generator(generator.sample_latent(1000, generator=torch.Generator().manual_seed(1)))
real = load_dataset("mnist-5k", "heldout")
collapsed = from_uint8(real.images[real.labels == 1][:10]).repeat(100, 1, 1, 1)  # one digit, ten pictures of it
for label, images in (("mnist-gan", drawn), ("collapsed", collapsed), ("real digits", from_uint8(real.images))):
    counts = np.bincount(classify(judge, images).numpy(), minlength=10)
    print(f"{label:12s} digits drawn: {counts.tolist()}")'''

NOTEBOOK = {
    "fr": ("01-gan-classique", [
        ("md", ("# 1. Le GAN classique : du bruit aux images\n\n"
               "Un réseau antagoniste génératif met deux réseaux face à face. Le **générateur** reçoit un "
               "vecteur de bruit *z* (ici 100 nombres tirés d'une loi normale) et en fait une image ; le "
               "**discriminateur** est un classifieur binaire qui dit si une image est réelle ou fabriquée. "
               "Ils s'entraînent à tour de rôle, jusqu'à ce que les fausses images passent pour vraies.\n\n"
               "Ce carnet tourne sur un portable à 2 cœurs, sans GPU : il part des poids livrés avec "
               "ganforge, puis refait un court entraînement pour voir le jeu se dérouler.")),
        ("code", SETUP),
        ("md", ("## Du bruit aux images\n\nOn tire 20 vecteurs *z* et on les donne au générateur livré "
               "(`mnist-gan`, entraîné sur 4 000 vrais chiffres manuscrits). Chaque vecteur devient un "
               "chiffre de 28×28 pixels, aux valeurs dans [−1, 1] à cause de la tangente hyperbolique "
               "finale.")),
        ("code", NOISE),
        ("md", ("## Les couches du générateur, comme au tableau\n\nDense → normalisation par lot "
               "(*batch norm*) → ReLU → une carte 128×7×7, puis deux convolutions transposées qui "
               "doublent la taille (7 → 14 → 28) et une tangente hyperbolique. Le discriminateur fait le "
               "chemin inverse avec des convolutions et se termine par **un seul logit** : réel ou faux.")),
        ("code", LAYERS),
        ("md", ("## Un espace latent continu\n\nEn glissant d'un vecteur *z* à un autre, on passe d'un "
               "chiffre à l'autre par des formes intermédiaires : le générateur a appris une fonction "
               "continue du bruit vers les images.")),
        ("code", WALK),
        ("md", ("## Le jeu à deux joueurs\n\nOn entraîne maintenant un GAN depuis zéro. À chaque pas, le "
               "discriminateur apprend à séparer les vrais chiffres des faux, puis le générateur apprend "
               "à le tromper. Les courbes montrent les deux pertes et les logits moyens du discriminateur "
               "sur les vraies et les fausses images : quand le jeu est équilibré, ils restent proches.")),
        ("code", TRAIN),
        ("md", ("Les grilles enregistrées pendant l'entraînement (toujours le même bruit) montrent les "
               "chiffres émerger du gris.")),
        ("code", GRIDS),
        ("md", ("## Mesurer : qualité, diversité, mémorisation\n\nLes deux défauts des GAN cités en cours "
               "sont le coût de calcul et le **sur-apprentissage / manque de diversité**. ganforge les "
               "mesure : la FID (distance entre les statistiques des vraies et des fausses images, plus "
               "bas = mieux), la précision (les faux ressemblent-ils à des vrais ?), le rappel (couvrent-ils "
               "toute la variété des vrais ?) et la mémorisation (part des faux plus proches d'une image "
               "d'entraînement que ne l'est un vrai chiffre jamais vu).")),
        ("code", MEASURE),
        ("md", ("## À quoi ressemble l'effondrement de modes\n\nUn générateur « effondré » ne dessine "
               "qu'une poignée de formes. Un classifieur entraîné sur de vrais chiffres compte quels "
               "chiffres sont dessinés : le GAN les couvre tous, le faux générateur effondré un seul.")),
        ("code", COLLAPSE),
    ]),
    "en": ("01-classic-gan", [
        ("md", ("# 1. The classic GAN: from noise to images\n\n"
               "A generative adversarial network pits two networks against each other. The **generator** "
               "takes a noise vector *z* (here 100 numbers from a normal distribution) and turns it into an "
               "image; the **discriminator** is a binary classifier that says whether an image is real or "
               "made. They train in turns until the fakes pass for real.\n\n"
               "This notebook runs on a 2-core laptop with no GPU: it starts from the weights that ship "
               "with ganforge, then trains a short run to watch the game unfold.")),
        ("code", SETUP),
        ("md", ("## From noise to images\n\nWe draw 20 noise vectors *z* and feed them to the shipped "
               "generator (`mnist-gan`, trained on 4,000 real handwritten digits). Each vector becomes a "
               "28×28 digit, its values in [−1, 1] because of the final tanh.")),
        ("code", NOISE),
        ("md", ("## The generator's layers, as drawn in the lecture\n\nDense → batch norm → ReLU → a "
               "128×7×7 feature map, then two transposed convolutions that double the size (7 → 14 → 28) "
               "and a tanh. The discriminator walks the other way with convolutions and ends in **one "
               "logit**: real or fake.")),
        ("code", LAYERS),
        ("md", ("## A continuous latent space\n\nSliding from one *z* to another passes from one digit to "
               "the next through in-between shapes: the generator has learned a continuous map from noise "
               "to images.")),
        ("code", WALK),
        ("md", ("## The two-player game\n\nNow we train a GAN from scratch. At every step the "
               "discriminator learns to tell real digits from fakes, then the generator learns to fool "
               "it. The curves show both losses and the discriminator's mean logits on real and fake "
               "images: while the game is balanced they stay close.")),
        ("code", TRAIN),
        ("md", "The grids saved during training (always the same noise) show digits emerging from grey."),
        ("code", GRIDS),
        ("md", ("## Measuring: quality, diversity, memorisation\n\nThe lecture names two weaknesses of "
               "GANs: the compute they cost, and **overfitting / lack of diversity**. ganforge measures "
               "them: FID (the distance between the statistics of real and fake images, lower is better), "
               "precision (do the fakes look real?), recall (do they cover the variety of real ones?) and "
               "memorisation (the share of fakes closer to a training image than an unseen real digit is).")),
        ("code", MEASURE),
        ("md", ("## What mode collapse looks like\n\nA collapsed generator draws only a handful of shapes. A "
               "classifier trained on real digits counts which digits are drawn: the GAN covers all ten, "
               "the collapsed stand-in only one.")),
        ("code", COLLAPSE),
    ]),
}
