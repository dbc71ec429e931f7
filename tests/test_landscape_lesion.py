"""Loss landscapes and the lesion study, recomputed here with torch independently of the code
under test: directions and moved weights through torch.func, deletions through forward hooks,
curvature through numpy's eigenvalues, path counts by listing every path."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.func import functional_call

from model.cifar import resnet_cifar
from model.experiments import landscape, lesion
from model.experiments.datasets import digits_train_val, seeded
from model.experiments.training import Schedule, train_classifier

DEPTH = 14  # two blocks per stage: six blocks, two of which halve the map


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Small nets on shared cores: a second thread only waits (see datasets.seeded)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def tiny_pair() -> tuple[torch.nn.Module, torch.nn.Module]:
    """A plain and a residual net of depth 14, trained for one epoch on the digits."""
    train, val = digits_train_val(8, seed=0)
    nets = []
    for plain in (True, False):
        with seeded(3):
            net = resnet_cifar(DEPTH, plain=plain, width=4, in_channels=1, num_classes=10)
            train_classifier(net, train, val, Schedule(epochs=1), seed=0, every_epoch=False)
        nets.append(net.eval())
    return nets[0], nets[1]


@pytest.fixture(scope="module")
def digits_split():
    return digits_train_val(8, seed=0)


def _direction_by_hand(noise: dict[str, torch.Tensor], net: torch.nn.Module) -> dict[str, torch.Tensor]:
    """Li et al.'s filter normalisation, one filter at a time; zero for 1-D parameters."""
    out = {}
    for name, weight in net.named_parameters():
        d = noise[name].clone()
        if weight.dim() <= 1:
            out[name] = torch.zeros_like(weight)
            continue
        for i in range(weight.shape[0]):
            d[i] = d[i] / d[i].norm() * weight[i].norm()
        out[name] = d
    return out


def _loss_at(net, params, d1, d2, a, b, data) -> float:
    moved = {name: params[name] + a * d1[name] + b * d2[name] for name in params}
    state = {**moved, **dict(net.named_buffers())}
    with torch.no_grad():
        logits = functional_call(net, state, (data.images,))
    return float(F.cross_entropy(logits, data.labels))


# --- the landscape ------------------------------------------------------------------------------


def test_surface_points_equal_the_loss_of_weights_moved_by_hand(tiny_pair, digits_split) -> None:
    train, _ = digits_split
    data = landscape.loss_images(train, per_class=5, seed=0)
    assert len(data) == 50 and np.bincount(data.labels.numpy()).tolist() == [5] * 10
    coordinates = np.array([-0.5, 0.0, 0.5], dtype=np.float32)
    net = tiny_pair[1]
    generator = torch.Generator().manual_seed(7)
    noise1, noise2 = landscape.gaussian_noise(net, generator), landscape.gaussian_noise(net, generator)
    d1, d2 = landscape.filter_normalised(noise1, net), landscape.filter_normalised(noise2, net)
    surface = landscape.loss_surface(net, data, d1, d2, coordinates)

    h1, h2 = _direction_by_hand(noise1, net), _direction_by_hand(noise2, net)
    params = {name: p.detach().clone() for name, p in net.named_parameters()}
    for name in params:
        torch.testing.assert_close(d1[name], h1[name])
    # BN weights and biases never move.
    assert all(not d1[n].any() for n, p in net.named_parameters() if p.dim() == 1)
    for row, b in enumerate(coordinates):
        for col, a in enumerate(coordinates):
            expected = _loss_at(net, params, h1, h2, float(a), float(b), data)
            assert surface[row, col] == pytest.approx(expected, rel=1e-4)
    # The centre is the trained net itself, and measuring left its weights where they were.
    assert surface[1, 1] == pytest.approx(_loss_at(net, params, h1, h2, 0.0, 0.0, data), rel=1e-5)
    assert surface[1, 1] == pytest.approx(landscape.mean_loss(net, data), rel=1e-6)
    for name, p in net.named_parameters():
        torch.testing.assert_close(p.detach(), params[name], rtol=0, atol=0)
    # A zero step along a direction is the centre.
    with landscape.moved(net, [(0.0, d1), (0.0, d2)]):
        assert landscape.mean_loss(net, data) == surface[1, 1]


def test_both_nets_share_the_grid_and_their_centres_are_their_losses(tiny_pair, digits_split) -> None:
    train, _ = digits_split
    data = {0: landscape.loss_images(train, per_class=3, seed=0)}
    coordinates = np.linspace(-1, 1, 3).astype(np.float32)
    surfaces, centre = landscape.landscape_runs({0: tiny_pair}, data, coordinates)
    assert set(surfaces) == {"plain-s0", "residual-s0"}
    for key, net in zip(("plain-s0", "residual-s0"), tiny_pair):
        assert surfaces[key].shape == (3, 3) and surfaces[key].dtype == np.float32
        assert surfaces[key][1, 1] == pytest.approx(centre[key], rel=1e-6)
        with torch.no_grad():
            expected = float(F.cross_entropy(net(data[0].images), data[0].labels))
        assert centre[key] == pytest.approx(expected, rel=1e-5)


def _nonconvex_by_eigenvalues(z: np.ndarray, share: float) -> float:
    count = total = 0
    for i in range(1, z.shape[0] - 1):
        for j in range(1, z.shape[1] - 1):
            hessian = np.array(
                [
                    [
                        z[i, j + 1] - 2 * z[i, j] + z[i, j - 1],
                        (z[i + 1, j + 1] - z[i + 1, j - 1] - z[i - 1, j + 1] + z[i - 1, j - 1]) / 4,
                    ],
                    [0.0, z[i + 1, j] - 2 * z[i, j] + z[i - 1, j]],
                ]
            )
            hessian[1, 0] = hessian[0, 1]
            eigen = np.linalg.eigvalsh(hessian)
            count += eigen[0] < -share * np.abs(eigen).max()
            total += 1
    return count / total


def test_nonconvex_fraction_counts_points_bent_down() -> None:
    x = np.linspace(-1, 1, 15)
    a, b = np.meshgrid(x, x)
    assert landscape.nonconvex_fraction(a**2 + 3 * b**2) == 0.0
    assert landscape.nonconvex_fraction(a**2 - b**2) == 1.0
    assert landscape.nonconvex_fraction(a**2) == 0.0  # a flat valley is not a hill
    bumpy = a**2 + b**2 + 0.05 * np.sin(9 * a) * np.cos(7 * b)
    fraction = landscape.nonconvex_fraction(bumpy)
    assert 0.0 < fraction < 1.0
    assert fraction == pytest.approx(_nonconvex_by_eigenvalues(bumpy, landscape.FLAT_SHARE))


# --- the lesion study -----------------------------------------------------------------------------


def _error(net, data) -> float:
    with torch.no_grad():
        return float((net(data.images).argmax(1) != data.labels).float().mean())


def _hooked_deletion(net, index: int):
    """Delete block ``index`` by replacing its output with what is left of it: the skip."""
    block = [m for m in net.modules() if hasattr(m, "residual_branch")][index]

    def replace(module, inputs, output):
        x = inputs[0]
        return module.shortcut(x) if module.residual else x

    return block.register_forward_hook(replace)


def test_deleting_no_block_is_the_full_net(tiny_pair, digits_split) -> None:
    _, val = digits_split
    for net in tiny_pair:
        same = lesion.without_blocks(net, [])
        with torch.no_grad():
            torch.testing.assert_close(same(val.images), net(val.images), rtol=0, atol=0)
        assert _error(same, val) == _error(net, val)


def test_deleting_a_block_matches_a_hooked_net(tiny_pair, digits_split) -> None:
    _, val = digits_split
    plain, residual = tiny_pair
    blocks = lesion.blocks_of(plain)
    assert len(blocks) == 6
    keeps = [lesion.keeps_shape(b) for b in blocks]
    assert keeps == [True, True, False, True, False, True]
    for index in range(6):
        for net in (plain, residual):
            if not net.blocks()[index].residual and not keeps[index]:
                with pytest.raises(ValueError, match="cannot be deleted"):
                    lesion.without_blocks(net, [index])
                continue
            handle = _hooked_deletion(net, index)
            try:
                with torch.no_grad():
                    expected = net(val.images)
            finally:
                handle.remove()
            with torch.no_grad():
                torch.testing.assert_close(lesion.without_blocks(net, [index])(val.images), expected)
    # The original nets are untouched by the deletions.
    assert all(isinstance(b, type(blocks[0])) for b in lesion.blocks_of(plain))


def test_lesion_run_errors(tiny_pair, digits_split) -> None:
    _, val = digits_split
    plain, _ = tiny_pair
    deletable = [0, 1, 3, 5]
    draws = [[[0], [5]], [[0, 3], [1, 5]]]
    for net in tiny_pair:
        full, single, random = lesion.lesion_run(net, val, deletable, (1, 2), draws)
        assert full == pytest.approx(_error(net, val))
        for index in range(6):
            if net is plain and index not in deletable:
                assert np.isnan(single[index])
                continue
            handle = _hooked_deletion(net, index)
            try:
                assert single[index] == pytest.approx(_error(net, val))
            finally:
                handle.remove()
        assert random.shape == (2, 2)
        handles = [_hooked_deletion(net, i) for i in (1, 5)]
        try:
            assert random[1, 1] == pytest.approx(_error(net, val))
        finally:
            for handle in handles:
                handle.remove()


@pytest.mark.parametrize("n", [1, 3, 9, 27])
def test_path_counts_are_binomial_and_sum_to_two_to_the_n(n: int) -> None:
    lengths, counts = lesion.path_counts(n)
    assert lengths.tolist() == list(range(n + 1))
    assert int(counts.sum()) == 2**n
    assert counts.tolist() == [math.comb(n, k) for k in range(n + 1)]
    if n <= 9:
        # Each path either passes a block's layers (1) or its skip (0).
        listed = np.bincount([sum(p) for p in itertools.product((0, 1), repeat=n)], minlength=n + 1)
        assert listed.tolist() == counts.tolist()


# --- the canonical records, recomputed from the stored trained nets ----------------------------


def _fresh(function):
    """The canonical record; a stale or missing one is a failure (records are committed)."""
    status = function.status()
    assert status.state == "fresh", f"{function.name} is {status.state}: run python -m model build-data"
    return function()


def test_canonical_landscape_centre_and_one_point_recomputed() -> None:
    from model.experiments.degradation import SEEDS, trained_pair, training_data

    record = _fresh(landscape.loss_landscape)
    assert record.seeds == tuple(SEEDS) and len(SEEDS) >= 3
    steps = len(record.coordinates)
    middle = steps // 2
    assert record.coordinates[middle] == 0.0 and steps % 2 == 1
    seed = SEEDS[0]
    train, _ = training_data(seed)
    data = landscape.loss_images(train, per_class=record.n_images // 10, seed=seed)
    assert len(data) == record.n_images
    generator = torch.Generator().manual_seed(1000 + seed)
    plain_net, residual_net = trained_pair(seed)
    noise1 = {n: torch.randn(p.shape, generator=generator) for n, p in plain_net.named_parameters()}
    noise2 = {n: torch.randn(p.shape, generator=generator) for n, p in plain_net.named_parameters()}
    for plain, net in ((True, plain_net), (False, residual_net)):
        key = f"{'plain' if plain else 'residual'}-s{seed}"
        surface = record.surfaces[key]
        params = {name: p.detach().clone() for name, p in net.named_parameters()}
        h1, h2 = _direction_by_hand(noise1, net), _direction_by_hand(noise2, net)
        centre = _loss_at(net, params, h1, h2, 0.0, 0.0, data)
        assert surface[middle, middle] == pytest.approx(centre, rel=1e-4)
        assert record.centre_loss[key] == pytest.approx(centre, rel=1e-4)
        a, b = float(record.coordinates[-1]), float(record.coordinates[1])
        assert surface[1, -1] == pytest.approx(_loss_at(net, params, h1, h2, a, b, data), rel=1e-3)
    for key, surface in record.surfaces.items():
        fraction = _nonconvex_by_eigenvalues(surface.astype(np.float64), record.flat_share)
        assert record.nonconvex_fraction[key] == pytest.approx(fraction)
    plain_runs = [record.nonconvex_fraction[f"plain-s{s}"] for s in SEEDS]
    assert record.roughness["plain"].runs == pytest.approx(plain_runs)
    assert record.roughness["plain"].mean == pytest.approx(np.mean(plain_runs))
    assert landscape.check(record) is None


def test_canonical_lesion_errors_recomputed_with_hooks() -> None:
    from model.experiments.degradation import SEEDS, trained_pair, training_data

    record = _fresh(lesion.lesion)
    seed = SEEDS[-1]
    _, val = training_data(seed)
    assert record.n_val == len(val)
    for plain, net in zip((True, False), trained_pair(seed)):
        key = f"{'plain' if plain else 'residual'}-s{seed}"
        assert record.full_error[key] == pytest.approx(_error(net, val))
        assert len(record.single_error[key]) == record.n_blocks == len(net.blocks())
        for index in (0, record.n_blocks // 2, record.n_blocks - 1):
            handle = _hooked_deletion(net, index)
            try:
                assert record.single_error[key][index] == pytest.approx(_error(net, val))
            finally:
                handle.remove()
    lengths, counts = record.path_lengths, record.path_counts
    assert int(counts.sum()) == 2**record.n_blocks
    assert counts.tolist() == [math.comb(record.n_blocks, int(k)) for k in lengths]
    for kind in ("plain", "residual"):
        keys = [f"{kind}-s{s}" for s in SEEDS]
        medians = [np.median(record.single_error[k][record.deletable_in_plain]) for k in keys]
        assert record.single_median[kind].runs == pytest.approx(medians)
    assert lesion.check(record) is None


def test_landscape_and_lesion_records_stay_small() -> None:
    files = [p for f in (landscape.loss_landscape, lesion.lesion) for p in (f.json_path, f.npz_path)]
    assert all(p.exists() for p in files)
    assert sum(p.stat().st_size for p in files) < 200_000


# --- the slides ----------------------------------------------------------------------------------

SCENES = {"LossLandscape": 2, "LandscapeContours": 1, "LesionStudy": 2, "UnrolledPaths": 2}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    import json

    from tests.conftest import run_make

    build = tmp_path_factory.mktemp("scenes")
    slides = {}
    for scene in SCENES:
        result = run_make("scene", SCENE=scene, BUILD=str(build), QUALITY="l")
        assert result.returncode == 0, result.stdout + result.stderr
        slides[scene] = json.loads((build / "slides" / f"{scene}.json").read_text())["slides"]
    return slides


def test_scenes_render_at_low_quality_with_notes_on_every_slide(rendered) -> None:
    from slides.decks import RESNET

    after = RESNET.scenes.index("GradientFlow")
    assert RESNET.scenes[after + 1 : after + 1 + len(SCENES)] == tuple(SCENES)
    for scene, count in SCENES.items():
        assert len(rendered[scene]) == count
        assert all(slide["notes"].strip() for slide in rendered[scene])
    # The surfaces turn on a looping slide that is neither the first nor the last of the deck.
    assert [s["loop"] for s in rendered["LossLandscape"]] == [False, True]


def test_slide_notes_carry_the_records_numbers(rendered) -> None:
    from slides.resnet.loss_landscape import percent

    record = landscape.loss_landscape()
    notes = rendered["LandscapeContours"][0]["notes"]
    assert percent(record.roughness["plain"].mean) in notes
    assert percent(record.roughness["residual"].mean) in notes
    study = lesion.lesion()
    assert study.summary in rendered["LesionStudy"][0]["notes"]
    assert f"{2**study.n_blocks:,}" in rendered["UnrolledPaths"][1]["notes"]
