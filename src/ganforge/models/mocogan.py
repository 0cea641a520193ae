"""A video GAN in the MoCoGAN way (Tulyakov et al. 2018): content and motion apart, sized for Moving MNIST
on a CPU.

Why MoCoGAN rather than TGAN: its latent splits what a clip shows from how it moves. A content code z_C is
drawn once per clip and held across its frames; the motion codes z_M(1..T) come from a recurrent network
(a GRU cell) fed fresh noise at every frame, starting from a drawn hidden state. Each frame is the image
generator's picture of [z_C, z_M(t)] (the dcgan family's generator, models/dcgan.py). So fixing the
content part of the noise and varying the motion part moves the same digits differently, and the other
way round (`ganforge animate --content-seed / --motion-seed`): TGAN's single clip code cannot do that.

Two critics, as in the paper: an image discriminator on single frames (are they real digits?) and a video
discriminator of 3-D convolutions on whole clips (do they move as real clips do?). Clips are (B, C, T, H, W)
in [-1, 1], channels first then time, as torch's 3-D convolutions read them.

The noise vector of one clip: [z_C (content_dim), h_0 (motion_dim), e_1 .. e_T (frames x motion_noise_dim)],
all standard normal; `split_latent` cuts it into the content and motion parts.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch
from torch import nn

from ganforge.errors import GanforgeError
from ganforge.models import dcgan
from ganforge.models.family import Family
from ganforge.nn import activation, dcgan_init

CRITIC_NORMS = ("batch", "spectral", "none")
FRAME_GENERATORS = ("dcgan", "layers")


@dataclass(frozen=True)
class MoCoGANConfig:
    """Networks of the mocogan family: clips of (image_channels, frames, side, side), side = 4 x 2 ** len(channels)."""

    frames: int = 16
    image_channels: int = 1
    content_dim: int = 50  # z_C, held across a clip (the paper's 50)
    motion_dim: int = 10  # z_M(t), the GRU's state (the paper's 10)
    motion_noise_dim: int = 10  # e_t fed to the GRU at each frame
    generator_channels: tuple[int, ...] = (256, 128, 64, 32)  # the frame generator, from a 4 x 4 map
    image_discriminator_channels: tuple[int, ...] = (32, 64, 128, 256)
    video_discriminator_channels: tuple[int, ...] = (32, 64, 128, 256)
    frames_judged: int = 4  # frames per clip the image discriminator sees, picked at random each step
    # Gaussian noise of this std added to the critics' input and to each hidden layer's input while training
    # (MoCoGAN's own remedy, its --use_noise with sigma 0.1): without it both critics won within 300 steps
    # (image loss 0.0002) and the generator drew the same grey smear for every clip (docs/video.md)
    discriminator_noise: float = 0.1
    # how the critics are kept in check: "batch" (DCGAN's and MoCoGAN's batch normalisation after the first
    # layer) or "spectral" (Miyato et al. 2018: every convolution's weight divided by its largest singular
    # value, no normalisation layer: each critic is 1-Lipschitz per layer, the usual remedy when critics win)
    # or "none" (what WGAN-GP's gradient penalty needs: no layer that mixes the items of a batch)
    critic_norm: str = "batch"
    # each critic also sees, before its read-out, how much the batch it judges varies (the mean over features
    # of the standard deviation across the batch, one extra channel: ProGAN's minibatch standard deviation,
    # Karras et al. 2018): a generator that draws the same clip for every noise is then told apart at once
    minibatch_std: bool = False
    # "patch": each critic scores every patch of its last 4 x 4 map (MoCoGAN's patch critics); "global": one
    # score per frame and per clip, a convolution over the whole last map (DCGAN's read-out)
    critic_scores: str = "patch"
    # how a frame is drawn from the codes: "dcgan" (MoCoGAN's: one image generator per frame, fed [z_C, z_M(t)])
    # or "layers" (LayeredVideoGenerator: z_C draws `sprites` small pictures once per clip, z_M(t) moves them;
    # the frame is their brightest-pixel overlay on black). See the class doc for what that builds in.
    frame_generator: str = "dcgan"
    sprites: int = 2  # "layers" only: how many objects a clip shows; each draws content_dim / sprites of z_C
    sprite_size: int = 28  # "layers" only: their side (MNIST's 28), 7 x 2 ** len(sprite_channels)
    sprite_channels: tuple[int, ...] = (128, 64)  # "layers" only: the sprite generator (dcgan's, from a 7 x 7 map)
    # "layers" only: the sprite generator is not trained (its weights and batch-norm statistics stay as
    # `[train] init_generator` gave them: MoCoGAN-HD's frozen image generator, so only the motion is learned)
    freeze_sprites: bool = False
    max_speed: float = 6.0  # "layers" only: pixels per frame reachable by a sprite's velocity (a tanh's bound)
    # "layers" only: the spread of the base-velocity layer's initial weights, so of the speeds before training.
    # 0.2 gives about 3 - 4 px a frame, Moving MNIST's own 2 - 5 px: a prior that the measures count as built in,
    # not learned. 0 starts every sprite at rest, so any motion the clips show is what the video critic taught
    speed_prior: float = 0.2
    num_classes: int = 0  # unconditional (what the GAN step reads)
    auxiliary_classifier: bool = False

    def __post_init__(self):
        if self.frames < 2 or self.content_dim < 1 or self.motion_dim < 1 or self.motion_noise_dim < 1:
            raise ValueError("frames must be >= 2 and the code sizes >= 1")
        if not (len(self.generator_channels) == len(self.image_discriminator_channels)
                == len(self.video_discriminator_channels)):
            raise ValueError("generator_channels and both discriminators' channels need the same number of entries")
        if self.discriminator_noise < 0:
            raise ValueError("discriminator_noise must be >= 0")
        if self.critic_scores not in ("patch", "global"):
            raise ValueError(f"critic_scores must be patch or global, not {self.critic_scores!r}")
        if self.critic_norm not in CRITIC_NORMS:
            raise ValueError(f"critic_norm must be one of {', '.join(CRITIC_NORMS)}, not {self.critic_norm!r}")
        if not 1 <= self.frames_judged <= self.frames:
            raise ValueError("frames_judged must be 1 .. frames")
        if self.frames - 2 * len(self.video_discriminator_channels) < 1:
            raise ValueError(f"{self.frames} frames are too few for {len(self.video_discriminator_channels)} "
                             "video-discriminator layers (each takes 2 frames off)")
        if self.num_classes:
            raise ValueError("the mocogan family is unconditional")
        if self.frame_generator not in FRAME_GENERATORS:
            raise ValueError(f"frame_generator must be one of {', '.join(FRAME_GENERATORS)}, not {self.frame_generator!r}")
        if self.frame_generator == "layers":
            if self.sprites < 1 or self.max_speed <= 0 or self.content_dim % self.sprites or self.speed_prior < 0:
                raise ValueError("sprites must be >= 1 and divide content_dim, max_speed > 0, speed_prior >= 0")
            if self.sprite_size != 7 * 2 ** len(self.sprite_channels):
                raise ValueError(f"sprite_size must be 7 x 2 ** len(sprite_channels) = {7 * 2 ** len(self.sprite_channels)}")
            if self.sprite_size >= self.image_size:
                raise ValueError(f"sprites of {self.sprite_size} px do not move in {self.image_size} px frames")

    @property
    def image_size(self) -> int:
        """Side of the square frames."""
        return 4 * 2 ** len(self.generator_channels)

    @property
    def image_shape(self) -> tuple[int, int, int, int]:
        """(channels, frames, height, width) of a clip."""
        return self.image_channels, self.frames, self.image_size, self.image_size

    @property
    def latent_dim(self) -> int:
        """Length of a clip's noise vector (module doc)."""
        return self.content_dim + self.motion_dim + self.frames * self.motion_noise_dim

    def sprite_config(self) -> dcgan.DCGANConfig:
        """The dcgan generator that draws each sprite ("layers"): from content_dim / sprites noise."""
        return dcgan.DCGANConfig(image_channels=self.image_channels, latent_dim=self.content_dim // self.sprites,
                                 base_size=7, generator_channels=self.sprite_channels,
                                 discriminator_channels=self.sprite_channels)

    def frame_config(self) -> dcgan.DCGANConfig:
        """The dcgan networks that draw and judge single frames."""
        return dcgan.DCGANConfig(image_channels=self.image_channels, latent_dim=self.content_dim + self.motion_dim,
                                 base_size=4, generator_channels=self.generator_channels,
                                 discriminator_channels=self.image_discriminator_channels)


class MotionCodes(nn.Module):
    """What both frame generators share: a clip's noise split into content z_C and motion, the GRU that turns
    the motion part into one code z_M(t) per frame, and the noise itself. Subclasses draw the frames."""

    def __init__(self, config: MoCoGANConfig):
        super().__init__()
        self.config = config
        self.motion = nn.GRUCell(config.motion_noise_dim, config.motion_dim)

    def split_latent(self, latent: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(content (B, content_dim), motion (B, motion_dim + frames x motion_noise_dim)) of clips' noise."""
        return latent[:, : self.config.content_dim], latent[:, self.config.content_dim :]

    def motion_codes(self, motion: torch.Tensor) -> torch.Tensor:
        """The motion part of the noise -> z_M (B, frames, motion_dim), one code per frame."""
        config = self.config
        state = motion[:, : config.motion_dim]
        noise = motion[:, config.motion_dim :].reshape(len(motion), config.frames, config.motion_noise_dim)
        codes = []
        for t in range(config.frames):
            state = self.motion(noise[:, t], state)
            codes.append(state)
        return torch.stack(codes, 1)

    def sample_latent(self, count: int, *, device=None, generator: torch.Generator | None = None) -> torch.Tensor:
        """Standard normal noise (count, latent_dim)."""
        return torch.randn((count, self.config.latent_dim), device=device, generator=generator)


class VideoGenerator(MotionCodes):
    """noise (B, latent_dim) -> clips (B, C, T, H, W) in [-1, 1]: one dcgan image generator per frame, fed
    [z_C, z_M(t)] (MoCoGAN's)."""

    def __init__(self, config: MoCoGANConfig):
        super().__init__(config)
        self.frame = dcgan.Generator(config.frame_config())

    def forward(self, latent: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Clips for noise vectors (module doc); `labels` is unused (unconditional)."""
        content, motion = self.split_latent(latent)
        codes = self.motion_codes(motion)  # (B, T, motion_dim)
        count, frames = codes.shape[:2]
        z = torch.cat([content[:, None].expand(-1, frames, -1), codes], 2).reshape(count * frames, -1)
        pictures = self.frame(z)  # (B * T, C, H, W)
        return pictures.reshape(count, frames, *pictures.shape[1:]).transpose(1, 2)


class LayeredVideoGenerator(MotionCodes):
    """noise (B, latent_dim) -> clips (B, C, T, H, W) in [-1, 1], drawn as layers (frame_generator "layers").

    The same codes as VideoGenerator (so --content-seed / --motion-seed split them alike), rendered another way:
    - content: z_C draws `sprites` pictures of sprite_size (a small DCGAN generator, batch norm and ReLU, a
      sigmoid for ink in [0, 1]) once per clip, so what a clip shows cannot change between its frames;
    - motion: each sprite starts at a place read from the GRU's drawn state h_0 and moves by a velocity per
      frame, a base read from h_0 plus a change read from the GRU's code z_M(t) (started small, so a fresh
      model already moves things in straight lines; whether the velocity stays constant is learned from the
      video critic);
    - the frame: each sprite shifted to its place (bilinear, so the places get gradients), the brightest pixel
      of the layers kept, on black.

    What this builds in, and the dcgan frame generator does not: a clip is a few objects of a fixed look on a
    black ground, which move and stay inside the frame (their path is folded back at the borders, so a straight
    path bounces). It is a strong prior, right for Moving MNIST and wrong for clips of anything else (a moving
    camera, a deforming object). What is learned by the GAN: the objects' look (the digits), where they start,
    how fast and which way they go. Why: with one image generator per frame, fifteen CPU runs collapsed to one
    content for every clip (docs/video.md); here content is drawn once per clip and cannot collapse across
    frames, and the frame's batch statistics are not 16 near-copies of one picture.
    """

    def __init__(self, config: MoCoGANConfig):
        super().__init__(config)
        self.sprite = dcgan.Generator(config.sprite_config())  # a digit GAN's generator (mnist-gan's shape)
        count = config.sprites
        self.start = nn.Linear(config.motion_dim, 2 * count)  # where each sprite starts (x, y), via a sigmoid
        self.velocity = nn.Linear(config.motion_dim, 2 * count)  # the base velocity, from h_0
        self.turn = nn.Linear(config.motion_dim, 2 * count)  # its change at frame t, from z_M(t)
        # the sprite's ink fades to nothing over its outer 4 pixels (MNIST's margin): a transposed convolution
        # draws its border pixels from fewer terms, and without this window every sprite showed its square edge
        ramp = (torch.minimum(torch.arange(config.sprite_size), torch.arange(config.sprite_size).flip(0)) / 4).clamp(max=1)
        self.register_buffer("window", (ramp[:, None] * ramp[None, :]), persistent=False)
        for layer in (self.start, self.velocity, self.turn):
            dcgan_init(layer)
        # places spread over the frame and, at the default speed_prior, speeds of about 3 px a frame at the start
        # (h_0 ~ N(0, 1)): a prior chosen knowing Moving MNIST's 2 - 5 px, which docs/video.md counts as built in
        with torch.no_grad():
            nn.init.normal_(self.start.weight, 0.0, 0.5)
            nn.init.zeros_(self.start.bias)
            nn.init.normal_(self.velocity.weight, 0.0, config.speed_prior)
            nn.init.zeros_(self.velocity.bias)
            self.turn.weight.mul_(0.1)
            nn.init.zeros_(self.turn.bias)

    def train(self, mode: bool = True) -> LayeredVideoGenerator:
        """As nn.Module's, but a frozen sprite generator stays in eval mode (its batch norm statistics kept)."""
        super().train(mode)
        if self.config.freeze_sprites:
            self.sprite.train(False)
        return self

    def sprites(self, content: torch.Tensor) -> torch.Tensor:
        """Content codes (B, content_dim) -> ink (B, sprites, C, sprite_size, sprite_size) in [0, 1]."""
        config = self.config
        codes = content.reshape(len(content) * config.sprites, -1)
        if config.freeze_sprites:
            with torch.no_grad():
                drawn = self.sprite(codes)
        else:
            drawn = self.sprite(codes)
        ink = (drawn + 1) / 2 * self.window
        return ink.reshape(len(content), config.sprites, config.image_channels, config.sprite_size, config.sprite_size)

    def places(self, motion: torch.Tensor) -> torch.Tensor:
        """The motion part of the noise -> top-left corners (B, frames, sprites, 2) in pixels, inside the frame."""
        config = self.config
        room = float(config.image_size - config.sprite_size)
        state = motion[:, : config.motion_dim]
        codes = self.motion_codes(motion)  # (B, T, motion_dim)
        count, frames = codes.shape[:2]
        start = torch.sigmoid(self.start(state)).reshape(count, 1, config.sprites, 2) * room
        velocity = config.max_speed * torch.tanh(self.velocity(state)[:, None] + self.turn(codes))
        path = start + torch.cumsum(velocity.reshape(count, frames, config.sprites, 2), 1) - \
            velocity.reshape(count, frames, config.sprites, 2)[:, :1]  # frame 0 at the start
        folded = torch.remainder(path, 2 * room)  # a straight path folded back at the borders: a bounce
        return room - (folded - room).abs()

    def forward(self, latent: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Clips for noise vectors (class doc); `labels` is unused (unconditional)."""
        config = self.config
        content, motion = self.split_latent(latent)
        ink = self.sprites(content)  # (B, K, C, s, s)
        corners = self.places(motion)  # (B, T, K, 2)
        count, frames, sprites = corners.shape[:3]
        side, size = config.image_size, config.sprite_size
        # an affine grid that reads sprite pixel (u - x, v - y) at frame pixel (u, v) (align_corners=False)
        scale = side / size
        shift = (side - 2 * corners.float()) / size - 1.0  # (B, T, K, 2)
        theta = torch.zeros(count * frames * sprites, 2, 3, device=latent.device)
        theta[:, 0, 0] = scale
        theta[:, 1, 1] = scale
        theta[:, :, 2] = shift.reshape(-1, 2)
        grid = nn.functional.affine_grid(theta, (len(theta), config.image_channels, side, side), align_corners=False)
        layers = ink[:, None].expand(-1, frames, -1, -1, -1, -1).reshape(-1, config.image_channels, size, size)
        placed = nn.functional.grid_sample(layers.float(), grid, mode="bilinear", padding_mode="zeros",
                                           align_corners=False)
        frame = placed.reshape(count, frames, sprites, config.image_channels, side, side).amax(2)
        return (2 * frame - 1).transpose(1, 2).to(ink.dtype)


class MinibatchStd(nn.Module):
    """(N, C, ...) -> (N, C + 1, ...): the mean over channels and positions of the standard deviation across
    the N items, appended as a constant channel (ProGAN's layer, with the whole batch as one group)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x and its batch spread."""
        spread = x.float().std(0, unbiased=False).add(1e-8).mean().to(x.dtype) if len(x) > 1 else x.new_zeros(())
        return torch.cat([x, spread.expand(len(x), 1, *x.shape[2:])], 1)


class InstanceNoise(nn.Module):
    """Adds Gaussian noise of std `sigma` in training mode (nothing in eval mode)."""

    def __init__(self, sigma: float):
        super().__init__()
        self.sigma = sigma

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x, plus noise while training."""
        return x + self.sigma * torch.randn_like(x) if self.training and self.sigma else x


def _critic_layers(config: MoCoGANConfig, widths: tuple[int, ...], conv, norm, kernel, stride, padding) -> list[nn.Module]:
    """Noise, strided convolution, batch norm (after the first; none with spectral norm), leaky ReLU: per layer."""
    layers: list[nn.Module] = []
    channels = config.image_channels
    batch = config.critic_norm == "batch"
    for index, width in enumerate(widths):
        layers += [InstanceNoise(config.discriminator_noise),
                   conv(channels, width, kernel, stride, padding, bias=index == 0 or not batch)]
        if index > 0 and batch:
            layers.append(norm(width))
        layers.append(activation("leaky_relu"))
        channels = width
    return layers


def _spectral(critic: nn.Module, config: MoCoGANConfig) -> None:
    """With critic_norm "spectral", every convolution of `critic` (initialised already) has its weight
    spectrally normalised (torch's parametrization; one power iteration per training forward)."""
    if config.critic_norm != "spectral":
        return
    for module in list(critic.modules()):
        if isinstance(module, (nn.Conv2d, nn.Conv3d)):
            nn.utils.parametrizations.spectral_norm(module)


class ImageDiscriminator(nn.Module):
    """clips (B, C, T, H, W) -> patch logits of the judged frames: DCGAN's discriminator (strided 4x4
    convolutions, batch norm after the first, leaky ReLU) with MoCoGAN's patch read-out (a 3x3 convolution to
    one score per position of the last 4x4 map) on `frames_judged` frames of each clip, the same frames of
    every clip (picked by the caller's `frames`), with instance noise. Scoring patches rather than the whole
    picture is MoCoGAN's choice too: with one global score per frame both critics won within 300 steps and
    the generator collapsed to one clip (docs/video.md)."""

    def __init__(self, config: MoCoGANConfig):
        super().__init__()
        self.config = config
        widths = config.image_discriminator_channels
        self.features = nn.Sequential(*_critic_layers(config, widths, nn.Conv2d, nn.BatchNorm2d, 4, 2, 1))
        self.spread = MinibatchStd() if config.minibatch_std else nn.Identity()
        width = widths[-1] + config.minibatch_std
        # one score per patch of the last 4 x 4 map, or one per frame
        self.logit = nn.Conv2d(width, 1, 3, 1, 1) if config.critic_scores == "patch" else nn.Conv2d(width, 1, 4)
        self.apply(dcgan_init)
        _spectral(self, config)

    def forward(self, clips: torch.Tensor, frames: torch.Tensor) -> torch.Tensor:
        """Patch logits of frames `frames` (K,) of every clip, flattened: (B * K * 16,)."""
        pictures = clips[:, :, frames].transpose(1, 2)  # (B, K, C, H, W)
        return self.logit(self.spread(self.features(pictures.reshape(-1, *pictures.shape[2:])))).flatten()


class VideoDiscriminator(nn.Module):
    """clips (B, C, T, H, W) -> patch logits: 3-D convolutions, kernel 3 x 4 x 4, halving the frames' sides and
    taking 2 frames off per layer, batch normalisation after the first (as DCGAN's), instance noise before each
    convolution, then a 3x3x3 convolution to one score per (time x space) patch (MoCoGAN's PatchVideoDiscriminator)."""

    def __init__(self, config: MoCoGANConfig):
        super().__init__()
        widths = config.video_discriminator_channels
        layers = _critic_layers(config, widths, nn.Conv3d, nn.BatchNorm3d, (3, 4, 4), (1, 2, 2), (0, 1, 1))
        self.features = nn.Sequential(*layers)
        self.spread = MinibatchStd() if config.minibatch_std else nn.Identity()
        width, frames = widths[-1] + config.minibatch_std, config.frames - 2 * len(widths)
        # one score per (time x space) patch, or one per clip
        self.logit = (nn.Conv3d(width, 1, 3, 1, (0, 1, 1)) if config.critic_scores == "patch" else
                      nn.Conv3d(width, 1, (frames, 4, 4)))
        self.apply(dcgan_init)
        _spectral(self, config)

    def forward(self, clips: torch.Tensor) -> torch.Tensor:
        """Patch logits of every clip, flattened: (B * patches,)."""
        return self.logit(self.spread(self.features(clips))).flatten()


def build(config: MoCoGANConfig) -> dict[str, nn.Module]:
    """The family's networks by role."""
    generator = LayeredVideoGenerator(config) if config.frame_generator == "layers" else VideoGenerator(config)
    return {"generator": generator, "image_discriminator": ImageDiscriminator(config),
            "video_discriminator": VideoDiscriminator(config)}


def fit_to_data(config: MoCoGANConfig, data, name: str) -> MoCoGANConfig:
    """Clips must have the data's shape: channels and frames are taken from it, the side must match."""
    if getattr(data, "representation", None) != "video":
        raise GanforgeError(f"{name} learns from clips; give --data moving-mnist (two real MNIST digits moving)")
    channels, frames, height, width = data.image_shape
    if (height, width) != (config.image_size, config.image_size):
        raise GanforgeError(f"{name} draws {config.image_size}x{config.image_size} frames but the clips are "
                            f"{width}x{height}; set [model] generator_channels for that side")
    return dataclasses.replace(config, image_channels=channels, frames=frames,
                               frames_judged=min(config.frames_judged, frames))


def film_strip(clips: torch.Tensor, every: int = 2) -> torch.Tensor:
    """(B, C, T, H, W) -> the frames (B * ceil(T / every), C, H, W), every `every`-th one, clip after clip."""
    frames = clips[:, :, ::every].transpose(1, 2)
    return frames.reshape(-1, *frames.shape[2:])


def preview(networks: dict[str, nn.Module], real: tuple, rng: torch.Generator) -> tuple[torch.Tensor, int]:
    """The sample grid: 6 clips, one per row, every other frame across."""
    generator = networks["generator"]
    device = next(generator.parameters()).device
    with torch.no_grad():
        clips = generator(generator.sample_latent(6, generator=rng).to(device)).float().cpu()
    return film_strip(clips), -(-clips.shape[2] // 2)

def init_generator(generator: nn.Module, config: MoCoGANConfig, family: str, source_config, source: nn.Module) -> None:
    """`[train] init_generator` from an image GAN (MoCoGAN-HD's recipe): a layered clip generator takes a dcgan
    generator of its sprites' shape (e.g. the shipped mnist-gan) as its sprite generator; nothing else fits."""
    if config.frame_generator != "layers" or not isinstance(source, dcgan.Generator):
        raise GanforgeError(f"a mocogan generator starts from another mocogan run of the same [model], or (with "
                            f"frame_generator = \"layers\") from a dcgan digit generator; not from a {family} model")
    wanted = config.sprite_config()
    if (source_config.image_channels, source_config.latent_dim, source_config.base_size, source_config.num_classes,
            tuple(source_config.generator_channels), tuple(source_config.generator_hidden)) != (
            wanted.image_channels, wanted.latent_dim, 7, 0, wanted.generator_channels, ()):
        raise GanforgeError(f"init_generator: the sprites need an unconditional dcgan generator of {wanted.latent_dim} "
                            f"noise dimensions, a 7x7 base and channels {list(wanted.generator_channels)} (mnist-gan's "
                            f"shape), this one has {source_config.latent_dim} and channels "
                            f"{list(source_config.generator_channels)}; set [model] content_dim = sprites x its noise "
                            "dimensions and sprite_channels to match")
    generator.sprite.load_state_dict(source.state_dict())


# what this module registers in ganforge.models.FAMILIES
DECLARED_FAMILIES = (
    Family("mocogan", MoCoGANConfig, build, fit_to_data, task="animate", data_kind="video", preview=preview,
           init_generator=init_generator),
)
