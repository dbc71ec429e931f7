"""Recurrent networks: reading a sentence one word at a time, then judging its sentiment.

Two beats. First the embedding lookup: each word of "the movie was great" is replaced by its row
of an embedding table. Then the recurrence, one time step per click:
``h_t = tanh(W_x x_t + W_h h_{t-1} + b)``, starting from ``h_0 = 0``, with the same weights at
every step, so the last state h_T has seen the whole sentence. A sentiment score
``sigmoid(v . h_T + c)`` reads it out (above 0.5: positive).

The weights are fixed, not trained: seeded normal values rounded to one decimal so they fit on a
slide; the seed was picked so that "great" reads positive and "boring" negative. The recurrence is
the one ``torch.nn.RNN`` computes (tanh, one layer, its two biases folded into b).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.cache import cached
from model.concepts._arrays import ReadOnlyArrays, fixed_values, frozen

VOCABULARY = ("the", "movie", "film", "was", "great", "boring")
SENTENCE = "the movie was great"
EMBEDDING_DIM = 3
HIDDEN_SIZE = 2
# Tables use SEED ... SEED + 5; this seed makes both "great" sentences positive and both
# "boring" ones negative, without saturating tanh.
SEED = 1188


@dataclass(frozen=True, eq=False)  # arrays do not compare with ==
class RnnExample(ReadOnlyArrays):
    """Arrays are float64 and read-only; T is the number of words."""

    sentence: str
    tokens: tuple[str, ...]  # the sentence split on spaces
    vocabulary: tuple[str, ...]  # row i of embedding_table belongs to vocabulary[i]
    token_ids: tuple[int, ...]  # each token's row in the table
    embedding_table: np.ndarray  # (6, 3)
    embedded: np.ndarray  # (T, 3) x_t: the looked-up rows, in sentence order
    input_weight: np.ndarray  # (2, 3) W_x
    hidden_weight: np.ndarray  # (2, 2) W_h
    bias: np.ndarray  # (2,) b
    initial_hidden: np.ndarray  # (2,) h_0, zeros
    pre_activations: np.ndarray  # (T, 2) W_x x_t + W_h h_{t-1} + b
    hidden_states: np.ndarray  # (T, 2) h_t = tanh(pre_activations[t])
    readout_weight: np.ndarray  # (2,) v
    readout_bias: float  # c
    logit: float  # v . h_T + c
    score: float  # sigmoid(logit): the probability the review is positive
    label: str  # "positive" or "negative"


@cached("rnn_example")
def rnn_example(sentence: str = SENTENCE) -> RnnExample:
    """Embedding lookup and the tanh recurrence for a sentence made of vocabulary words."""
    import torch

    tokens = tuple(sentence.split())
    unknown = [token for token in tokens if token not in VOCABULARY]
    if not tokens or unknown:
        raise ValueError(f"sentence must be words from {VOCABULARY}; unknown: {unknown or 'empty sentence'}")
    token_ids = tuple(VOCABULARY.index(token) for token in tokens)

    # Separate seeds per table, so resizing one leaves the others as they are.
    embedding = torch.nn.Embedding(len(VOCABULARY), EMBEDDING_DIM).double()
    with torch.no_grad():
        embedding.weight.copy_(fixed_values((len(VOCABULARY), EMBEDDING_DIM), SEED))
    input_weight = fixed_values((HIDDEN_SIZE, EMBEDDING_DIM), SEED + 1)
    hidden_weight = fixed_values((HIDDEN_SIZE, HIDDEN_SIZE), SEED + 2)
    bias = fixed_values((HIDDEN_SIZE,), SEED + 3, scale=0.5)
    readout_weight = fixed_values((HIDDEN_SIZE,), SEED + 4, scale=2.0)
    readout_bias = fixed_values((), SEED + 5, scale=0.5)

    with torch.no_grad():
        embedded = embedding(torch.tensor(token_ids))
        hidden = torch.zeros(HIDDEN_SIZE, dtype=torch.float64)
        initial_hidden = hidden
        pre_activations, hidden_states = [], []
        for x in embedded:
            pre_activation = input_weight @ x + hidden_weight @ hidden + bias
            hidden = torch.tanh(pre_activation)
            pre_activations.append(pre_activation)
            hidden_states.append(hidden)
        logit = readout_weight @ hidden + readout_bias
        score = torch.sigmoid(logit)

    return RnnExample(
        sentence=sentence,
        tokens=tokens,
        vocabulary=VOCABULARY,
        token_ids=token_ids,
        embedding_table=frozen(embedding.weight),
        embedded=frozen(embedded),
        input_weight=frozen(input_weight),
        hidden_weight=frozen(hidden_weight),
        bias=frozen(bias),
        initial_hidden=frozen(initial_hidden),
        pre_activations=frozen(torch.stack(pre_activations)),
        hidden_states=frozen(torch.stack(hidden_states)),
        readout_weight=frozen(readout_weight),
        readout_bias=readout_bias.item(),
        logit=logit.item(),
        score=score.item(),
        label="positive" if score.item() > 0.5 else "negative",
    )
