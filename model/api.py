"""The data each slide shows, as plain records.

Every function returns a frozen dataclass of ints, floats, strings, tuples and numpy arrays:
no tensors and no manim objects, so slides stay free of torch and the cache can store any
record. Every number is computed here by torch and pinned by a test.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from model.blocks import BasicBlock, Bottleneck, block_class
from model.cifar import CIFAR_DEPTHS, resnet_cifar
from model.measure import (
    PAPER_CIFAR_TEST_ERROR,
    PAPER_GIGA_MULTIPLY_ADDS,
    TOP1_ERROR_SOURCE,
    TORCHVISION_TOP1_ERROR,
    block_measures,
    build_model,
    count_flops,
    default_input_shape,
    trace_stages,
)
from model.resnet import IMAGENET_LAYOUTS, ResNet, count_parameters, weighted_layers

# --- convolution ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConvExample:
    """One 2-D convolution spelled out window by window.

    ``windows[i, j]`` is the patch under the kernel for output ``(i, j)``, whose top-left corner
    sits at ``window_origins[i, j]`` in ``padded_input``; ``products`` are the elementwise
    products with the kernel, ``sums`` their sums, and ``output`` is torch's ``conv2d``.
    """

    input: np.ndarray
    kernel: np.ndarray
    stride: int
    padding: int
    padded_input: np.ndarray
    window_origins: np.ndarray
    windows: np.ndarray
    products: np.ndarray
    sums: np.ndarray
    output: np.ndarray


def conv_example(
    image_patch: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0
) -> ConvExample:
    """Convolve a 2-D patch with a 2-D kernel (cross-correlation, as every CNN does)."""
    patch = np.asarray(image_patch, dtype=np.float64)
    weights = np.asarray(kernel, dtype=np.float64)
    if patch.ndim != 2 or weights.ndim != 2:
        raise ValueError(
            f"image_patch and kernel must be 2-D, got shapes {patch.shape} and {weights.shape}"
        )
    if stride < 1 or padding < 0:
        raise ValueError(f"need stride >= 1 and padding >= 0, got {stride} and {padding}")
    padded = np.pad(patch, padding)
    kh, kw = weights.shape
    out_h = (padded.shape[0] - kh) // stride + 1
    out_w = (padded.shape[1] - kw) // stride + 1
    if out_h < 1 or out_w < 1:
        raise ValueError(f"kernel {weights.shape} does not fit the padded input {padded.shape}")
    origins = np.zeros((out_h, out_w, 2), dtype=np.int64)
    windows = np.zeros((out_h, out_w, kh, kw))
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride, j * stride
            origins[i, j] = (top, left)
            windows[i, j] = padded[top : top + kh, left : left + kw]
    products = windows * weights
    output = F.conv2d(
        torch.from_numpy(patch)[None, None],
        torch.from_numpy(weights)[None, None],
        stride=stride,
        padding=padding,
    )[0, 0].numpy()
    return ConvExample(
        input=patch,
        kernel=weights,
        stride=stride,
        padding=padding,
        padded_input=padded,
        window_origins=origins,
        windows=windows,
        products=products,
        sums=products.sum(axis=(2, 3)),
        output=output,
    )


# --- shapes, parameters and multiply-adds -------------------------------------------------------


@dataclass(frozen=True)
class ShapeTrace:
    """A network stage by stage: output shape, parameters and multiply-adds of each stage."""

    model: str
    input_shape: tuple[int, ...]
    stage_names: tuple[str, ...]
    shapes: tuple[tuple[int, ...], ...]
    stage_params: tuple[int, ...]
    stage_macs: tuple[int, ...]
    total_params: int
    total_macs: int


def shape_trace_record(
    name: str = "resnet50", input_shape: tuple[int, ...] | None = None
) -> ShapeTrace:
    """The stage-by-stage trace of model ``name`` (see ``model.measure.model_names``)."""
    shape = tuple(input_shape) if input_shape is not None else default_input_shape(name)
    stages = trace_stages(build_model(name, device="meta"), shape)
    return ShapeTrace(
        model=name,
        input_shape=shape,
        stage_names=tuple(s.name for s in stages),
        shapes=tuple(s.output_shape for s in stages),
        stage_params=tuple(s.params for s in stages),
        stage_macs=tuple(s.macs for s in stages),
        total_params=sum(s.params for s in stages),
        total_macs=sum(s.macs for s in stages),
    )


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
    cls = block_class(kind)
    channels = planes * cls.expansion if in_channels is None else in_channels
    with torch.device("meta"):
        block = cls(channels, planes, stride)
    block.eval()
    conv_inputs: dict[str, tuple[int, ...]] = {}
    convs = [
        (name, m) for name, m in block.named_modules() if isinstance(m, nn.Conv2d)
    ]
    handles = [
        m.register_forward_pre_hook(
            lambda _m, args, name=name: conv_inputs.__setitem__(name, tuple(args[0].shape))
        )
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
            count_parameters(m) for n, m in block.named_modules()
            if isinstance(m, nn.BatchNorm2d) and not n.startswith("downsample")
        ),
        shortcut_params=count_parameters(block.downsample) if block.downsample is not None else 0,
        params=count_parameters(block),
        macs=count_flops(block, input_shape) // 2,
    )


@dataclass(frozen=True)
class BlockTable:
    """Every residual block of a network: position, shapes, parameters, multiply-adds."""

    model: str
    names: tuple[str, ...]
    input_shapes: tuple[tuple[int, ...], ...]
    output_shapes: tuple[tuple[int, ...], ...]
    params: tuple[int, ...]
    macs: tuple[int, ...]


def block_table(name: str = "resnet50") -> BlockTable:
    """Per-block costs of model ``name`` at its design input size."""
    measures = block_measures(build_model(name, device="meta"), default_input_shape(name))
    return BlockTable(
        model=name,
        names=tuple(m.name for m in measures),
        input_shapes=tuple(m.input_shape for m in measures),
        output_shapes=tuple(m.output_shape for m in measures),
        params=tuple(m.params for m in measures),
        macs=tuple(m.macs for m in measures),
    )


@dataclass(frozen=True)
class FamilyRow:
    """One ImageNet ResNet: measured here, beside the paper's and torchvision's figures.

    ``macs_stride_on_conv1`` is the same net with the bottleneck stride on the first 1x1 conv,
    the placement the paper's models used; it is what the paper's ``paper_giga_macs`` counts.
    """

    name: str
    layers: int
    block: str
    blocks_per_stage: tuple[int, ...]
    params: int
    macs: int
    flops: int
    macs_stride_on_conv1: int
    output_shape: tuple[int, ...]
    paper_giga_macs: float
    reference_top1_error: float


@dataclass(frozen=True)
class FamilyTable:
    """The ResNet family at one input size; ``top1_error_source`` says where errors come from."""

    input_shape: tuple[int, ...]
    rows: tuple[FamilyRow, ...]
    top1_error_source: str


def family_table(input_size: int = 224) -> FamilyTable:
    """ResNet-18/34/50/101/152: layers, parameters, multiply-adds and output shape, measured."""
    input_shape = (1, 3, input_size, input_size)
    rows = []
    for name, (block, layers) in IMAGENET_LAYOUTS.items():
        network = build_model(name, device="meta")
        with torch.device("meta"):
            paper_variant = ResNet(block, layers, stride_on="conv1")
        stages = trace_stages(network, input_shape)
        flops = sum(stage.flops for stage in stages)
        rows.append(
            FamilyRow(
                name=name,
                layers=weighted_layers(network),
                block="bottleneck" if block is Bottleneck else "basic",
                blocks_per_stage=tuple(layers),
                params=count_parameters(network),
                macs=flops // 2,
                flops=flops,
                macs_stride_on_conv1=count_flops(paper_variant, input_shape) // 2,
                output_shape=stages[-1].output_shape,
                paper_giga_macs=PAPER_GIGA_MULTIPLY_ADDS[name],
                reference_top1_error=round(TORCHVISION_TOP1_ERROR[name], 3),
            )
        )
    return FamilyTable(input_shape, tuple(rows), TOP1_ERROR_SOURCE)


@dataclass(frozen=True)
class CifarTable:
    """The CIFAR-10 family (6n+2 layers, option A): plain and residual share every parameter."""

    depths: tuple[int, ...]
    params: tuple[int, ...]
    plain_params: tuple[int, ...]
    macs: tuple[int, ...]
    paper_test_error: tuple[float, ...]


def cifar_table() -> CifarTable:
    """ResNet-20/32/44/56/110 measured at 32x32, with the paper's test errors (Table 6)."""
    params, plain_params, macs = [], [], []
    for depth in CIFAR_DEPTHS:
        with torch.device("meta"):
            residual, plain = resnet_cifar(depth), resnet_cifar(depth, plain=True)
        params.append(count_parameters(residual))
        plain_params.append(count_parameters(plain))
        macs.append(count_flops(residual, (1, 3, 32, 32)) // 2)
    return CifarTable(
        depths=CIFAR_DEPTHS,
        params=tuple(params),
        plain_params=tuple(plain_params),
        macs=tuple(macs),
        paper_test_error=tuple(PAPER_CIFAR_TEST_ERROR[d] for d in CIFAR_DEPTHS),
    )


# --- what a block does with its input -----------------------------------------------------------


@dataclass(frozen=True)
class IdentityBlockDemo:
    """A basic block whose last BN has gamma = beta = 0, in eval mode, on a non-negative input.

    ``branch_before_bn`` is the second conv's output (not zero: the branch still computes);
    ``residual`` is F(x), which the zeroed BN makes exactly zero; ``output`` = relu(x + F(x)) = x.
    """

    input: np.ndarray
    branch_before_bn: np.ndarray
    residual: np.ndarray
    output: np.ndarray
    gamma: float
    beta: float


def identity_block_demo(size: int = 4, seed: int = 0) -> IdentityBlockDemo:
    """One channel, ``size`` x ``size`` small whole numbers through a zero-initialised block."""
    generator = torch.Generator().manual_seed(seed)
    block = BasicBlock(1, 1)
    for parameter in block.parameters():
        with torch.no_grad():
            parameter.copy_(torch.randn(parameter.shape, generator=generator))
    with torch.no_grad():
        block.bn2.weight.zero_()
        block.bn2.bias.zero_()
    block.eval()
    x = torch.randint(0, 10, (1, 1, size, size), generator=generator).float()
    captured: dict[str, torch.Tensor] = {}
    block.conv2.register_forward_hook(lambda _m, _i, out: captured.__setitem__("conv2", out))
    with torch.no_grad():
        residual = block.residual_branch(x)
        output = block(x)
    return IdentityBlockDemo(
        input=x[0, 0].numpy(),
        branch_before_bn=captured["conv2"][0, 0].numpy().copy(),
        # Adding 0.0 turns any -0.0 into 0.0, so the slide shows plain zeros.
        residual=residual[0, 0].numpy() + np.float32(0.0),
        output=output[0, 0].numpy(),
        gamma=float(block.bn2.weight.item()),
        beta=float(block.bn2.bias.item()),
    )


@dataclass(frozen=True)
class BatchNormReluExample:
    """A batch through ``BatchNorm2d`` (training mode) then ``ReLU``, every step from torch.

    Arrays are (batch, channels, height, width) except the per-channel ``mean``, ``var``
    (biased: what normalises), ``var_unbiased`` (what the running average takes), ``gamma``,
    ``beta`` and the running statistics after this one step.
    """

    input: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    var_unbiased: np.ndarray
    eps: float
    normalised: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray
    bn_output: np.ndarray
    output: np.ndarray
    momentum: float
    running_mean: np.ndarray
    running_var: np.ndarray


def batchnorm_relu_example(
    batch: int = 4, channels: int = 2, size: int = 1, seed: int = 0
) -> BatchNormReluExample:
    """A small batch (values with one decimal) normalised per channel, then rectified."""
    generator = torch.Generator().manual_seed(seed)
    noise = torch.randn(batch, channels, size, size, generator=generator, dtype=torch.float64)
    # One decimal place keeps the numbers readable on a slide.
    x = torch.round(noise * 20) / 10
    bn = nn.BatchNorm2d(channels).double().train()
    relu = nn.ReLU()
    with torch.no_grad():
        bn_output = bn(x)
        output = relu(bn_output)
    dims = (0, 2, 3)
    mean = x.mean(dim=dims)
    var = x.var(dim=dims, unbiased=False)
    normalised = (x - mean[None, :, None, None]) / torch.sqrt(var[None, :, None, None] + bn.eps)
    return BatchNormReluExample(
        input=x.numpy(),
        mean=mean.numpy(),
        var=var.numpy(),
        var_unbiased=x.var(dim=dims, unbiased=True).numpy(),
        eps=float(bn.eps),
        normalised=normalised.numpy(),
        gamma=bn.weight.detach().numpy().copy(),
        beta=bn.bias.detach().numpy().copy(),
        bn_output=bn_output.numpy(),
        output=output.numpy(),
        momentum=float(bn.momentum or 0.0),
        running_mean=bn.running_mean.numpy().copy(),
        running_var=bn.running_var.numpy().copy(),
    )


# --- learned filters on a photo -----------------------------------------------------------------


@dataclass(frozen=True)
class FeatureMaps:
    """First-layer filters (learned elsewhere, passed in) applied to one image.

    ``maps`` are the convolution outputs before ReLU, ``activations`` after it; ``filter_indices``
    say which filters of the passed weights were shown.
    """

    image: np.ndarray
    filter_indices: tuple[int, ...]
    filters: np.ndarray
    maps: np.ndarray
    activations: np.ndarray


def load_photo(name: str = "camera", size: int | None = None) -> np.ndarray:
    """A bundled scikit-image photo as grey values in [0, 1], optionally resized to ``size``."""
    from skimage import color, data, transform

    try:
        image = getattr(data, name)()
    except AttributeError:
        raise ValueError(f"scikit-image has no bundled image {name!r}") from None
    image = np.asarray(image)
    if image.ndim == 3:
        image = color.rgb2gray(image[..., :3])
    else:
        image = image / np.iinfo(image.dtype).max if image.dtype.kind in "ui" else image
    if size is not None:
        image = transform.resize(image, (size, size), anti_aliasing=True)
    return image.astype(np.float32)


def feature_maps(
    image: np.ndarray,
    weights: np.ndarray,
    n: int = 4,
    indices: tuple[int, ...] | None = None,
    stride: int = 1,
    padding: int | None = None,
    mean: float = 0.0,
    std: float = 1.0,
) -> FeatureMaps:
    """Apply conv weights ``(out, in, kh, kw)`` to ``image`` (``(H, W)`` or ``(H, W, C)``).

    Without ``indices``, shows the ``n`` filters whose responses vary most over the image
    (the maps with the most to see). ``mean``/``std`` are the normalisation the weights were
    trained with; ``padding`` defaults to "same" for odd kernels.
    """
    kernel = np.asarray(weights, dtype=np.float32)
    if kernel.ndim != 4:
        raise ValueError(f"weights must be (out, in, kh, kw), got shape {kernel.shape}")
    picture = np.asarray(image, dtype=np.float32)
    if picture.ndim == 2:
        picture = picture[..., None]
    if picture.ndim != 3:
        raise ValueError(f"image must be (H, W) or (H, W, C), got shape {np.shape(image)}")
    wanted = kernel.shape[1]
    if picture.shape[2] != wanted:
        if picture.shape[2] == 1:
            picture = np.repeat(picture, wanted, axis=2)
        elif wanted == 1:
            picture = picture.mean(axis=2, keepdims=True)
        else:
            raise ValueError(f"image has {picture.shape[2]} channels, weights expect {wanted}")
    pad = kernel.shape[2] // 2 if padding is None else padding
    x = (torch.from_numpy(picture).permute(2, 0, 1)[None] - mean) / std
    responses = F.conv2d(x, torch.from_numpy(kernel), stride=stride, padding=pad)[0]
    if indices is None:
        order = torch.argsort(responses.flatten(1).std(dim=1), descending=True, stable=True)
        chosen = tuple(int(i) for i in order[: min(n, kernel.shape[0])])
    else:
        chosen = tuple(int(i) for i in indices)
        if any(not 0 <= i < kernel.shape[0] for i in chosen):
            raise ValueError(f"indices must lie in [0, {kernel.shape[0]}), got {chosen}")
    maps = responses[list(chosen)]
    return FeatureMaps(
        image=picture,
        filter_indices=chosen,
        filters=kernel[list(chosen)],
        maps=maps.numpy(),
        activations=torch.relu(maps).numpy(),
    )
