"""Measures of generated images: distribution metrics on features (FID, KID, precision/recall,
density/coverage, memorisation), class accuracy, and the feature networks behind them."""

from ganforge.metrics.classifier import DigitClassifier, classify, load_classifier, save_classifier, train_classifier
from ganforge.metrics.conditional import conditional_report, unconditional_report
from ganforge.metrics.distances import mean_pairwise_distance, nearest_neighbour_distance
from ganforge.metrics.extractors import EXTRACTORS, build_extractor
from ganforge.metrics.reference import measure, prepare_reference
from ganforge.metrics.suite import METRICS, MetricInputs, compute_metrics

__all__ = [
    "EXTRACTORS",
    "METRICS",
    "DigitClassifier",
    "MetricInputs",
    "build_extractor",
    "classify",
    "compute_metrics",
    "conditional_report",
    "load_classifier",
    "mean_pairwise_distance",
    "measure",
    "nearest_neighbour_distance",
    "prepare_reference",
    "save_classifier",
    "train_classifier",
    "unconditional_report",
]
