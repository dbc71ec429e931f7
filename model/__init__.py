"""ResNet networks, their measurements, and the data every slide shows.

This file imports nothing, so importing one module of the package loads that module and what
it imports, no more. Import from the module that holds what you need: the build re-renders a
scene when a file it imports changes, so a scene that imports one leaf module re-renders only
when that module (or one it imports) changes.

- ``blocks``, ``resnet``, ``cifar``: the networks; ``measure``: shapes, parameters, FLOPs.
- One module per record a slide shows: ``convolution``, ``shape_trace``, ``block_trace``,
  ``family``, ``identity_block``, ``batchnorm_relu``, ``functions``, ``variants``, ``layers``.
- ``concepts/``: the concept decks' records; ``experiments/``: training runs, cached by ``cache``
  under ``assets/data/``.
"""
