"""Attention: one decoder step scores every encoder state, softmaxes, and mixes a context."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    GrowArrow,
    Indicate,
    LaggedStart,
    MathTex,
    Mobject,
    SurroundingRectangle,
    TransformFromCopy,
    VGroup,
    Write,
)

from model.concepts.attention import AttentionExample, attention_example
from slides import theme
from slides.base import LectureSlide
from slides.common.grids import Grid, decimals, sequential
from slides.common.numbers import fixed
from slides.common.text import equation, label

# Arrow thickness for a weight of 0 and of 1; the weight decides where in between.
THIN, THICK = 2.0, 22.0
# Wide enough for "−0.6" at the minimum font size.
CELL = 0.9


def attention_data() -> AttentionExample:
    """The attention step the slides show (all numbers from torch)."""
    return attention_example()


def ordinal(n: int) -> str:
    """1 -> "first": a word's position as a lecturer says it."""
    words = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
    return words[n - 1] if 1 <= n <= len(words) else f"{n}th"


def column(values: np.ndarray, color: str) -> Grid:
    """A vector drawn as a column of cells."""
    return Grid(np.asarray(values).reshape(-1, 1), cell=CELL, format=decimals(1), color=color)


class Attention(LectureSlide):
    def construct(self) -> None:
        self.next_slide(
            notes="Attention in a translation model. The encoder has read the English sentence; the "
            "decoder is about to write the next French word and may look back at every source word."
        )
        self.data = attention_data()
        self.show_states()
        self.show_scores()
        self.show_weights()
        self.show_context()
        self.show_conclusion()

    def row_name(self, lines: list[str], color: str, beside: Mobject) -> VGroup:
        """A row label in the left margin, right-aligned against the encoder columns."""
        name = VGroup(*(label(line, size=theme.MIN_FONT, color=color) for line in lines))
        name.arrange(DOWN, aligned_edge=RIGHT, buff=0.08)
        name.next_to(self.encoder, LEFT, buff=0.35).set_y(beside.get_center()[1])
        return name

    def under_words(self, items: Sequence[Mobject]) -> None:
        """Centre each item under its source word's column."""
        for item, group in zip(items, self.encoder):
            item.set_x(group.get_center()[0])

    def show_states(self) -> None:
        data = self.data
        heading = self.title("Attention: where does the decoder look?")
        vectors = [column(state, theme.DATA) for state in data.encoder_states]
        words = [label(token) for token in data.source_tokens]
        self.encoder = VGroup(*(VGroup(v, w) for v, w in zip(vectors, words)))
        VGroup(*vectors).arrange(RIGHT, buff=0.6)
        for vector, word in zip(vectors, words):
            # One baseline for all words, whatever their letters.
            word.next_to(vector, DOWN, buff=0.15).align_to(words[0], DOWN)
        words[0].next_to(vectors[0], DOWN, buff=0.15)
        for vector, word in zip(vectors[1:], words[1:]):
            word.set_x(vector.get_center()[0]).align_to(words[0], UP)
        self.encoder.next_to(heading, DOWN, buff=0.3).to_edge(LEFT, buff=2.3)
        self.vector_name = self.row_name(["encoder", "states h"], theme.DATA, vectors[0])

        self.decoder = column(data.decoder_state, theme.OUTPUT)
        self.decoder.next_to(self.encoder, RIGHT, buff=0.9).align_to(self.encoder, UP)
        written = " ".join(data.target_tokens[: data.target_step])
        decoder_name = VGroup(
            label("decoder state s", color=theme.OUTPUT),
            label(f"after “{written}”, before “{data.target_token}”", size=theme.MIN_FONT, color=theme.MUTED),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        decoder_name.next_to(self.decoder, RIGHT, buff=0.3).align_to(self.decoder, UP)
        self.decoder_name = decoder_name
        self.play(Write(heading), run_time=0.8)
        self.play(
            LaggedStart(*(FadeIn(g, shift=0.2 * DOWN) for g in self.encoder), lag_ratio=0.2),
            FadeIn(self.vector_name),
            run_time=1.2,
        )
        self.play(FadeIn(self.decoder), FadeIn(decoder_name), run_time=0.8)

    def formula(self, tex: str) -> MathTex:
        """The next line of the recipe, stacked under the decoder's name."""
        line = equation(tex, size=theme.BODY_FONT + 6)
        line.next_to(self.formulas if len(self.formulas) else self.decoder_name, DOWN, buff=0.3)
        line.align_to(self.decoder_name, LEFT)
        self.formulas.add(line)
        return line

    def show_scores(self) -> None:
        data = self.data
        self.next_slide(
            notes="First a score per source word: the dot product of the decoder state with that "
            "word's encoder state. A large score means the two vectors point the same way."
        )
        self.formulas = VGroup()
        rule = self.formula(data.score_latex)
        self.scores = [label(fixed(score, 2), mono=True) for score in data.scores]
        for score in self.scores:
            score.next_to(self.encoder, DOWN, buff=0.3)
        self.under_words(self.scores)
        name = self.row_name(["score e"], theme.TEXT, self.scores[0])
        self.play(Write(rule), run_time=0.8)
        self.play(
            LaggedStart(*(TransformFromCopy(self.decoder, score) for score in self.scores), lag_ratio=0.2),
            FadeIn(name),
            run_time=1.4,
        )

    def show_weights(self) -> None:
        data = self.data
        self.next_slide(
            notes="A softmax turns the scores into weights that are positive and sum to one. "
            "The heat map shows them: the brighter the cell, the more attention."
        )
        rule = self.formula(r"\alpha = \mathrm{softmax}(e)")
        # Brightest cell = largest weight, so the winner stands out at a glance.
        self.heat = Grid(
            data.weights.reshape(1, -1),
            cell=CELL,
            format=decimals(2),
            color=theme.MUTED,
            fill=sequential(0.0, float(data.weights.max())),
        )
        self.heat.next_to(VGroup(*self.scores), DOWN, buff=0.3)
        for index, (square, number) in enumerate(zip(self.heat.cells, self.heat.numbers)):
            offset = (self.encoder[index].get_center()[0] - square.get_center()[0]) * RIGHT
            square.shift(offset)
            number.shift(offset)
        name = self.row_name(["weight α"], theme.HIGHLIGHT, self.heat)
        total = label(f"sum = {fixed(float(data.weights.sum()), 2)}", size=theme.MIN_FONT, color=theme.MUTED).next_to(
            self.heat, RIGHT, buff=0.35
        )
        self.play(Write(rule), run_time=0.8)
        self.play(FadeIn(self.heat), FadeIn(name), run_time=1.0)
        self.describe(
            "A heat map of the weights, one cell under each source word; the brightest is under "
            f"\u201c{data.source_tokens[int(np.argmax(data.weights))]}\u201d."
        )
        self.play(FadeIn(total), run_time=0.5)

    def show_context(self) -> None:
        data = self.data
        self.next_slide(
            notes="The context vector is the weighted sum of the encoder states. Each arrow's "
            "thickness is that word's weight: most of the context comes from one word."
        )
        rule = self.formula(r"c = \textstyle\sum_i \alpha_i h_i")
        self.context = column(data.context, theme.HIGHLIGHT)
        context_name = label("context c", color=theme.HIGHLIGHT)
        VGroup(self.context, context_name).arrange(RIGHT, buff=0.3).to_corner(DOWN + RIGHT, buff=theme.MARGIN)
        # Arrows meet low on the context's left side, so each passes below the cells to its right.
        target = self.context.cell_at(2, 0).get_left()
        arrows = [
            Arrow(
                self.heat.cell_at(0, i).get_bottom(),
                target,
                buff=0.1,
                color=theme.HIGHLIGHT,
                stroke_width=THIN + (THICK - THIN) * weight,
                max_stroke_width_to_length_ratio=40,
                max_tip_length_to_length_ratio=0.12,
            )
            for i, weight in enumerate(data.weights)
        ]
        self.arrows = VGroup(*arrows)
        self.play(Write(rule), run_time=0.8)
        self.play(LaggedStart(*(GrowArrow(a) for a in arrows), lag_ratio=0.15), run_time=1.2)
        self.play(FadeIn(self.context), FadeIn(context_name), run_time=0.8)

    def show_conclusion(self) -> None:
        data = self.data
        attended = data.source_tokens.index(data.attended_token)
        self.next_slide(
            notes=f"To write “{data.target_token}” the decoder attends mostly to “{data.attended_token}”, "
            f"the {ordinal(attended + 1)} word, not the {ordinal(data.target_step + 1)}: word order differs "
            "between the languages, and attention finds the word by its content, not by its position."
        )
        box = SurroundingRectangle(self.encoder[attended], color=theme.HIGHLIGHT, buff=0.1)
        share = fixed(100 * float(data.weights[attended]))
        note = VGroup(
            label(f"writing “{data.target_token}”: {share} % of the", color=theme.HIGHLIGHT),
            label(f"attention goes to “{data.attended_token}”", color=theme.HIGHLIGHT),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        # Bottom left, in the open triangle under the arrows.
        note.to_corner(DOWN + LEFT, buff=theme.MARGIN)
        self.play(Create(box), Indicate(self.heat.cell_at(0, attended), color=theme.HIGHLIGHT), run_time=1.0)
        self.play(FadeIn(note), run_time=0.6)
