"""The networks: exact parameter counts, shapes, shortcuts, layout and errors."""

from __future__ import annotations

import pytest
import torch

from model.blocks import BasicBlock, Bottleneck, PreActBlock, ZeroPadShortcut
from model.cifar import resnet_cifar
from model.measure import capture_block_inputs
from model.resnet import count_parameters, resnet18, resnet34, resnet50, resnet101, resnet152

IMAGENET_COUNTS = {
    resnet18: 11_689_512,
    resnet34: 21_797_672,
    resnet50: 25_557_032,
    resnet101: 44_549_160,
    resnet152: 60_192_808,
}
CIFAR_COUNTS = {20: 269_722, 32: 464_154, 44: 658_586, 56: 853_018, 110: 1_727_962}


@pytest.mark.parametrize("factory", list(IMAGENET_COUNTS), ids=lambda f: f.__name__)
def test_imagenet_parameter_counts_equal_torchvision(factory):
    with torch.device("meta"):
        network = factory()
    assert count_parameters(network) == IMAGENET_COUNTS[factory]


@pytest.mark.parametrize("depth", list(CIFAR_COUNTS))
def test_cifar_counts_match_paper_and_plain_twin(depth):
    assert count_parameters(resnet_cifar(depth)) == CIFAR_COUNTS[depth]
    assert count_parameters(resnet_cifar(depth, plain=True)) == CIFAR_COUNTS[depth]


@pytest.mark.parametrize("factory", list(IMAGENET_COUNTS), ids=lambda f: f.__name__)
def test_imagenet_forward_shape(factory):
    # Only shapes matter here: skip the costly random init and run on zeroed weights.
    with torch.device("meta"):
        network = factory()
    network = network.to_empty(device="cpu").eval()
    with torch.no_grad():
        for tensor in network.state_dict().values():
            tensor.zero_()
        assert network(torch.randn(1, 3, 64, 64)).shape == (1, 1000)


def test_cifar_variants_forward_shape():
    x = torch.randn(2, 1, 32, 32)
    for options in ({}, {"plain": True}, {"preact": True}, {"width": 4}):
        network = resnet_cifar(20, in_channels=1, num_classes=7, **options)
        assert network(x).shape == (2, 7), options


def test_plain_imagenet_net_has_no_shortcuts():
    with torch.device("meta"):
        plain = resnet18(plain=True)
    assert all(not block.residual and block.downsample is None for block in plain.blocks())
    assert not any("downsample" in key for key in plain.state_dict())


def test_plain_cifar_block_drops_only_the_addition():
    torch.manual_seed(0)
    residual, plain = resnet_cifar(20), resnet_cifar(20, plain=True)
    plain.load_state_dict(residual.state_dict())
    residual.eval(), plain.eval()
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        assert not torch.allclose(residual(x), plain(x))
        block = plain.layer1[0]
        assert torch.equal(block(x := plain.relu(plain.bn1(plain.conv1(x)))), torch.relu(block.residual_branch(x)))


def test_option_a_subsamples_and_zero_pads():
    x = torch.randn(2, 16, 8, 8)
    out = ZeroPadShortcut(16, 32, stride=2)(x)
    assert out.shape == (2, 32, 4, 4)
    assert torch.equal(out[:, :16], x[:, :, ::2, ::2])
    assert torch.count_nonzero(out[:, 16:]) == 0
    assert isinstance(resnet_cifar(20).layer2[0].downsample, ZeroPadShortcut)


def test_projection_shortcut_and_bottleneck_stride_follow_torchvision():
    with torch.device("meta"):
        network = resnet50()
    first = network.layer2[0]
    assert first.conv1.stride == (1, 1) and first.conv2.stride == (2, 2)
    assert isinstance(first.downsample[0], torch.nn.Conv2d)
    assert first.downsample[0].kernel_size == (1, 1) and first.downsample[0].stride == (2, 2)
    assert isinstance(first.downsample[1], torch.nn.BatchNorm2d)
    assert network.layer1[1].downsample is None
    with torch.device("meta"):
        paper = Bottleneck(256, 128, stride=2, stride_on="conv1")
    assert paper.conv1.stride == (2, 2) and paper.conv2.stride == (1, 1)


def test_reference_layout_state_dict_round_trip():
    with torch.device("meta"):
        keys = set(resnet50().state_dict())
    expected = {
        "conv1.weight",
        "bn1.weight",
        "bn1.bias",
        "bn1.running_mean",
        "bn1.running_var",
        "bn1.num_batches_tracked",
        "layer1.0.conv1.weight",
        "layer1.0.bn1.running_mean",
        "layer1.0.conv2.weight",
        "layer1.0.conv3.weight",
        "layer1.0.bn3.running_var",
        "layer1.0.downsample.0.weight",
        "layer1.0.downsample.1.weight",
        "layer1.0.downsample.1.running_mean",
        "layer3.5.bn2.bias",
        "layer4.2.conv3.weight",
        "fc.weight",
        "fc.bias",
    }
    assert expected <= keys
    assert not any(key.startswith(("relu", "maxpool", "avgpool", "flatten")) for key in keys)

    torch.manual_seed(0)
    source = resnet18()
    reference = {key: value.clone() for key, value in source.state_dict().items()}
    for key in ("layer1.0.bn1.running_mean", "layer2.0.downsample.1.running_var"):
        reference[key] = torch.rand_like(reference[key]) + 0.5
    torch.manual_seed(1)
    target = resnet18()
    target.load_state_dict(reference, strict=True)
    assert torch.equal(target.layer1[0].bn1.running_mean, reference["layer1.0.bn1.running_mean"])
    source.load_state_dict(reference)
    source.eval(), target.eval()
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        assert torch.equal(source(x), target(x))


def test_zero_gamma_beta_block_is_identity_on_non_negative_input():
    torch.manual_seed(0)
    block = BasicBlock(8, 8)
    with torch.no_grad():
        block.bn2.weight.zero_()
        block.bn2.bias.zero_()
    block.eval()
    x = torch.rand(2, 8, 6, 6) * 5
    with torch.no_grad():
        assert torch.equal(block(x), x)


def test_preact_block_has_nothing_after_the_addition():
    torch.manual_seed(0)
    block = PreActBlock(8, 8).eval()
    with torch.no_grad():
        block.conv2.weight.zero_()
        x = torch.randn(2, 8, 5, 5)  # negative values pass too: no ReLU after the sum
        assert torch.equal(block(x), x)
    assert isinstance(resnet_cifar(20, preact=True).layer1[0], PreActBlock)


def test_zero_init_residual_starts_every_block_at_zero_gamma():
    network = resnet18(zero_init_residual=True)
    assert len(network.blocks()) == 8
    assert all(torch.count_nonzero(b.bn2.weight) == 0 for b in network.blocks())


def test_block_inputs_receive_gradients_in_order():
    torch.manual_seed(0)
    network = resnet_cifar(20, width=4)
    x = torch.randn(2, 3, 16, 16)
    with capture_block_inputs(network) as inputs:
        network(x).sum().backward()
    assert len(inputs) == len(network.blocks()) == 9
    assert [t.shape[1] for t in inputs] == [4, 4, 4, 4, 8, 8, 8, 16, 16]
    assert all(t.grad is not None and t.grad.shape == t.shape for t in inputs)
    assert not network.layer1[0]._forward_pre_hooks  # hooks removed on exit


def test_seeded_construction_is_deterministic():
    states = []
    for _ in range(2):
        torch.manual_seed(0)
        states.append(resnet_cifar(20).state_dict())
    assert all(torch.equal(states[0][k], states[1][k]) for k in states[0])


@pytest.mark.parametrize("depth", [0, 2, 19, 21, 100])
def test_depth_not_6n_plus_2_is_rejected(depth):
    with pytest.raises(ValueError, match=r"6n\+2.*20, 26, 32"):
        resnet_cifar(depth)


def test_bad_shortcut_and_layers_are_rejected():
    with pytest.raises(ValueError, match="valid kinds: projection, option_a"):
        BasicBlock(16, 32, 2, shortcut="option_c")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="four positive"):
        from model.resnet import ResNet

        ResNet(BasicBlock, (2, 2, 2))
