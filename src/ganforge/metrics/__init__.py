"""Measures of generated images: classifier accuracy, diversity, nearest-neighbour distances."""

from ganforge.metrics.classifier import DigitClassifier, classify, load_classifier, save_classifier, train_classifier
from ganforge.metrics.conditional import conditional_report, unconditional_report
from ganforge.metrics.distances import mean_pairwise_distance, nearest_neighbour_distance

__all__ = [
    "DigitClassifier",
    "classify",
    "conditional_report",
    "load_classifier",
    "mean_pairwise_distance",
    "nearest_neighbour_distance",
    "save_classifier",
    "train_classifier",
    "unconditional_report",
]
