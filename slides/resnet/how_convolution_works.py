"""A 3x3 kernel sliding over a real photo patch, then real learned filters applied to a photo."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    FadeIn,
    FadeOut,
    Group,
    Indicate,
    LaggedStart,
    Rectangle,
    ReplacementTransform,
    Square,
    SurroundingRectangle,
    TransformFromCopy,
    VGroup,
    VMobject,
    Write,
)

from model.convolution import edge_patch, learned_filters
from slides import theme
from slides.common.grids import Grid
from slides.common.images import PhotoSlide, framed, grey_image, signed_image
from slides.common.text import label

DETAILED_POSITIONS = ((0, 0), (0, 1), (0, 2))


class HowConvolutionWorks(PhotoSlide):
    def construct(self) -> None:
        self.lesson = edge_patch()
        self.example = self.lesson.convolution
        self.learned = learned_filters()
        rows, cols = self.example.input.shape
        k_rows, k_cols = self.example.kernel.shape
        learned_kernel = self.learned.maps.filters.shape[-1]
        self.next_slide(
            notes=f"The workhorse layer is the convolution. Take a tiny {rows} by {cols} patch of the photo: "
            f"to the network it is just grey levels, here rounded to whole numbers from 0 to "
            f"{self.lesson.grey_levels}."
        )
        self.show_patch()
        self.next_slide(
            notes=f"A {k_rows} by {k_cols} kernel sits on the top-left window. Multiply each pixel by the "
            f"weight under it and add the {self.example.kernel.size} products: that single number is one "
            "output pixel."
        )
        self.layout_workspace()
        self.show_position(DETAILED_POSITIONS[0])
        self.next_slide(
            notes="Slide one pixel to the right and do the same. This kernel weighs the right column "
            "against the left, so it answers: is it brighter on the right?"
        )
        for position in DETAILED_POSITIONS[1:]:
            self.show_position(position)
        self.next_slide(
            notes="Every window gives one number; the output grid fills in. The large values line up "
            "where the dark hair meets the light sky: this kernel detects vertical edges."
        )
        self.fill_output()
        self.next_slide(
            notes=f"A network learns its kernels. These are {len(self.learned.maps.filter_indices)} of the "
            f"{self.learned.learned} filters, each {learned_kernel} by {learned_kernel}, that our sharpening "
            "network learned: the ones that ignore plain brightness, applied to its blurry input. Each "
            "responds to changes in its own direction."
        )
        self.show_learned_maps()

    def show_patch(self) -> None:
        example = self.example
        self.heading = self.title("How a convolution works")
        picture = grey_image(self.lesson.photo, height=4.2)
        self.patch = Grid(example.input, cell=0.7)
        self.patch_title = label("image patch", size=theme.LABEL_FONT, color=theme.DATA)
        Group(picture, self.patch).arrange(RIGHT, buff=2.0).next_to(self.heading, DOWN, buff=0.9)
        self.patch_title.next_to(self.patch, UP, buff=0.2)
        # Mark the patch on the photo: one photo pixel is picture.height / rows frame units.
        rows = self.lesson.photo.shape[0]
        r, c = self.lesson.origin
        size = example.input.shape[0]
        pixel = picture.height / rows
        marker = Square(side_length=size * pixel, color=theme.HIGHLIGHT, stroke_width=3)
        marker.move_to(picture.get_corner(UP + LEFT) + pixel * np.array([c + size / 2, -(r + size / 2), 0]))
        zoom = Arrow(marker.get_right(), self.patch.get_left(), buff=0.15, color=theme.HIGHLIGHT)
        self.play(Write(self.heading), FadeIn(picture))
        self.play(FadeIn(marker), run_time=0.5)
        self.play(FadeIn(zoom), TransformFromCopy(marker, self.patch.cells), FadeIn(self.patch_title))
        self.play(LaggedStart(*(FadeIn(n) for n in self.patch.numbers), lag_ratio=0.03), run_time=1.2)
        self.photo_group = Group(picture, marker, zoom)
        self.describe(
            f"A grey photo with a square marking the {size} by {size} patch whose grey levels the grid shows."
        )

    def layout_workspace(self) -> None:
        example = self.example
        self.play(FadeOut(self.photo_group), run_time=0.5)
        self.kernel = Grid(example.kernel, cell=0.6, color=theme.LAYER)
        self.products = Grid(np.zeros_like(example.kernel), cell=0.75, show_values=False, color=theme.HIGHLIGHT)
        self.output = Grid(example.output, cell=0.85, color=theme.OUTPUT)
        kernel_title = label("kernel", size=theme.LABEL_FONT, color=theme.LAYER)
        products_title = label("pixel x weight", size=theme.LABEL_FONT, color=theme.HIGHLIGHT)
        output_title = label("output", size=theme.LABEL_FONT, color=theme.OUTPUT)
        middle = VGroup(kernel_title, self.kernel, products_title, self.products).arrange(DOWN, buff=0.25)
        row = Group(self.patch, middle, self.output).arrange(RIGHT, buff=1.0)
        row.next_to(self.heading, DOWN, buff=0.5)
        output_title.next_to(self.output, UP, buff=0.2)
        self.play(
            self.patch_title.animate.next_to(row[0], UP, buff=0.2),
            FadeIn(kernel_title),
            FadeIn(self.kernel),
            FadeIn(products_title),
            FadeIn(self.products.cells),
            FadeIn(output_title),
            FadeIn(self.output.cells),
        )
        self.patch_title.next_to(self.patch, UP, buff=0.2)
        self.window: Rectangle | None = None
        self.product_numbers = VGroup()
        self.sum_text: VMobject = VGroup()
        self.shown: set[tuple[int, int]] = set()

    def show_position(self, position: tuple[int, int]) -> None:
        example = self.example
        i, j = position
        top, left = (int(v) for v in example.window_origins[i, j])
        window = self.patch.window(top, left, *example.kernel.shape)
        if self.window is None:
            self.play(FadeIn(window))
        else:
            self.play(
                ReplacementTransform(self.window, window),
                FadeOut(self.product_numbers),
                FadeOut(self.sum_text),
                run_time=0.6,
            )
        self.window = window
        products = Grid(example.products[i, j], cell=0.75, color=theme.HIGHLIGHT).move_to(self.products)
        self.play(
            LaggedStart(
                *(
                    TransformFromCopy(self.patch.number_at(top + a, left + b), products.number_at(a, b))
                    for a in range(example.kernel.shape[0])
                    for b in range(example.kernel.shape[1])
                ),
                lag_ratio=0.08,
            ),
            run_time=1.2,
        )
        total = example.sums[i, j]
        sum_text = label(f"sum = {total:g}".replace("-", "\u2212"), size=theme.BODY_FONT, color=theme.HIGHLIGHT)
        sum_text.next_to(self.products, DOWN, buff=0.3)
        self.play(Write(sum_text), run_time=0.6)
        self.play(TransformFromCopy(sum_text, self.output.number_at(i, j)), run_time=0.7)
        self.product_numbers = products.numbers
        self.sum_text = sum_text
        self.shown.add((i, j))

    def fill_output(self) -> None:
        rows, cols = self.example.output.shape
        remaining = [self.output.number_at(i, j) for i in range(rows) for j in range(cols) if (i, j) not in self.shown]
        self.play(
            *(FadeOut(m) for m in (self.window, self.product_numbers, self.sum_text) if m is not None), run_time=0.5
        )
        self.play(LaggedStart(*(FadeIn(n, scale=1.3) for n in remaining), lag_ratio=0.1), run_time=1.5)
        strongest = np.unravel_index(np.argmax(self.example.output), self.example.output.shape)
        column = VGroup(*(self.output.cell_at(i, int(strongest[1])) for i in range(rows)))
        edge = SurroundingRectangle(column, color=theme.HIGHLIGHT, buff=0.05)
        self.play(FadeIn(edge))
        self.play(Indicate(column, color=theme.HIGHLIGHT, scale_factor=1.05))

    def show_learned_maps(self) -> None:
        maps = self.learned.maps
        self.clear_slide(self.heading)
        subtitle = label(
            "Filters the sharpening network learned, applied to its input", size=theme.BODY_FONT, color=theme.TEXT
        )
        subtitle.next_to(self.heading, DOWN, buff=0.3)
        source = framed(grey_image(maps.image[..., 0], height=2.3, smooth=True), "input", color=theme.DATA)
        columns = []
        for index, kernel, response in zip(maps.filter_indices, maps.filters, maps.maps):
            kernel_image = framed(signed_image(kernel[0], height=0.9), color=theme.LAYER)
            # Each map on its own grey scale, bright where this filter responds most; the 1st to
            # 99th percentile spans black to white so a few border pixels do not flatten the rest.
            spread = (float(np.percentile(response, 1)), float(np.percentile(response, 99)))
            response_image = framed(
                grey_image(response, height=2.3, value_range=spread), f"filter {index + 1}", color=theme.DATA
            )
            columns.append(Group(kernel_image, response_image).arrange(DOWN, buff=0.25))
        panel = Group(source, *columns).arrange(RIGHT, buff=0.4, aligned_edge=DOWN)
        panel.next_to(subtitle, DOWN, buff=0.4)
        size = maps.filters.shape[-1]
        legend = self.caption(
            f"top: {size}x{size} weights, + positive, − negative;  below: response, bright = strong",
            color=theme.MUTED,
            t2c={"+ positive": theme.POSITIVE, "− negative": theme.NEGATIVE},
            font_size=theme.MIN_FONT,
        )
        self.play(Write(subtitle))
        self.play(FadeIn(source))
        self.play(LaggedStart(*(FadeIn(c, shift=0.2 * UP) for c in columns), lag_ratio=0.25), run_time=1.5)
        self.play(FadeIn(legend))
        self.describe(
            f"The blurry input photo, then for each of the {len(maps.filter_indices)} filters its 3x3 weights "
            "above its response to the photo, each response bright where the photo changes in that filter's "
            "direction."
        )
