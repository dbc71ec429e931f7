"""The attention scene's numbers: scores, weights and context, recomputed with torch."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional as F

from model.concepts import attention as attention_model
from model.concepts.attention import attention_example
from tests.torch_values import close


def test_attention_scores_weights_and_context() -> None:
    data = attention_example()
    keys = torch.tensor(attention_model.ENCODER_STATES, dtype=torch.float64)
    query = torch.tensor(attention_model.DECODER_STATE, dtype=torch.float64)
    # Batched matrix products, the way a sequence model computes them.
    scores = torch.bmm(keys.unsqueeze(0), query.view(1, -1, 1)).view(-1)
    weights = F.softmax(scores, dim=-1)
    context = torch.einsum("i,ij->j", weights, keys)
    assert close(data.encoder_states, keys) and close(data.decoder_state, query)
    assert close(data.scores, scores)
    assert close(data.weights, weights) and data.weights.sum() == pytest.approx(1.0)
    assert close(data.context, context)
    assert data.attended_token == data.source_tokens[int(weights.argmax())] == "cat"
    assert data.target_token == "chat"


def test_attention_finds_the_word_being_translated() -> None:
    record = attention_example()
    assert record.target_token == "chat"
    assert record.attended_token == "cat"
    with pytest.raises(ValueError):
        record.weights[0] = 1.0  # records are read-only
