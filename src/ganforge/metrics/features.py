"""Distribution metrics on feature vectors (N, D): FID, KID, precision/recall, density/coverage,
memorisation. Pure functions of two feature sets; which network made the features is the caller's
choice (the standard Inception for published numbers, a small domain network for quick checks)."""

from __future__ import annotations

import numpy as np
import torch

from ganforge.metrics.distances import nearest_neighbour_distance


def _as_float64(features: torch.Tensor | np.ndarray) -> np.ndarray:
    array = features.detach().cpu().numpy() if isinstance(features, torch.Tensor) else np.asarray(features)
    if array.ndim != 2:
        raise ValueError(f"features must be (N, D), got shape {array.shape}")
    return array.astype(np.float64)


def feature_statistics(features: torch.Tensor | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean (D,) and covariance (D, D) with the unbiased (N - 1) normalisation, as TTUR's FID code."""
    array = _as_float64(features)
    if len(array) < 2:
        raise ValueError("statistics need at least two feature vectors")
    return array.mean(axis=0), np.cov(array, rowvar=False)


def frechet_distance(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> float:
    """||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)): the Fréchet distance of two Gaussians.

    Tr (S1 S2)^(1/2) = Tr (S1^(1/2) S2 S1^(1/2))^(1/2), whose matrix is symmetric: two symmetric
    eigendecompositions instead of scipy's general sqrtm, several times faster at 2048-d, exact for
    the positive semi-definite covariances FID compares (tiny negative eigenvalues from rounding
    are clipped to zero), and no regularising offset needed when there are fewer samples than
    dimensions.
    """
    from scipy import linalg  # here, not at the top: every command would pay for scipy.linalg's import

    values, vectors = linalg.eigh(sigma1)
    root1 = (vectors * np.sqrt(values.clip(min=0))) @ vectors.T
    middle = root1 @ sigma2 @ root1
    trace_root = np.sqrt(linalg.eigvalsh((middle + middle.T) / 2).clip(min=0)).sum()
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * trace_root)


def fid(real: torch.Tensor | np.ndarray, fake: torch.Tensor | np.ndarray) -> float:
    """Fréchet distance between the Gaussians fitted to two feature sets."""
    return frechet_distance(*feature_statistics(real), *feature_statistics(fake))


def kid(
    real: torch.Tensor | np.ndarray,
    fake: torch.Tensor | np.ndarray,
    *,
    subsets: int = 100,
    subset_size: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """Kernel Inception Distance (Bińkowski et al.): unbiased MMD^2 with the cubic polynomial
    kernel k(x, y) = (x.y / D + 1)^3, averaged over random subsets; returns (mean, std)."""
    x, y = _as_float64(real), _as_float64(fake)
    size = min(subset_size, len(x), len(y))
    if size < 2:
        raise ValueError("KID needs at least two feature vectors in each set")
    dim = x.shape[1]
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(subsets):
        a = x[rng.choice(len(x), size, replace=False)]
        b = y[rng.choice(len(y), size, replace=False)]
        k_aa = (a @ a.T / dim + 1) ** 3
        k_bb = (b @ b.T / dim + 1) ** 3
        k_ab = (a @ b.T / dim + 1) ** 3
        # unbiased: drop the diagonal of the within-set kernels
        within = (k_aa.sum() - np.trace(k_aa) + k_bb.sum() - np.trace(k_bb)) / (size * (size - 1))
        values.append(within - 2 * k_ab.mean())
    return float(np.mean(values)), float(np.std(values))


def _kth_neighbour_radius(features: torch.Tensor, k: int) -> torch.Tensor:
    """Distance from each vector to its k-th nearest other vector in the same set, (N,)."""
    distances = torch.cdist(features, features)
    return distances.kthvalue(k + 1, dim=1).values  # +1: the vector itself sits at distance 0


def precision_recall(real: torch.Tensor, fake: torch.Tensor, *, k: int = 3) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al. 2019) with k-NN balls of radius
    `k`-th neighbour distance: precision = share of fakes inside the real manifold, recall =
    share of reals inside the fake manifold."""
    real, fake = real.double(), fake.double()
    real_radius, fake_radius = _kth_neighbour_radius(real, k), _kth_neighbour_radius(fake, k)
    cross = torch.cdist(fake, real)  # (n_fake, n_real)
    precision = (cross <= real_radius[None, :]).any(dim=1).double().mean()
    recall = (cross.T <= fake_radius[None, :]).any(dim=1).double().mean()
    return float(precision), float(recall)


def density_coverage(real: torch.Tensor, fake: torch.Tensor, *, k: int = 5) -> tuple[float, float]:
    """Density and coverage (Naeem et al. 2020): density counts how many real k-NN balls hold each
    fake (1 on average when the distributions match); coverage is the share of real balls that
    hold at least one fake."""
    real, fake = real.double(), fake.double()
    radius = _kth_neighbour_radius(real, k)
    inside = torch.cdist(real, fake) <= radius[:, None]  # (n_real, n_fake)
    density = inside.sum().double() / (k * fake.shape[0])
    coverage = inside.any(dim=1).double().mean()
    return float(density), float(coverage)


def memorisation_share(train: torch.Tensor, heldout: torch.Tensor, fake: torch.Tensor, *, quantile: float = 0.05) -> float:
    """Share of fakes closer to their nearest training vector than all but `quantile` of real
    held-out vectors are. Real unseen data scores about `quantile`; copies of training data push it
    towards 1. When the held-out set is the training set itself (a few-shot set such as lfw-faces,
    which holds nothing out), each real vector is measured to its nearest *other* training vector."""
    if heldout.shape == train.shape and torch.equal(heldout, train):
        distances = torch.cdist(train.flatten(1).double(), train.flatten(1).double())
        distances.fill_diagonal_(float("inf"))
        reference = distances.min(dim=1).values
    else:
        reference = nearest_neighbour_distance(heldout, train)
    threshold = torch.quantile(reference, quantile)
    return float((nearest_neighbour_distance(fake, train) < threshold).double().mean())
