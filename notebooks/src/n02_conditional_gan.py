"""Notebook 2, the conditional GAN: ask for a digit, and let a classifier trained on real digits judge."""

from common import SETUP

ASK = '''import torch
from ganforge.apps.generate import generate, load_model

cgan = load_model(model="mnist-cgan")  # shipped weights: the same networks as mnist-gan, plus a label
images, labels = generate(cgan, 20, label=7, seed=0)
show(images, title="label 7, twenty noise vectors")
images, labels = generate(cgan, 100, seed=0)  # no label: cycles 0, 1, ..., 9, one column per digit
show(images, title="labels 0 to 9")'''

LAYERS = '''from ganforge.cli.info import describe

print(describe("mnist-cgan"))'''

STYLE = '''# one noise vector, ten labels: the noise keeps the handwriting, the label picks the digit
generator = cgan.generator
z = generator.sample_latent(6, generator=torch.Generator().manual_seed(3))
rows = []
with torch.no_grad():
    for row in z:
        rows.append(generator(row.expand(10, -1), torch.arange(10)))
show(torch.cat(rows), title="each row: one z; each column: one label")'''

JUDGE = '''from ganforge.apps.evaluate import evaluate

num = 200 if QUICK else 1000
result = evaluate(model="mnist-cgan", features="digits", num=num, metrics=["class-accuracy", "fid", "intra-fid"])
m = result["metrics"]
print(f"the classifier (trained on real digits only) agrees with the label asked for: {m['class_accuracy']:.1%}")
print(f"FID over all digits {m['fid']:.1f}; within each digit, averaged (intra-FID) {m['intra_fid']:.1f}")'''

CONFUSION = '''from ganforge.metrics.classifier import classify, load_classifier
from ganforge.models.pretrained import WEIGHTS_DIR

judge = load_classifier(WEIGHTS_DIR / "mnist-classifier")
images, labels = generate(cgan, 1000, seed=1)
predicted = classify(judge, images)
confusion = np.zeros((10, 10), int)
np.add.at(confusion, (labels.numpy(), predicted.numpy()), 1)
plt.figure(figsize=(4, 4))
plt.imshow(confusion, cmap="Blues")
plt.xlabel("the judge reads"); plt.ylabel("label asked for"); plt.xticks(range(10)); plt.yticks(range(10))
plt.title("1,000 samples"); plt.show()
worst = int(np.argmin(np.diag(confusion) / confusion.sum(1)))
print(f"hardest digit to draw: {worst} ({confusion[worst, worst] / confusion[worst].sum():.0%} read as {worst})")'''

TRAIN = '''import shutil
from PIL import Image
from ganforge.training import train

steps = 20 if QUICK else 1500
shutil.rmtree(WORK / "cgan", ignore_errors=True)
result = train("mnist-cgan", out=WORK / "cgan", steps=steps, seed=0, device="cpu", progress=False,
               overrides=["train.sample_every=500"])
print(f"{result.step} steps in {result.seconds:.0f} s")
last = sorted((result.run_dir / "samples").glob("step-*.png"))[-1]
plt.figure(figsize=(5, 5)); plt.imshow(np.asarray(Image.open(last)), cmap="gray"); plt.axis("off")
plt.title(f"{last.stem}: one column per label"); plt.show()'''

NOTEBOOK = {
    "fr": ("02-gan-conditionnel", [
        ("md", ("# 2. Le GAN conditionnel : demander un chiffre\n\n"
                "Le GAN classique dessine un chiffre au hasard. Le **GAN conditionnel** (Mirza et Osindero, "
                "2014) donne aux deux réseaux une information de plus, l'étiquette *y* : le générateur reçoit "
                "*z* et *y* et doit dessiner un *y* ; le discriminateur reçoit l'image et *y* et juge si c'est "
                "un vrai *y*. On choisit alors ce que l'on veut obtenir.")),
        ("code", SETUP),
        ("md", ("## Demander un 7\n\nLe modèle livré `mnist-cgan` a appris sur les mêmes 4 000 chiffres que "
                "`mnist-gan`. On lui demande vingt 7, puis les dix chiffres dans l'ordre.")),
        ("code", ASK),
        ("md", ("## Où entre l'étiquette\n\nDans le générateur, l'étiquette devient un petit vecteur appris "
                "(*embedding*) collé à *z* avant la première couche dense. Dans le discriminateur, elle entre "
                "par une **projection** (Miyato et Koyama, 2018) : le logit final reçoit en plus le produit "
                "scalaire entre les caractéristiques de l'image et l'*embedding* de l'étiquette.")),
        ("code", LAYERS),
        ("md", ("## Le bruit garde le style, l'étiquette choisit le chiffre\n\nOn fixe *z* et on fait varier "
                "*y* : sur chaque ligne, l'épaisseur et l'inclinaison du trait restent, le chiffre change. Le "
                "bruit code ce que l'étiquette ne dit pas.")),
        ("code", STYLE),
        ("md", ("## Le verdict d'un juge\n\nComment savoir si le générateur obéit ? On fait lire ses images "
                "par un classifieur entraîné **uniquement sur de vrais chiffres** (jamais sur le "
                "discriminateur) et on compte combien il lit le chiffre demandé. La FID intra-classe mesure en "
                "plus la qualité chiffre par chiffre.")),
        ("code", JUDGE),
        ("md", ("La matrice de confusion montre quels chiffres le générateur réussit et lesquels il confond "
                "(la diagonale : lus comme demandé).")),
        ("code", CONFUSION),
        ("md", ("## S'entraîner soi-même\n\nUn entraînement court (1 500 pas, quelques minutes sur 2 cœurs) : "
                "dans la grille, chaque colonne est une étiquette, et les chiffres y apparaissent colonne par "
                "colonne.")),
        ("code", TRAIN),
    ]),
    "en": ("02-conditional-gan", [
        ("md", ("# 2. The conditional GAN: ask for a digit\n\n"
                "The classic GAN draws a random digit. The **conditional GAN** (Mirza & Osindero, 2014) gives "
                "both networks one more input, the label *y*: the generator gets *z* and *y* and must draw a "
                "*y*; the discriminator gets the image and *y* and judges whether it is a real *y*. Now we "
                "choose what we get.")),
        ("code", SETUP),
        ("md", ("## Ask for a 7\n\nThe shipped `mnist-cgan` learned from the same 4,000 digits as `mnist-gan`. "
                "We ask it for twenty 7s, then for the ten digits in order.")),
        ("code", ASK),
        ("md", ("## Where the label goes in\n\nIn the generator the label becomes a small learned vector (an "
                "embedding) joined to *z* before the first dense layer. In the discriminator it enters by "
                "**projection** (Miyato & Koyama, 2018): the final logit also gets the inner product of the "
                "image's features with the label's embedding.")),
        ("code", LAYERS),
        ("md", ("## The noise keeps the style, the label picks the digit\n\nFix *z* and vary *y*: along each "
                "row the stroke's thickness and slant stay, the digit changes. The noise encodes what the "
                "label does not say.")),
        ("code", STYLE),
        ("md", ("## A judge's verdict\n\nHow do we know the generator obeys? A classifier trained **only on "
                "real digits** (never the discriminator) reads its images, and we count how often it reads "
                "the digit asked for. Intra-class FID also measures quality digit by digit.")),
        ("code", JUDGE),
        ("md", ("The confusion matrix shows which digits the generator gets right and which it mixes up (the "
                "diagonal: read as asked).")),
        ("code", CONFUSION),
        ("md", ("## Train one yourself\n\nA short run (1,500 steps, a few minutes on 2 cores): in the grid each "
                "column is a label, and the digits appear column by column.")),
        ("code", TRAIN),
    ]),
}
