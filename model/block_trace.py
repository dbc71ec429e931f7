"""One residual block: its convolutions' channels, parameters and multiply-adds."""

from __future__ import annotations

from dataclasses import dataclass

from model.measure import count_flops


@dataclass(frozen=True)
class BlockTrace:
    """One block's convolutions in order: channels in and out, kernel, parameters, multiply-adds.

    ``params`` and ``macs`` are the whole block's, BN and any projection shortcut included.
    """

    kind: str
    in_channels: int
    out_channels: int
    stride: int
    size: int
    layer_names: tuple[str, ...]
    kernel_sizes: tuple[int, ...]
    layer_in_channels: tuple[int, ...]
    layer_out_channels: tuple[int, ...]
    layer_params: tuple[int, ...]
    layer_macs: tuple[int, ...]
    bn_params: int
    shortcut_params: int
    params: int
    macs: int


def block_trace(
    kind: str,
    in_channels: int | None = None,
    planes: int = 64,
    stride: int = 1,
    size: int = 56,
) -> BlockTrace:
    """Trace one ``basic``, ``bottleneck`` or ``preact`` block on a ``size`` x ``size`` map.

    ``in_channels`` defaults to the block's own output width, the case inside a stage:
    256 -> 64 -> 64 -> 256 for a bottleneck, 64 -> 64 -> 64 for a basic block.
    """
    import torch
    from torch import nn

    from model.blocks import block_class
    from model.resnet import count_parameters

    cls = block_class(kind)
    channels = planes * cls.expansion if in_channels is None else in_channels
    with torch.device("meta"):
        block = cls(channels, planes, stride)
    block.eval()
    conv_inputs: dict[str, tuple[int, ...]] = {}
    convs = [(name, m) for name, m in block.named_modules() if isinstance(m, nn.Conv2d)]
    handles = [
        m.register_forward_pre_hook(lambda _m, args, name=name: conv_inputs.__setitem__(name, tuple(args[0].shape)))
        for name, m in convs
    ]
    input_shape = (1, channels, size, size)
    with torch.no_grad():
        block(torch.zeros(input_shape, device="meta"))
    for handle in handles:
        handle.remove()
    main_path = [(n, m) for n, m in convs if not n.startswith("downsample")]
    return BlockTrace(
        kind=kind,
        in_channels=channels,
        out_channels=block.out_channels,
        stride=stride,
        size=size,
        layer_names=tuple(n for n, _ in main_path),
        kernel_sizes=tuple(int(m.kernel_size[0]) for _, m in main_path),
        layer_in_channels=tuple(m.in_channels for _, m in main_path),
        layer_out_channels=tuple(m.out_channels for _, m in main_path),
        layer_params=tuple(count_parameters(m) for _, m in main_path),
        layer_macs=tuple(count_flops(m, conv_inputs[n]) // 2 for n, m in main_path),
        bn_params=sum(
            count_parameters(m)
            for n, m in block.named_modules()
            if isinstance(m, nn.BatchNorm2d) and not n.startswith("downsample")
        ),
        shortcut_params=count_parameters(block.downsample) if block.downsample is not None else 0,
        params=count_parameters(block),
        macs=count_flops(block, input_shape) // 2,
    )
