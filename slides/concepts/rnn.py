"""A recurrent network reads a review word by word: embedding lookup, the recurrence, a score."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    Indicate,
    SurroundingRectangle,
    TransformFromCopy,
    VGroup,
    Write,
)

from model.concepts.rnn import RnnExample, rnn_example
from slides import theme
from slides.base import LectureSlide
from slides.common.grids import Grid, decimals
from slides.common.numbers import fixed
from slides.common.text import equation, label

# Cells wide enough for the values at the minimum font size: one decimal for inputs and
# weights, two for hidden states.
ONE_DECIMAL_CELL = 0.95
TWO_DECIMAL_CELL = 1.15
# The weights have no value wider than "−0.5", and their panel needs the height.
WEIGHT_CELL = 0.9
SYMBOL_SIZE = theme.BODY_FONT + 4  # LaTeX glyphs run small; this matches the labels
SUBSCRIPTS = str.maketrans("0123456789", "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089")


def rnn_data() -> RnnExample:
    """Everything this deck shows: the table, the looked-up rows, every state and the score."""
    return rnn_example()


def sub(name: str, index: int) -> str:
    """``h`` and 2 -> "h\u2082", for labels in plain text."""
    return name + str(index).translate(SUBSCRIPTS)


def vector_text(values) -> str:
    return "(" + ", ".join(fixed(v, 2) for v in values) + ")"


def _under_or_over(words: VGroup, columns: VGroup, side) -> VGroup:
    """Copies of ``words``, each centred on its column, the row just above or below them all.

    The row moves as one piece vertically, so the words keep their common baseline.
    """
    moved = words.copy()
    edge = columns.get_top() if side is UP else columns.get_bottom()
    row_edge = moved.get_bottom() if side is UP else moved.get_top()
    moved.shift((edge[1] - row_edge[1] + 0.15 * side[1]) * UP)
    for word, column in zip(moved, columns):
        word.shift((column.get_x() - word.get_x()) * RIGHT)
    return moved


class RecurrentNetwork(LectureSlide):
    def construct(self) -> None:
        self.next_slide(
            notes="A recurrent network reads a sentence one word at a time and keeps a running "
            "summary, the hidden state. Our task: is this movie review positive?"
        )
        self.data = rnn_data()
        self.show_sentence()
        self.next_slide(
            notes="First, each word becomes a vector: we look up its row in an embedding table. "
            f"Here the table has one row of {self.data.embedding_table.shape[1]} numbers per word of our "
            f"small vocabulary of {self.data.embedding_table.shape[0]} words."
        )
        self.show_lookup()
        self.next_slide(
            notes="Now the recurrence. The new state h t mixes the current word x t with the "
            "previous state h t minus 1, through the same weights W x, W h and b at every step. "
            "We start from h 0 = 0."
        )
        self.show_recurrence()
        for step in range(len(self.data.tokens)):
            state = vector_text(self.data.hidden_states[step])
            self.next_slide(
                notes=f"Step {step + 1}, the word '{self.data.tokens[step]}': multiply x "
                f"{step + 1} and h {step} by the shared weights, add b, squash with tanh. "
                f"h {step + 1} = {state}."
                + (" These are exactly the values torch.nn.RNN computes with these weights." if step == 0 else "")
            )
            self.show_step(step)
        self.next_slide(
            notes=f"The last state has read the whole sentence. A readout turns it into a "
            f"probability: sigmoid of v dot h plus c gives {self.data.score:.3f}, so the review "
            f"reads {self.data.label}."
        )
        self.show_score()

    # Steps --------------------------------------------------------------------------------

    def show_sentence(self) -> None:
        self.heading = self.title("Recurrent networks: reading a sentence")
        # One Text for the sentence keeps every word on the same baseline; its letters (spaces
        # have none) are then grouped into words, which move by whole-row shifts from here on.
        sentence = label(" ".join(self.data.tokens), size=theme.BODY_FONT)
        letters, self.words = list(sentence), VGroup()
        for token in self.data.tokens:
            self.words.add(VGroup(*letters[: len(token)]))
            letters = letters[len(token) :]
        self.words.next_to(self.heading, DOWN, buff=1.5)
        question = label("positive or negative?", size=theme.BODY_FONT, color=theme.OUTPUT)
        question.next_to(self.words, DOWN, buff=0.8)
        self.play(Write(self.heading), run_time=0.8)
        self.play(FadeIn(self.words, lag_ratio=0.3), run_time=1.2)
        self.play(FadeIn(question), run_time=0.6)
        self.question = question

    def show_lookup(self) -> None:
        data = self.data
        table = Grid(data.embedding_table, cell=ONE_DECIMAL_CELL, format=decimals(1))
        names = VGroup(
            *(
                label(word, size=theme.MIN_FONT).next_to(table.cell_at(row, 0), LEFT, buff=0.2)
                for row, word in enumerate(data.vocabulary)
            )
        )
        caption = label("embedding table", size=theme.LABEL_FONT, color=theme.LAYER)
        caption.next_to(table, UP, buff=0.2)
        self.table = VGroup(table, names, caption)
        self.input_grids = [Grid(row[:, None], cell=ONE_DECIMAL_CELL, format=decimals(1)) for row in data.embedded]
        self.inputs = VGroup(*self.input_grids)
        self.inputs.arrange(RIGHT, buff=0.9)
        looked_up = VGroup(self.table, self.inputs).arrange(RIGHT, buff=1.4)
        looked_up.next_to(self.heading, DOWN, buff=0.5)
        self.inputs.align_to(table, DOWN)
        targets = _under_or_over(self.words, self.inputs, UP)
        self.play(
            FadeOut(self.question),
            FadeIn(self.table),
            *(word.animate.move_to(target) for word, target in zip(self.words, targets)),
            run_time=1.0,
        )
        for word, row, x in zip(self.words, data.token_ids, self.input_grids):
            window = table.window(row, 0, 1, table.shape[1])
            self.play(Create(window), Indicate(word, color=theme.HIGHLIGHT), run_time=0.5)
            picked = VGroup(*(table.number_at(row, col) for col in range(table.shape[1])))
            self.play(FadeIn(x.cells), TransformFromCopy(picked, x.numbers), FadeOut(window), run_time=0.8)

    def show_recurrence(self) -> None:
        data = self.data
        steps = len(data.tokens)
        self.state_grids = [
            Grid(h[:, None], cell=TWO_DECIMAL_CELL, format=decimals(2))
            for h in (data.initial_hidden, *data.hidden_states)
        ]
        self.states = VGroup(*self.state_grids).arrange(RIGHT, buff=0.5)
        state_names = VGroup(
            *(label(sub("h", t), size=theme.LABEL_FONT).next_to(h, UP, buff=0.08) for t, h in enumerate(self.states))
        )
        chain = VGroup(state_names, self.states)
        self.carries = VGroup(
            *(
                Arrow(a.get_right(), b.get_left(), buff=0.08, color=theme.DATA, stroke_width=4)
                for a, b in zip(self.states, self.states[1:])
            )
        )
        # Where the words and their vectors go: under the state they feed.
        moved_inputs = self.inputs.copy()
        for step in range(steps):
            moved_inputs[step].next_to(self.states[step + 1], DOWN, buff=0.45)
        moved_words = _under_or_over(self.words, moved_inputs, DOWN)
        self.feeds = VGroup(
            *(
                Arrow(x.get_top(), h.get_bottom(), buff=0.05, color=theme.DATA, stroke_width=4)
                for x, h in zip(moved_inputs, self.states[1:])
            )
        )
        unrolled = VGroup(chain, moved_inputs, moved_words, self.feeds, self.carries)

        self.weights = self._weights_panel()
        VGroup(unrolled, self.weights).arrange(RIGHT, buff=0.6, aligned_edge=UP)
        VGroup(unrolled, self.weights).next_to(self.heading, DOWN, buff=0.25)
        self.moved_inputs, self.moved_words = moved_inputs, moved_words
        self.state_names = state_names
        self.work = self._work(
            equation(r"h_t = \tanh(W_x\, x_t", size=SYMBOL_SIZE), equation(r"+\, W_h\, h_{t-1} + b)", size=SYMBOL_SIZE)
        )

        self.play(
            FadeOut(self.table),
            *(x.animate.move_to(target) for x, target in zip(self.inputs, moved_inputs)),
            *(w.animate.move_to(target) for w, target in zip(self.words, moved_words)),
            run_time=1.0,
        )
        self.play(
            FadeIn(self.states[0]),
            FadeIn(state_names[0]),
            FadeIn(self.feeds),
            *(FadeIn(h.cells) for h in self.state_grids[1:]),
            run_time=0.8,
        )
        self.play(FadeIn(self.weights), Write(self.work), run_time=1.2)

    def show_step(self, step: int) -> None:
        data = self.data
        t = step + 1
        previous, current, x = self.state_grids[step], self.state_grids[t], self.input_grids[step]
        focus = VGroup(
            SurroundingRectangle(x, color=theme.HIGHLIGHT, buff=0.05),
            SurroundingRectangle(previous, color=theme.HIGHLIGHT, buff=0.05),
        )
        work = self._work(
            equation(rf"W_x\, x_{t} + W_h\, h_{step} + b", size=SYMBOL_SIZE),
            label(f"= {vector_text(data.pre_activations[step])}", size=theme.MIN_FONT, mono=True),
            equation(rf"h_{t} = \tanh(\,\cdot\,)", size=SYMBOL_SIZE),
            label(f"= {vector_text(data.hidden_states[step])}", size=theme.MIN_FONT, mono=True, color=theme.DATA),
        )
        self.play(FadeOut(self.work), Create(focus), FadeIn(work[:2]), run_time=0.8)
        self.play(
            Create(self.carries[step]),
            FadeIn(work[2:]),
            TransformFromCopy(work[3], current.numbers),
            FadeIn(self.state_names[t]),
            FadeOut(focus),
            run_time=1.0,
        )
        self.work = work

    def show_score(self) -> None:
        data = self.data
        last = len(data.tokens)
        readout_weight = Grid(
            data.readout_weight[None, :], cell=ONE_DECIMAL_CELL, format=decimals(1), color=theme.LAYER
        )
        readout = VGroup(
            VGroup(equation("v =", size=SYMBOL_SIZE), readout_weight).arrange(RIGHT, buff=0.2),
            label(f"c = {fixed(data.readout_bias, 1)}", size=theme.MIN_FONT, mono=True),
            equation(rf"\sigma(v \cdot h_{last} + c)", size=SYMBOL_SIZE),
            label(f"= \u03c3({data.logit:.2f}) = {data.score:.3f}", size=theme.MIN_FONT, mono=True),
            label(data.label, size=theme.BODY_FONT, color=theme.OUTPUT, weight="BOLD"),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        readout.next_to(self.heading, DOWN, buff=0.3).align_to(self.weights, LEFT)
        self.play(FadeOut(self.work), FadeOut(self.weights), run_time=0.5)
        self.play(Indicate(self.states[last], color=theme.HIGHLIGHT), FadeIn(readout[:3]), run_time=1.0)
        self.play(FadeIn(readout[3]), run_time=0.6)
        self.play(FadeIn(readout[4], scale=1.3), run_time=0.8)

    # Pieces -------------------------------------------------------------------------------

    def _weights_panel(self) -> VGroup:
        """The shared weights W_x, W_h and b, each under its name."""
        data = self.data

        def named(symbol: str, grid: Grid) -> VGroup:
            return VGroup(equation(symbol, size=SYMBOL_SIZE), grid).arrange(DOWN, buff=0.1)

        grids = [
            named("W_x", Grid(data.input_weight, cell=WEIGHT_CELL, format=decimals(1), color=theme.LAYER)),
            named("W_h", Grid(data.hidden_weight, cell=WEIGHT_CELL, format=decimals(1), color=theme.LAYER)),
            named("b", Grid(data.bias[:, None], cell=WEIGHT_CELL, format=decimals(1), color=theme.LAYER)),
        ]
        upper = VGroup(grids[0], grids[2]).arrange(RIGHT, buff=0.4, aligned_edge=UP)
        return VGroup(upper, grids[1]).arrange(DOWN, aligned_edge=LEFT, buff=0.2)

    def _work(self, *lines) -> VGroup:
        """Working for the current step, stacked under the weights."""
        work = VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        return work.next_to(self.weights, DOWN, buff=0.2).align_to(self.weights, LEFT)
