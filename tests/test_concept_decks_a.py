"""The numbers the attention, autodiff, batch-norm and weight-swap scenes show, recomputed by torch.

Each scene reads its numbers from a module-level data function; these tests rebuild the same
quantities with torch's own modules (``nn.Linear``, ``nn.BatchNorm1d``, ``F.softmax``, autograd)
from the example's inputs, never through the model function the scene calls.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from model.concepts import attention as attention_model
from slides.concepts.attention import attention_data


def close(shown: object, expected: torch.Tensor | float) -> bool:
    expected = expected.detach().numpy() if isinstance(expected, torch.Tensor) else expected
    return np.allclose(np.asarray(shown, dtype=float), np.asarray(expected, dtype=float), atol=1e-9)


# Attention ---------------------------------------------------------------------------------


def test_attention_scores_weights_and_context() -> None:
    data = attention_data()
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
