"""Notebook 6, what GANs are used for: editing real images through the latent space, synthetic data
for augmentation, anomaly detection, speech, words, chorales, faces and clips (the last cells join once
their weights ship: specgan-digits, french-words, chorales, faces, moving-mnist)."""

from common import SETUP

INVERT = '''import torch
from ganforge.apps.generate import load_model
from ganforge.apps.inversion import Inverter, InversionSettings
from ganforge.apps.latent import LatentGenerator
from ganforge.data import load_dataset
from ganforge.utils.images import from_uint8

held = load_dataset("mnist-5k", "heldout")  # real digits the generator never saw
picks = [int(np.flatnonzero(held.labels == k)[7]) for k in range(10)]
real = from_uint8(held.images[picks])
model = LatentGenerator(load_model(model="mnist-gan"))
steps = 30 if QUICK else 300
inversion = Inverter(model, InversionSettings(steps=steps), progress=False).invert(real)
psnr = 10 * torch.log10(4 / inversion.pixel_mse)
print(f"{steps} steps; reconstruction PSNR {psnr.mean():.1f} dB on average")
show(torch.cat([real, inversion.images]), title="top: real digits; bottom: the generator's closest drawing")'''

DIRECTIONS = '''from ganforge.apps.directions import find_directions

found = find_directions(model, "attribute", attributes=("thickness", "slant"), samples=300 if QUICK else 2000)
for direction in found.directions:
    effect = direction.effect
    print(f"{direction.name:10s} per unit of strength: thickness {effect['thickness']:+.2f} px, "
          f"slant {effect['slant']:+.3f}, width {effect['width']:+.2f} px, height {effect['height']:+.2f} px")'''

EDIT = '''from ganforge.apps.edit import edit_latents

strengths = [-4, -2, 0, 2, 4]
for name in ("thickness", "slant"):
    images = edit_latents(model, inversion.latents[:5], "z", None, found.get(name), strengths, (0, 0))
    show(images.flatten(0, 1), columns=len(strengths), title=f"{name}: strength {strengths[0]} ... {strengths[-1]}")'''

COMPLETE = '''from ganforge.apps.edit import complete

known = torch.ones(1, 1, 28, 28, dtype=torch.bool)
known[..., 14:, :] = False  # the lower half is missing
filled, _ = complete(model, real, known, InversionSettings(steps=steps))
masked = torch.where(known, real, torch.full_like(real, -1.0))
show(torch.cat([masked, filled, real]), title="masked | completed by inversion | the real digit")'''

AUGMENT = '''import shutil
from ganforge.apps.augment import augment
from ganforge.metrics.cas import classification_accuracy_score

shutil.rmtree(WORK / "synthetic", ignore_errors=True)
manifest = augment(model="mnist-cgan", per_class=20 if QUICK else 400, out=WORK / "synthetic", seed=0)
synthetic = load_dataset(str(WORK / "synthetic"))
print(f"{len(synthetic)} generated digits in {len(synthetic.class_names)} labelled folders")
train = load_dataset("mnist-5k", "train")
scores = classification_accuracy_score(synthetic.images, synthetic.labels, held.images, held.labels,
                                       real_images=train.images, real_labels=train.labels,
                                       steps=20 if QUICK else 500)
print(f"a classifier trained on generated digits only: {scores['cas']:.1%} on real digits; "
      f"on as many real digits: {scores['cas_real']:.1%}")'''

ANOMALY = '''import shutil
from PIL import Image
from ganforge.apps.anomaly import evaluate_anomaly
from ganforge.training import train

results = {}
for family in ("ganomaly", "autoencoder"):  # the GAN, and the same networks without the adversary
    shutil.rmtree(WORK / family, ignore_errors=True)
    run = train(family, out=WORK / family, steps=20 if QUICK else 600, seed=0, device="cpu",
                progress=False, overrides=["preprocess.normal=[1]"])
    results[family] = evaluate_anomaly(run.run_dir, histogram=WORK / f"{family}-scores.png")
protocol = results["ganomaly"]["protocol"]
print(f"normal: digit 1 only; test: {protocol['n_normal']} ones and {protocol['n_anomalous']} other digits")
for family, result in results.items():
    m = result["metrics"]
    print(f"{family:12s} AUROC {m['auroc']:.3f}; at the threshold that flags 5 % of normal validation "
          f"images, {m['true_positive_rate']:.0%} of the other digits are caught")
fig, axes = plt.subplots(1, 2, figsize=(12, 3))
for ax, family in zip(axes, results):
    ax.imshow(np.asarray(Image.open(WORK / f"{family}-scores.png"))); ax.set_title(family); ax.axis("off")
plt.show()'''

SPEECH = '''from IPython.display import Audio, display
from ganforge.apps.evaluate_speech import JUDGE
from ganforge.apps.speech import speak
from ganforge.metrics.speech import load_speech_classifier, predict_proba
from ganforge.models.pretrained import WEIGHTS_DIR
from ganforge.utils.spectrogram import to_spectrogram

voice = load_model(model="specgan-digits")
waves = torch.cat([speak(voice, digit, 1, seed=0) for digit in range(10)])  # (10, 1, 16384): 1.02 s at 16 kHz
judge = load_speech_classifier(WEIGHTS_DIR / JUDGE)  # trained on real recordings only
heard = predict_proba(judge, waves).argmax(1)
print("asked for:     ", list(range(10)))
print("the judge hears:", heard.tolist())
show(to_spectrogram(waves), title="spectrograms of 0 ... 9 (time to the right, pitch up)")
for digit in (3, 7):
    print(f"the model saying {digit}:")
    display(Audio(waves[digit, 0].numpy(), rate=16000))'''

WORDS = '''from ganforge.apps.text import load_text_model, write_words
from ganforge.data.words import read_word_list, load_words

writer = load_text_model(model="french-words")  # learnt from real French words (Debian's wfrench)
words = write_words(writer, 30, seed=0)
dictionary = set(read_word_list("wfrench")) if Path("/usr/share/dict/french").exists() else set()
seen = set(load_words("wfrench", "train").words()) if dictionary else set()
for word in words[:30]:
    mark = "" if not dictionary else (" (a real word it never saw)" if word in dictionary and word not in seen
                                      else " (a real word)" if word in dictionary else "")
    print(word + mark)'''

MUSIC = '''import torch
from IPython.display import Audio, display
from ganforge.apps.music import compose, load_music_model, synthesise
from ganforge.models.musegan import roll_pictures

composer = load_music_model(model="chorales")  # learnt from Bach's chorales (music21's corpus)
rolls = compose(composer, 4, seed=0)  # (4 passages, 4 voices, 64 sixteenths, 64 pitches)
show(roll_pictures(torch.from_numpy(rolls)), columns=2,
     title="four passages: soprano red, alto green, tenor blue, bass black; time to the right, pitch up")
display(Audio(synthesise(rolls[0]), rate=16000))'''

FACES = '''import torch
from ganforge.apps.directions import find_directions
from ganforge.data.utkface import shared_faces_dir

faces = LatentGenerator(load_model(model="faces"))  # a DCGAN of 64x64 faces (UTKFace: non-commercial research only)
found = find_directions(faces, "attribute", samples=300 if QUICK else 2000)  # sex and age, read by the face judge
for direction in found.directions:
    print(f"{direction.name:4s} per unit of strength: sex {direction.effect['sex']:+.2f} (log-odds of female), "
          f"age {direction.effect['age']:+.1f} years")
if shared_faces_dir() is None:  # the photos are the team's, not the package's: edit faces the model draws
    start = faces.random_z(4, seed=1)
    first = faces.render(start, "z")
else:
    held = load_dataset("utkface", "heldout")  # real faces no model trained on
    first = from_uint8(held.images[[3, 40, 200, 500]])
    start = Inverter(faces, InversionSettings(steps=steps), progress=False).invert(first).latents
strengths = torch.tensor([-3.0, -1.5, 0.0, 1.5, 3.0])
for name in ("sex", "age"):
    direction = found.get(name)
    moves = start[:, None] + strengths[None, :, None] * direction.scale * direction.vector
    edited = faces.render(moves.flatten(0, 1), "z")
    rows = torch.cat([first[:, None], edited.view(len(first), len(strengths), *edited.shape[1:])], 1)
    show(rows.flatten(0, 1), columns=len(strengths) + 1,
         title=f"{name}: the face, then strength -3 ... +3 (+ is more female / older)")'''

VIDEO = '''import torch
from ganforge.apps.video import animate, load_video_model

clips = load_video_model(model="moving-mnist")  # the digits held across a clip, their motion from a GRU
same_digits = np.concatenate([animate(clips, 1, content_seed=7, motion_seed=m) for m in (1, 2, 3)])
as_images = lambda frames: torch.from_numpy(frames).permute(0, 3, 1, 2).float() / 127.5 - 1
show(as_images(same_digits[:, ::2].reshape(-1, 64, 64, 1)), columns=8,
     title="one content seed, three motion seeds: the same digits move differently (every other frame)")
same_motion = np.concatenate([animate(clips, 1, content_seed=c, motion_seed=1) for c in (4, 5, 6)])
show(as_images(same_motion[:, ::2].reshape(-1, 64, 64, 1)), columns=8,
     title="three content seeds, one motion seed: other digits, the same way of moving")'''

NOTEBOOK = {
    "fr": ("06-usages", [
        ("md", ("# 6. À quoi servent les GAN\n\n"
                "Le cours cite plusieurs usages : la **retouche de photos** (changer un attribut d'une image "
                "réelle, la compléter), les **données synthétiques** pour enrichir un jeu d'apprentissage, la "
                "**détection d'anomalies**, et la génération d'autre chose que des images. Ce carnet les essaie "
                "sur de vrais chiffres manuscrits, avec les modèles livrés.")),
        ("code", SETUP),
        ("md", ("## Retouche : retrouver le *z* d'une image réelle\n\nPour modifier une image réelle avec un "
                "générateur, il faut d'abord trouver le vecteur latent qui la dessine : c'est l'**inversion**. "
                "On part de plusieurs *z* au hasard et on descend le gradient d'une distance entre l'image "
                "dessinée et l'image réelle (pixels + caractéristiques d'un réseau déjà entraîné), comme le "
                "« projecteur » de StyleGAN2.")),
        ("code", INVERT),
        ("md", ("## Des directions qui changent un attribut\n\nL'épaisseur du trait et son inclinaison se "
                "**mesurent** sur une image (aire de l'encre / longueur du squelette ; cisaillement tiré des "
                "moments d'ordre 2). On dessine 2 000 chiffres, on mesure, et on cherche la direction de "
                "l'espace latent le long de laquelle l'attribut croît (InterFaceGAN) ; les deux directions "
                "sont rendues indépendantes l'une de l'autre.")),
        ("code", DIRECTIONS),
        ("md", ("On déplace les chiffres réels inversés le long de chaque direction. Dans l'espace *z* d'un "
                "DCGAN l'effet reste faible et, poussé loin, change parfois le chiffre : l'espace *w* de "
                "StyleGAN2 (voir docs/editing.md) sépare mieux les attributs.")),
        ("code", EDIT),
        ("md", ("## Compléter une image\n\nOn cache la moitié basse : l'inversion ne regarde que les pixels "
                "connus, et le générateur dessine le reste.")),
        ("code", COMPLETE),
        ("md", ("## Données synthétiques\n\n`ganforge augment` écrit des chiffres générés rangés par classe. "
                "Entraîne-t-on un aussi bon classifieur avec eux qu'avec de vrais chiffres ? Le score CAS "
                "(Ravuri et Vinyals, 2019) répond : un classifieur appris sur les seuls faux, testé sur de "
                "vrais chiffres, à côté du même classifieur appris sur autant de vrais.")),
        ("code", AUGMENT),
        ("md", ("## Détection d'anomalies\n\nUn modèle apprend à quoi ressemblent les images *normales* (ici "
                "les seuls 1) ; ce qu'il reconstruit mal est une anomalie. **GANomaly** (Akcay et al., 2018) "
                "est un GAN : son générateur encode l'image, la redessine et encode le dessin, un "
                "discriminateur le pousse à dessiner de vrais 1, et le score est l'écart entre les deux codes. "
                "À côté, les mêmes réseaux appris sans discriminateur (un auto-encodeur, score : l'erreur de "
                "reconstruction) disent ce que le jeu adverse apporte. L'AUROC résume la séparation (1 : "
                "parfaite, 0,5 : le hasard) ; les histogrammes montrent les scores des normaux et des autres.")),
        ("code", ANOMALY),
        ("md", ("Un seul modèle, une seule graine ne suffisent pas à départager deux méthodes. Sur "
                "Fashion-MNIST, chaque classe normale à tour de rôle et trois graines chacune, GANomaly atteint "
                "une AUROC moyenne de 91,7, l'auto-encodeur 90,0, et Deep SVDD, qui n'a rien d'un GAN, 91,6 : "
                "le GAN n'y gagne rien de mesurable (`python bench/quality/anomaly.py`, docs/anomaly.md).")),
        ("md", ("## Générer de la parole\n\nUn GAN ne dessine pas que des images. SpecGAN dessine des "
                "**spectrogrammes** (l'énergie de chaque fréquence au fil du temps) de chiffres prononcés, "
                "appris sur de vrais enregistrements (Free Spoken Digit Dataset) ; l'algorithme de "
                "Griffin-Lim estime la phase qui manque et en fait un son. Un classifieur entraîné sur de "
                "vraies voix sert de juge : entend-il le chiffre demandé ?"), "specgan-digits"),
        ("code", SPEECH, "specgan-digits"),
        ("md", ("## Écrire des mots\n\nLe texte est le cas difficile : un mot est une suite de choix "
                "discrets, et aucun gradient ne traverse le choix d'une lettre. Ce GAN (WGAN-GP de Gulrajani "
                "et al., 2017) a appris sur de vrais mots français ; son critique voit une lettre tirée à "
                "chaque place (Gumbel-softmax). Lesquels de ses mots existent, et lesquels n'étaient pas dans "
                "ce qu'il a vu ? docs/text.md le compare à deux modèles de langue qui ne sont pas des GAN."),
         "french-words"),
        ("code", WORDS, "french-words"),
        ("md", ("## Composer\n\nUn GAN à la manière de MuseGAN a appris sur les chorals à quatre voix de "
                "Bach (le corpus livré avec music21) : il dessine d'un coup quatre mesures, une couche par "
                "voix, sur une grille de doubles croches. `ganforge compose` en écrit les fichiers MIDI."),
         "chorales"),
        ("code", MUSIC, "chorales"),
        ("md", ("## Retoucher un visage : le sexe et l'âge\n\nLe cours cite la retouche du sexe et de l'âge "
                "d'un visage. Un DCGAN a appris sur 8 146 vrais visages (UTKFace, usage de recherche non "
                "commercial) ; un petit classifieur entraîné sur de vrais visages lit le sexe et l'âge de 2 000 "
                "visages dessinés, et l'on cherche les directions de *z* le long desquelles ils changent "
                "(InterFaceGAN, chacune tenant l'autre fixe). On inverse de vrais visages jamais vus, puis on les "
                "déplace. docs/faces.md mesure combien d'entre eux changent de sexe ou prennent 15 ans."),
         "faces"),
        ("code", FACES, "faces"),
        ("md", ("## Des vidéos\n\nMoCoGAN (Tulyakov et al., 2018) sépare **ce que montre** un clip (un code "
                "tiré une fois) de **la façon dont il bouge** (un réseau récurrent nourri de bruit à chaque "
                "image). Ici le code de contenu choisit deux chiffres que dessine le GAN d'images `mnist-gan`, "
                "figé (la recette de MoCoGAN-HD, Tian et al. 2021), et le réseau de mouvement, appris face à un "
                "critique de vrais clips de deux chiffres MNIST qui rebondissent, les déplace. Il partait de "
                "chiffres immobiles : leur vitesse (3,2 pixels par image) et leurs rebonds, c'est le critique qui "
                "les lui a appris. Garder le code de contenu et changer celui du mouvement fait bouger les mêmes "
                "chiffres autrement."),
         "moving-mnist"),
        ("code", VIDEO, "moving-mnist"),
    ]),
    "en": ("06-uses", [
        ("md", ("# 6. What GANs are used for\n\n"
                "The lecture names several uses: **photo editing** (change an attribute of a real image, "
                "complete it), **synthetic data** to enlarge a training set, **anomaly detection**, and "
                "generating more than images. This notebook tries them on real handwritten digits with the "
                "shipped models.")),
        ("code", SETUP),
        ("md", ("## Editing: finding the *z* of a real image\n\nTo change a real image with a generator we "
                "first need the latent vector that draws it: this is **inversion**. We start from several "
                "random *z* and follow the gradient of a distance between the drawn image and the real one "
                "(pixels + the features of an already trained network), as StyleGAN2's projector does.")),
        ("code", INVERT),
        ("md", ("## Directions that change an attribute\n\nStroke thickness and slant can be **measured** on "
                "an image (ink area / skeleton length; the shear from second-order moments). We draw 2,000 "
                "digits, measure them, and fit the latent direction along which the attribute grows "
                "(InterFaceGAN); the two directions are made independent of each other.")),
        ("code", DIRECTIONS),
        ("md", ("We move the inverted real digits along each direction. In a DCGAN's *z* the effect stays "
                "small and, pushed far, sometimes changes the digit: StyleGAN2's *w* separates attributes "
                "better (see docs/editing.md).")),
        ("code", EDIT),
        ("md", ("## Completing an image\n\nWe hide the lower half: the inversion looks at the known pixels "
                "only, and the generator draws the rest.")),
        ("code", COMPLETE),
        ("md", ("## Synthetic data\n\n`ganforge augment` writes generated digits sorted by class. Do they "
                "train as good a classifier as real digits? The Classification Accuracy Score (Ravuri & "
                "Vinyals, 2019) answers: a classifier trained on the fakes alone, tested on real digits, "
                "beside the same classifier trained on as many real ones.")),
        ("code", AUGMENT),
        ("md", ("## Anomaly detection\n\nA model learns what *normal* images look like (here: 1s only); what it "
                "reconstructs badly is an anomaly. **GANomaly** (Akcay et al., 2018) is a GAN: its generator "
                "encodes the image, redraws it and encodes the drawing, a discriminator pushes it to draw real "
                "1s, and the score is the distance between the two codes. Beside it, the same networks "
                "trained without the discriminator (an autoencoder, scored by its reconstruction error) tell "
                "what the adversarial game adds. AUROC sums up the separation (1: perfect, 0.5: chance); the "
                "histograms show the scores of normal and other digits.")),
        ("code", ANOMALY),
        ("md", ("One model and one seed cannot rank two methods. On Fashion-MNIST, each class normal in turn "
                "and three seeds each, GANomaly reaches a mean AUROC of 91.7, the autoencoder 90.0, and Deep "
                "SVDD, which is no GAN at all, 91.6: the GAN buys nothing measurable there (`python "
                "bench/quality/anomaly.py`, docs/anomaly.md).")),
        ("md", ("## Generating speech\n\nA GAN draws more than pictures. SpecGAN draws **spectrograms** "
                "(the energy of each frequency over time) of spoken digits, learnt from real recordings (the "
                "Free Spoken Digit Dataset); the Griffin-Lim algorithm estimates the missing phase and turns "
                "them into sound. A classifier trained on real voices is the judge: does it hear the digit "
                "that was asked for?"), "specgan-digits"),
        ("code", SPEECH, "specgan-digits"),
        ("md", ("## Writing words\n\nText is the hard case: a word is a sequence of discrete choices, and no "
                "gradient passes through picking a letter. This GAN (the WGAN-GP of Gulrajani et al., 2017) "
                "learnt from real French words; its critic sees one letter drawn at each place (Gumbel-softmax). "
                "Which of its words exist, and which were not among those it saw? docs/text.md compares it with "
                "two language models that are not GANs."), "french-words"),
        ("code", WORDS, "french-words"),
        ("md", ("## Composing\n\nA MuseGAN-style GAN learnt from Bach's four-part chorales (the corpus that "
                "comes with music21): it draws four bars at once, one layer per voice, on a grid of sixteenth "
                "notes. `ganforge compose` writes them as MIDI files."), "chorales"),
        ("code", MUSIC, "chorales"),
        ("md", ("## Retouching a face: sex and age\n\nThe lecture names retouching a face's sex and age. A DCGAN "
                "learnt from 8,146 real faces (UTKFace, non-commercial research only); a small classifier trained "
                "on real faces reads the sex and age of 2,000 drawn faces, and we fit the directions of *z* along "
                "which they change (InterFaceGAN, each holding the other still). We invert real faces it never "
                "saw, then move them. docs/faces.md measures how many change sex or gain 15 years."), "faces"),
        ("code", FACES, "faces"),
        ("md", ("## Video\n\nMoCoGAN (Tulyakov et al., 2018) keeps **what a clip shows** (a code drawn once) apart "
                "from **how it moves** (a recurrent network fed noise at every frame). Here the content code picks "
                "two digits that the image GAN `mnist-gan` draws, frozen (MoCoGAN-HD's recipe, Tian et al. 2021), "
                "and the motion network, learnt against a critic of real clips of two MNIST digits bouncing, moves "
                "them. It started with the digits standing still: their speed (3.2 pixels a frame) and their "
                "bounces are what the critic taught it. Keep the content code and change the motion code, and the "
                "same digits move differently."),
         "moving-mnist"),
        ("code", VIDEO, "moving-mnist"),
    ]),
}
