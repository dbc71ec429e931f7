"""The batch-norm scene's statistics, outputs and running averages, recomputed with torch."""

from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional as F

from model.concepts import batchnorm as batchnorm_model
from model.concepts.batchnorm import batchnorm_example
from tests.torch_values import close, double


def test_batchnorm_training_statistics_and_outputs() -> None:
    data = batchnorm_example()
    dataset = double(batchnorm_model.DATASET)
    batch = dataset[: batchnorm_model.BATCH_SIZE]
    hidden = F.linear(batch, double(batchnorm_model.LINEAR_WEIGHT), double(batchnorm_model.LINEAR_BIAS))
    gamma, beta = double(batchnorm_model.GAMMA), double(batchnorm_model.BETA)
    mean = hidden.sum(dim=0) / len(hidden)
    variance = ((hidden - mean) ** 2).sum(dim=0) / len(hidden)  # biased: divide by n
    normalized = (hidden - mean) / torch.sqrt(variance + data.eps)
    output = F.batch_norm(hidden, None, None, gamma, beta, training=True, eps=batchnorm_model.EPS)

    assert close(data.batch, batch) and close(data.hidden, hidden)
    assert close(data.mean, mean) and close(data.variance, variance)
    assert close(data.unbiased_variance, variance * len(hidden) / (len(hidden) - 1))
    assert close(data.normalized, normalized)
    # The claim the slide makes: every column of normalised values sums to zero.
    assert close(data.normalized_sums, torch.zeros(3))
    assert close(data.normalized.sum(axis=0), torch.zeros(3))
    assert close(data.gamma, gamma) and close(data.beta, beta)
    assert close(data.output, output) and close(data.output, gamma * normalized + beta)


def test_batchnorm_normalized_values_sum_to_zero_and_gamma_beta_matter() -> None:
    record = batchnorm_example()
    np.testing.assert_allclose(record.normalized_sums, record.normalized.sum(axis=0))
    np.testing.assert_allclose(record.normalized_sums, 0.0, atol=1e-12)
    # Unit variance up to eps: each normalised column has mean square var / (var + eps).
    np.testing.assert_allclose((record.normalized**2).mean(axis=0), record.variance / (record.variance + record.eps))
    assert not np.allclose(record.gamma, 1.0) and not np.allclose(record.beta, 0.0)


def test_batchnorm_running_statistics_and_eval_mode() -> None:
    data = batchnorm_example()
    weight, bias = double(batchnorm_model.LINEAR_WEIGHT), double(batchnorm_model.LINEAR_BIAS)
    gamma, beta = double(batchnorm_model.GAMMA), double(batchnorm_model.BETA)
    batches = double(batchnorm_model.DATASET).split(batchnorm_model.BATCH_SIZE)
    running_mean, running_var = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    new_hidden = F.linear(double(batchnorm_model.NEW_EXAMPLE), weight, bias)
    results = {}
    for step in range(1, batchnorm_model.LONG_RUN_STEPS + 1):
        hidden = F.linear(batches[(step - 1) % len(batches)], weight, bias)
        # The functional form updates the running tensors in place, as the module does.
        F.batch_norm(
            hidden,
            running_mean,
            running_var,
            gamma,
            beta,
            training=True,
            momentum=batchnorm_model.MOMENTUM,
            eps=batchnorm_model.EPS,
        )
        assert close(data.running_mean_history[step], running_mean)
        assert close(data.running_var_history[step], running_var)
        eval_output = F.batch_norm(
            new_hidden[None], running_mean, running_var, gamma, beta, training=False, eps=batchnorm_model.EPS
        )[0]
        results[step] = (running_mean.clone(), running_var.clone(), eval_output)
    assert close(data.new_hidden, new_hidden)
    for shown in (data.after_one_step, data.after_many_steps):
        mean, var, eval_output = results[shown.steps]
        assert close(shown.running_mean, mean) and close(shown.running_var, var)
        assert close(shown.normalized, (new_hidden - mean) / torch.sqrt(var + batchnorm_model.EPS))
        assert close(shown.output, eval_output)
    assert data.after_one_step.steps == 1
    assert data.after_many_steps.steps == batchnorm_model.LONG_RUN_STEPS
