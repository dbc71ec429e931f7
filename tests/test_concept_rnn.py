"""The RNN scene: embedding lookup, recurrence and score, against torch.nn.RNN."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from model.concepts.rnn import rnn_example


def _sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-x))


def test_rnn_matches_torch_rnn_with_the_same_weights() -> None:
    record = rnn_example()
    assert record.tokens == ("the", "movie", "was", "great")
    np.testing.assert_array_equal(record.embedded, record.embedding_table[list(record.token_ids)])
    assert [record.vocabulary[i] for i in record.token_ids] == list(record.tokens)

    rnn = nn.RNN(3, 2, nonlinearity="tanh", batch_first=True).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(record.input_weight.copy()))
        rnn.weight_hh_l0.copy_(torch.from_numpy(record.hidden_weight.copy()))
        rnn.bias_ih_l0.copy_(torch.from_numpy(record.bias.copy()))
        rnn.bias_hh_l0.zero_()
        sequence = torch.from_numpy(record.embedded.copy())[None]
        states, last = rnn(sequence, torch.from_numpy(record.initial_hidden.copy())[None, None])
    np.testing.assert_allclose(record.hidden_states, states[0].numpy(), atol=1e-12)
    np.testing.assert_allclose(record.hidden_states[-1], last[0, 0].numpy(), atol=1e-12)

    previous = record.initial_hidden
    for x, pre_activation in zip(record.embedded, record.pre_activations):
        expected = record.input_weight @ x + record.hidden_weight @ previous + record.bias
        np.testing.assert_allclose(pre_activation, expected, atol=1e-12)
        previous = np.tanh(expected)

    logit = record.readout_weight @ record.hidden_states[-1] + record.readout_bias
    assert record.logit == pytest.approx(logit)
    assert record.score == pytest.approx(_sigmoid(logit))
    assert record.label == ("positive" if record.score > 0.5 else "negative")


def test_rnn_sentiment_and_bad_words() -> None:
    assert rnn_example("the movie was great").label == "positive"
    assert rnn_example("the movie was boring").label == "negative"
    with pytest.raises(ValueError, match="terrible"):
        rnn_example("the movie was terrible")
    with pytest.raises(ValueError):
        rnn_example("")
