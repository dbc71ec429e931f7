"""Attention: one decoder step looks back at every encoder state.

The slide translates "the black cat sleeps" into "le chat noir dort" and stops at the step that
writes "chat". The decoder state is compared with each encoder state by a plain dot product
(Luong's "dot" score, no scaling, no learned weights), a softmax turns the four scores into
weights that sum to one, and the context vector is the weighted sum of the encoder states.
Word order differs between the two languages, so the weight lands on the third source word,
not the second: attention finds the word, position does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.cache import cached
from model.concepts._arrays import ReadOnlyArrays, frozen

SOURCE_TOKENS = ("the", "black", "cat", "sleeps")
TARGET_TOKENS = ("le", "chat", "noir", "dort")

# One decimal each, so every score is an exact two-decimal number the audience can check.
ENCODER_STATES = (
    (0.1, 0.2, -0.3),
    (0.4, -0.5, 0.8),
    (1.2, 0.3, 0.9),
    (-0.6, 1.0, 0.2),
)
DECODER_STATE = (1.0, -0.2, 0.8)
# The decoder is about to write the second French word.
TARGET_STEP = 1


@dataclass(frozen=True, eq=False)  # arrays do not compare with ==
class AttentionExample(ReadOnlyArrays):
    """One attention step; arrays are float64 and read-only."""

    source_tokens: tuple[str, ...]  # the encoder's words, one per row of encoder_states
    target_tokens: tuple[str, ...]  # the full translation, for context on the slide
    target_step: int  # index into target_tokens of the word being produced
    score_function: str  # "dot": score_i = s . h_i
    score_latex: str  # the same rule, for MathTex
    encoder_states: np.ndarray  # (4, 3) h_i, one row per source token
    decoder_state: np.ndarray  # (3,) s, the decoder's state before writing the word
    scores: np.ndarray  # (4,) s . h_i
    weights: np.ndarray  # (4,) softmax(scores), sums to 1
    context: np.ndarray  # (3,) sum_i weights_i h_i

    @property
    def target_token(self) -> str:
        return self.target_tokens[self.target_step]

    @property
    def attended_token(self) -> str:
        """The source word that receives the largest weight."""
        return self.source_tokens[int(np.argmax(self.weights))]


@cached("attention_example")
def attention_example() -> AttentionExample:
    """Dot-product attention of the decoder state over four encoder states."""
    import torch

    encoder_states = torch.tensor(ENCODER_STATES, dtype=torch.float64)
    decoder_state = torch.tensor(DECODER_STATE, dtype=torch.float64)
    scores = encoder_states @ decoder_state
    weights = torch.softmax(scores, dim=0)
    context = weights @ encoder_states
    return AttentionExample(
        source_tokens=SOURCE_TOKENS,
        target_tokens=TARGET_TOKENS,
        target_step=TARGET_STEP,
        score_function="dot",
        score_latex=r"e_i = s^\top h_i",
        encoder_states=frozen(encoder_states),
        decoder_state=frozen(decoder_state),
        scores=frozen(scores),
        weights=frozen(weights),
        context=frozen(context),
    )
