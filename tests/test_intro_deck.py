"""The tour deck's one number is the real parameter count of torch's ResNet-18 layout."""

from __future__ import annotations

import torch.nn as nn

from model.shape_trace import shape_traces


def _reference_resnet18_parameters() -> int:
    """Count ResNet-18's parameters layer by layer from the paper's Table 1, with torch modules."""
    layers: list[nn.Module] = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64)]
    channels = 64
    for width, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        for block in range(2):
            in_channels = channels if block == 0 else width
            layers += [
                nn.Conv2d(in_channels, width, 3, stride if block == 0 else 1, 1, bias=False),
                nn.BatchNorm2d(width),
                nn.Conv2d(width, width, 3, 1, 1, bias=False),
                nn.BatchNorm2d(width),
            ]
            if block == 0 and (stride != 1 or in_channels != width):
                layers += [nn.Conv2d(in_channels, width, 1, stride, bias=False), nn.BatchNorm2d(width)]
        channels = width
    layers.append(nn.Linear(512, 1000))
    return sum(p.numel() for layer in layers for p in layer.parameters())


def test_the_number_on_the_slide_is_torch_resnet18() -> None:
    # TorchNumber shows this record's total.
    assert shape_traces().traces["resnet18"].total_params == _reference_resnet18_parameters() == 11_689_512
