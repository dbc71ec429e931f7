"""The one list of decks and the scenes each plays, in order.

A scene is named by its class; the class may live in any module under
``slides/``. Adding a slide is one class in ``slides/`` and one name here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Deck:
    name: str
    title: str
    summary: str
    scenes: tuple[str, ...]


INTRO = Deck(
    name="intro",
    title="How these slides work",
    summary="A two-minute tour: what the course decks are made of, with one number computed live by PyTorch.",
    scenes=("Welcome", "TorchNumber"),
)

# The ResNet lecture, in two halves: the road to the problem, then the residual idea.
RESNET_FOUNDATIONS: tuple[str, ...] = (
    "LectureTitle",
    "WhatIsAFunction",
    "SharpenPhoto",
    "WhatIsF",
    "HowConvolutionWorks",
    "BatchNormAndReLU",
    "DegradationProblem",
    "NestedFunctions",
)
RESNET_RESIDUALS: tuple[str, ...] = (
    "ResidualConnection",
    "GradientFlow",
    "LossLandscape",
    "LandscapeContours",
    "LesionStudy",
    "UnrolledPaths",
    "BasicVsBottleneck",
    "WholeNetwork",
    "TransferLearning",
    "VariantsAndLegacy",
    "Recap",
)
RESNET = Deck(
    name="resnet",
    title="ResNet: why 100 layers became trainable",
    summary="Functions, layers and convolutions; the degradation problem; residual connections, "
    "gradient flow, loss landscapes and deleting blocks, blocks and the ResNet family; transfer learning "
    "and the legacy of the skip.",
    scenes=RESNET_FOUNDATIONS + RESNET_RESIDUALS,
)

# Short concept decks, each also part of the combined `concepts` deck.
ATTENTION = Deck(
    name="attention",
    title="Attention",
    summary="One decoder step: dot-product scores, softmax weights and the context vector, computed by torch.",
    scenes=("Attention",),
)

AUTODIFF = Deck(
    name="autodiff",
    title="Automatic differentiation",
    summary="A small network's loss as a computation graph: forward values, then the backward pass, "
    "each gradient equal to torch.autograd's.",
    scenes=("AutomaticDifferentiation",),
)

BATCHNORM = Deck(
    name="batchnorm",
    title="Batch normalization",
    summary="One batch through nn.BatchNorm1d: per-feature mean and variance, normalised values that "
    "sum to zero, gamma and beta, then the running statistics used at inference.",
    scenes=("BatchNormalization",),
)

WEIGHT_SWAP = Deck(
    name="weight-swap",
    title="Weight-space symmetry",
    summary="Swapping two hidden units keeps the loss, while the straight path between the two "
    "weight settings does not: the loss is not convex.",
    scenes=("WeightSwapSymmetry",),
)

RAVINES = Deck(
    name="ravines",
    title="Ravines",
    summary="Gradient descent zig-zags down a long thin valley of real data's loss; normalised "
    "inputs make it round, and momentum helps too.",
    scenes=("Ravines",),
)

RNN = Deck(
    name="rnn",
    title="Recurrent networks",
    summary="A review read word by word: embedding lookup, the tanh recurrence with shared weights "
    "(equal to torch.nn.RNN), then a sentiment score.",
    scenes=("RecurrentNetwork",),
)

TRANSPOSED_CONV = Deck(
    name="transposed-conv",
    title="Transposed convolution",
    summary="One parametric scene over a table of cases: each convolution, then the stride-1 "
    "convolution with inserted zeros, padding, output padding and a flipped kernel that restores "
    "its input shape, equal to conv_transpose2d.",
    scenes=("TransposedConvolution",),
)

CONCEPT_DECKS: tuple[Deck, ...] = (ATTENTION, AUTODIFF, BATCHNORM, WEIGHT_SWAP, RAVINES, RNN, TRANSPOSED_CONV)

CONCEPTS = Deck(
    name="concepts",
    title="Deep-learning concepts, all in one",
    summary="Every concept deck in one presentation.",
    scenes=tuple(scene for deck in CONCEPT_DECKS for scene in deck.scenes),
)

DECKS: tuple[Deck, ...] = (INTRO, RESNET, *CONCEPT_DECKS, CONCEPTS)
