"""Training from scratch vs starting from features learned on another task."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, Dot, FadeIn, Flash, Mobject, VGroup, Write

from model.experiments.transfer import Transfer, transfer
from slides import theme
from slides.base import LectureSlide
from slides.common.numbers import signed
from slides.common.plots import CurvePlot, Series
from slides.common.spread import band, curve_band, mean_range
from slides.common.text import label

# Transferred weights are learned layers, so they take the layer colour; the baseline is muted.
PRETRAINED = theme.LAYER
SCRATCH = theme.MUTED


def transfer_data() -> Transfer:
    """Validation accuracy per epoch on digits 5-9 with few labels, pretrained vs random start."""
    return transfer()


def end_label(value) -> str:
    """``89% (87-91%)``: mean final accuracy over seeds and the range of the runs."""
    return mean_range(value, digits=0)


def gap_points(record: Transfer) -> float:
    """Mean final accuracy, pretrained minus random start, in percentage points."""
    return 100 * (record.final_transfer_accuracy.mean - record.final_scratch_accuracy.mean)


def verdict_text(record: Transfer) -> str:
    n = len(record.seeds)
    if record.effect_observed:
        return f"Over {n} seeds the pretrained start ends clearly more accurate"
    overlap = record.final_transfer_accuracy.low <= record.final_scratch_accuracy.high
    reason = "the runs overlap" if overlap else "the gap is within the runs' spread"
    return f"Over {n} seeds the pretrained start is not clearly ahead: {reason}"


def criterion_notes(record: Transfer) -> str:
    return (
        f"Each curve is the mean of {len(record.seeds)} runs with different seeds (different "
        "pretraining, labelled images and starting weights); the band spans the lowest to the "
        "highest run. A gap counts only when the means differ by more than twice the pooled "
        "standard deviation of the runs and the ranges do not overlap."
    )


def digits_text(classes: tuple[int, ...]) -> str:
    return f"{classes[0]}\u2013{classes[-1]}"


def setup_line(record: Transfer) -> str:
    return (
        f"pretrained on digits {digits_text(record.source_classes)} ({record.n_source_train:,} images),  "
        f"fine-tuned on {digits_text(record.target_classes)} with {record.shots} labels per class"
    )


class TransferLearning(LectureSlide):
    def construct(self) -> None:
        record = transfer_data()
        source, target = record.source_classes, record.target_classes
        self.next_slide(
            notes="A ResNet trained on one task has learned features worth keeping. We pretrain a small "
            f"ResNet on the digits {source[0]} to {source[-1]}, then teach it the digits {target[0]} to "
            f"{target[-1]} from only a few labelled images."
        )
        self.heading = self.title("Transfer learning")
        setup = label(setup_line(record), size=theme.MIN_FONT, color=theme.TEXT)
        setup.next_to(self.heading, DOWN, buff=0.3)
        self.play(Write(self.heading), FadeIn(setup))
        self.show_curves(record, setup)

    def show_curves(self, record: Transfer, setup: Mobject) -> None:
        epochs = np.arange(1, record.finetune_epochs + 1)
        scratch_mean, scratch_low, scratch_high = curve_band(record.scratch_accuracy)
        transfer_mean, transfer_low, transfer_high = curve_band(record.transfer_accuracy)
        plot = CurvePlot(
            [
                Series(epochs, scratch_mean, "random start", SCRATCH),
                Series(epochs, transfer_mean, "pretrained start", PRETRAINED),
            ],
            x_label="fine-tuning epoch",
            y_label="validation accuracy on the new digits",
            percent_y=True,
            y_range=(0.0, 1.0),
            width=8.0,
            height=3.4,
        )
        # The legend goes inside the axes, bottom right, so the end-of-curve labels have the right side.
        plot.legend.move_to(plot.axes.get_corner(DOWN + RIGHT), aligned_edge=DOWN + RIGHT).shift(0.3 * UP + 0.2 * LEFT)
        # Left of centre, so the end labels with their ranges fit on the right.
        plot.next_to(setup, DOWN, buff=0.4).set_x(-1.0)
        scratch_curve, pretrained_curve = plot.curves
        scratch_band = band(plot, epochs, scratch_low, scratch_high, SCRATCH)
        pretrained_band = band(plot, epochs, transfer_low, transfer_high, PRETRAINED)
        self.play(FadeIn(VGroup(*(m for m in plot if m is not plot.curves))))
        self.bring_to_back(scratch_band)
        self.play(Create(scratch_curve), FadeIn(scratch_band), run_time=1.2)
        self.describe(
            f"Validation accuracy per fine-tuning epoch over {record.finetune_epochs} epochs, the mean of "
            f"{len(record.seeds)} runs with their range shaded: the random start ends at "
            f"{mean_range(record.final_scratch_accuracy, digits=0)}."
        )

        outcome = (
            "it ends clearly more accurate"
            if record.effect_observed
            else "here it does not end clearly more accurate, which is worth discussing"
        )
        self.next_slide(
            notes="The same network, the same few images and the same schedule, but starting from the "
            f"pretrained weights: {outcome}. " + criterion_notes(record)
        )
        self.bring_to_back(pretrained_band)
        self.play(Create(pretrained_curve), FadeIn(pretrained_band), run_time=1.2)
        self.describe(
            f"The pretrained start's curve added: it ends at {mean_range(record.final_transfer_accuracy, digits=0)}, "
            f"against {mean_range(record.final_scratch_accuracy, digits=0)} from a random start."
        )

        self.next_slide(
            notes=f"After the last epoch, on every held-out digit from {record.target_classes[0]} to "
            f"{record.target_classes[-1]}: the mean accuracy of the "
            f"{len(record.seeds)} runs, and in brackets the worst and best run. "
            + (
                "With few labels, a pretrained ResNet is the usual starting point."
                if record.effect_observed
                else f"The gap of the means, {signed(gap_points(record))} points, is too small against the "
                "spread of the runs to call real on this small digits task."
            )
        )
        last = float(epochs[-1])
        marks = VGroup()
        for value, color in ((record.final_scratch_accuracy, SCRATCH), (record.final_transfer_accuracy, PRETRAINED)):
            dot = Dot(plot.point(last, value.mean), color=color, radius=0.1)
            tag = label(end_label(value), color=color).next_to(dot, RIGHT, buff=0.15)
            marks.add(VGroup(dot, tag))
        # Keep the two end labels apart when the curves finish close together.
        if abs(marks[0][1].get_y() - marks[1][1].get_y()) < marks[0][1].height * 1.2:
            marks[0][1].next_to(marks[1][1], DOWN, buff=0.1).align_to(marks[1][1], LEFT)
        self.play(FadeIn(marks), Flash(marks[1][0], color=PRETRAINED))
        self.play(Write(self.caption(verdict_text(record), color=theme.HIGHLIGHT, font_size=theme.MIN_FONT)))
