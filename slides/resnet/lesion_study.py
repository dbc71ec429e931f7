"""Delete blocks from the trained nets at test time: one block at a time, then k at random."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedLine,
    FadeIn,
    FadeOut,
    GrowFromEdge,
    Line,
    Polygon,
    VGroup,
    Write,
)

from model.experiments import lesion as experiment
from model.experiments.seeds import seed_key
from slides import theme
from slides.base import LectureSlide
from slides.common.bars import BarPlot, BarSeries
from slides.common.layout import fill_between
from slides.common.numbers import percent
from slides.common.plots import CurvePlot, Series
from slides.common.text import label

SOURCE = "Veit et al. 2016"
KINDS = (("plain", True, theme.PLAIN), ("residual", False, theme.RESIDUAL))


def lesion_data() -> experiment.Lesion:
    """The lesion experiment's canonical (cached) record."""
    return experiment.lesion()


def spread_text(spread) -> str:
    """A mean with its range over seeds, as on every slide of the lecture: 3.5% (2.8-4.0%)."""
    return f"{percent(spread.mean, 1)} ({percent(spread.low, 1)}\u2013{percent(spread.high, 1)})"


def single_series(record: experiment.Lesion) -> list[BarSeries]:
    """Per block, the mean over seeds of the error after deleting it, and the seed range."""
    series = []
    for kind, plain, color in KINDS:
        runs = np.stack([record.single_error[seed_key(plain, s)] for s in record.seeds]).astype(np.float64)
        series.append(
            BarSeries(runs.mean(axis=0), f"{kind}-{record.depth}", color, low=runs.min(axis=0), high=runs.max(axis=0))
        )
    return series


def random_curve(record: experiment.Lesion, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """k = 0 (the full net) and each k deleted: mean over seeds of the mean over draws, and the
    lowest and highest seed."""
    plain = kind == "plain"
    full = np.array([record.full_error[seed_key(plain, s)] for s in record.seeds])
    per_seed = np.column_stack([full, record.random_mean[kind]])
    ks = np.array([0, *record.deleted_counts], dtype=float)
    return ks, per_seed.mean(axis=0), per_seed.min(axis=0), per_seed.max(axis=0)


class LesionStudy(LectureSlide):
    def construct(self) -> None:
        record = lesion_data()
        self.record = record
        self.next_slide(
            notes=f"A second way to see what skips do. Take the trained {record.depth}-layer nets and, "
            "at test time, delete one block. In the residual net the block's layers go and its skip "
            "stays; in the plain net the block's two layers go, so its input passes straight on. The "
            "two blocks that halve the map cannot be removed from the plain net, their shapes do not "
            f"fit. Bars: validation error over {len(record.seeds)} seeds, whiskers the range. " + record.summary
        )
        self.heading = self.title("Delete one block from a trained net")
        self.show_single()
        self.next_slide(
            notes="Now delete several blocks at random, the same blocks in both nets, "
            f"{record.draws} random draws per count and seed; the band is the range over seeds. The "
            "residual net degrades smoothly, as an ensemble does when members leave; the plain net "
            "has no second route: it is already at the error of guessing among ten digits."
        )
        self.show_random()

    def show_single(self) -> None:
        record = self.record
        n = record.n_blocks
        labelled = [i for i in range(n) if (i + 1) % 5 == 0 or i == 0]
        plot = BarPlot(
            single_series(record),
            [str(i + 1) for i in range(n)],
            x_label="block deleted",
            y_label="validation error after deleting it",
            width=11.0,
            height=2.2,
            percent_y=True,
            labelled=labelled,
        )
        legend = VGroup()
        for kind, _plain, color in KINDS:
            swatch = Line(LEFT * 0.25, RIGHT * 0.25, color=color, stroke_width=14)
            legend.add(VGroup(swatch, label(f"{kind}-{record.depth}", size=theme.MIN_FONT)).arrange(RIGHT, buff=0.15))
        legend.add(label("\u00d7 cannot be deleted from the plain net", size=theme.MIN_FONT, color=theme.MUTED))
        legend.arrange(RIGHT, buff=0.6)
        full_lines = VGroup()
        for kind, _plain, color in KINDS:
            level = record.full[kind].mean
            full_lines.add(
                DashedLine(
                    plot.point(-0.5, level), plot.point(n - 0.5, level), color=color, stroke_width=3, dash_length=0.12
                )
            )
        crosses = VGroup(
            *(
                label("\u00d7", size=theme.LABEL_FONT, color=theme.MUTED).move_to(plot.bar_at(0, i) + 0.18 * UP)
                for i in range(n)
                if not record.deletable_in_plain[i]
            )
        )
        numbers = VGroup(
            *(
                VGroup(
                    label(f"{kind}: full net {percent(record.full[kind].mean, 1)}", size=theme.MIN_FONT, color=color),
                    label(
                        f"one block deleted: median {spread_text(record.single_median[kind])}, "
                        f"worst {spread_text(record.single_worst[kind])}",
                        size=theme.MIN_FONT,
                        color=color,
                    ),
                ).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
                for kind, _, color in KINDS
            )
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        chart = VGroup(plot, full_lines, crosses)
        layout = VGroup(legend, chart, numbers).arrange(DOWN, buff=0.3)
        source = self.caption(f"dashed: full net \u00b7 whiskers: range over {len(record.seeds)} seeds \u00b7 {SOURCE}")
        fill_between(layout, self.heading.get_bottom()[1], source.get_top()[1], buff=0.2)
        self.play(Write(self.heading), FadeIn(legend), FadeIn(source))
        self.play(FadeIn(VGroup(*(m for m in plot if m not in (plot.bars, plot.whiskers)))), Create(full_lines))
        for bars, whiskers in zip(plot.bars, plot.whiskers):
            self.play(*(GrowFromEdge(b, DOWN) for b in bars), FadeIn(whiskers), run_time=1.0)
        self.play(FadeIn(crosses), FadeIn(numbers))

    def show_random(self) -> None:
        record = self.record
        self.clear_slide(self.heading)
        heading = self.title("Delete k blocks at random")
        series, bands = [], VGroup()
        curves = {kind: random_curve(record, kind) for kind, _, _ in KINDS}
        for kind, _, color in KINDS:
            ks, mean, _, _ = curves[kind]
            series.append(Series(ks, mean, f"{kind}-{record.depth}", color))
        top = max(float(c[3].max()) for c in curves.values())
        plot = CurvePlot(
            series,
            x_label="blocks deleted at random",
            y_label="validation error",
            width=8.4,
            height=4.3,
            percent_y=True,
            y_range=(0.0, min(1.0, top * 1.05)),
        )
        for kind, _, color in KINDS:
            ks, _, low, high = curves[kind]
            outline = [plot.point(k, v) for k, v in zip(ks, high)] + [
                plot.point(k, v) for k, v in zip(ks[::-1], low[::-1])
            ]
            bands.add(Polygon(*outline, stroke_width=0, fill_color=color, fill_opacity=0.3))
        biggest = record.deleted_counts[-1]
        facts = VGroup(
            *(
                label(f"{kind}: {percent(curves[kind][1][-1], 1)}", size=theme.BODY_FONT, color=color)
                for kind, _, color in KINDS
            )
        )
        facts = VGroup(label(f"with {biggest} deleted:", size=theme.BODY_FONT), *facts)
        facts.arrange(DOWN, aligned_edge=LEFT, buff=0.25).next_to(plot.legend, DOWN, buff=0.8, aligned_edge=LEFT)
        chart = VGroup(plot, bands, facts)
        source = self.caption(
            f"band: range over {len(record.seeds)} seeds \u00b7 {record.draws} draws per k \u00b7 {SOURCE}"
        )
        fill_between(chart, heading.get_bottom()[1], source.get_top()[1], buff=0.2)
        self.play(FadeOut(self.heading), Write(heading), FadeIn(source))
        self.play(FadeIn(VGroup(*(m for m in plot if m is not plot.curves))), FadeIn(bands))
        self.play(*(Create(c) for c in plot.curves), run_time=1.5)
        self.play(FadeIn(facts))
