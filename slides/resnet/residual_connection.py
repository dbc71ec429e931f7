"""H(x) = F(x) + x: the block diagram, the residual, and a block that is exactly the identity."""

from __future__ import annotations

from manim import (
    DOWN,
    RIGHT,
    UP,
    Create,
    FadeIn,
    GrowFromCenter,
    Indicate,
    MathTex,
    TransformMatchingTex,
    VGroup,
    Write,
)

from model.identity_block import IdentityBlockDemo, identity_block_demo
from slides import theme
from slides.base import LectureSlide
from slides.common.grids import Grid
from slides.common.residual import ResidualBlockDiagram, brace_label
from slides.common.text import label


def identity_demo_data() -> IdentityBlockDemo:
    """A basic block with its last BN zeroed, run by torch on a 4x4 input."""
    return identity_block_demo()


def formula(*parts: str) -> MathTex:
    """A formula split into parts, so each part can take its own colour."""
    return MathTex(*parts, font_size=theme.BODY_FONT + 8, color=theme.TEXT)


class ResidualConnection(LectureSlide):
    def construct(self) -> None:
        self.next_slide(
            notes="Here is the idea of the whole lecture in one line: the block outputs F of x plus x. "
            "The layers compute F; the input is added back unchanged."
        )
        self.heading = self.title("The residual connection")
        self.formula = formula(r"H(x)", r"=", r"F(x)", r"+", r"x")
        self.formula[2].set_color(theme.LAYER)
        self.formula[4].set_color(theme.SKIP)
        self.play(Write(self.heading), Write(self.formula))

        self.show_block()
        self.show_residual()
        self.show_identity(identity_demo_data())

    def show_block(self) -> None:
        self.next_slide(
            notes="The main path is two weight layers with a ReLU between them. The skip path "
            "carries x around them to the plus node; after the addition comes the last ReLU."
        )
        self.block = ResidualBlockDiagram(
            ("weight\nlayer", "ReLU", "weight\nlayer"),
            output_label="H(x)",
            skip_label="x  (identity)",
            box_height=1.1,
        )
        self.block.next_to(self.heading, DOWN, buff=1.3)
        f_brace = brace_label(self.block.boxes, "F(x)")
        self.play(self.formula.animate.to_edge(DOWN, buff=0.6), FadeIn(self.block.main_parts))
        self.play(FadeIn(f_brace))
        self.play(Create(self.block.skip), FadeIn(self.block.skip_tag), run_time=1.2)
        self.play(Indicate(self.block.merge, color=theme.HIGHLIGHT))
        self.f_brace = f_brace

    def show_residual(self) -> None:
        self.next_slide(
            notes="So the layers no longer have to produce H itself, only the difference between "
            "the output we want and the input: the residual, F of x equals H of x minus x."
        )
        residual = formula(r"F(x)", r"=", r"H(x)", r"-", r"x").move_to(self.formula)
        residual[0].set_color(theme.LAYER)
        residual[4].set_color(theme.SKIP)
        self.play(TransformMatchingTex(self.formula, residual))
        self.formula = residual

    def show_identity(self, demo: IdentityBlockDemo) -> None:
        self.next_slide(
            notes="If F's last batch norm has gamma and beta zero, F outputs all zeros and the block "
            "is exactly the identity. These numbers come from torch: the input, F of x, and the "
            "output, which equals the input."
        )
        self.clear_slide(self.heading)
        grids = [
            (Grid(demo.input, cell=0.8), "x", theme.DATA),
            (Grid(demo.residual, cell=0.8, color=theme.LAYER), "F(x)", theme.LAYER),
            (Grid(demo.output, cell=0.8, color=theme.OUTPUT), "ReLU(F(x) + x)", theme.OUTPUT),
        ]
        plus = label("+", size=theme.TITLE_FONT)
        equals = label("=", size=theme.TITLE_FONT)
        row = VGroup(grids[0][0], plus, grids[1][0], equals, grids[2][0]).arrange(RIGHT, buff=0.6)
        row.next_to(self.heading, DOWN, buff=1.2)
        names = VGroup(*(label(text, color=color).next_to(grid, UP, buff=0.2) for grid, text, color in grids))
        setting = label(
            f"last BN of F:  \u03b3 = {demo.gamma:g},  \u03b2 = {demo.beta:g}   (model in eval mode)",
            color=theme.MUTED,
        ).next_to(row, DOWN, buff=0.6)
        self.play(FadeIn(grids[0][0]), FadeIn(names[0]))
        self.play(GrowFromCenter(plus), FadeIn(grids[1][0]), FadeIn(names[1]), FadeIn(setting))
        self.play(GrowFromCenter(equals), FadeIn(grids[2][0]), FadeIn(names[2]))

        self.next_slide(
            notes="Doing nothing is now the easy default: a block that is not needed can learn to "
            "switch itself off, so adding blocks should never make a network worse."
        )
        takeaway = self.caption("Zero weights in F  =>  the block passes x through unchanged", color=theme.HIGHLIGHT)
        self.play(Indicate(grids[2][0], color=theme.HIGHLIGHT), FadeIn(takeaway))
