"""ResNet networks, their measurements, and the data every slide shows.

``import model`` loads torch and this package only: training experiments and scikit-learn
are imported where they are used.
"""

from model.api import (
    BatchNormReluExample,
    BlockTable,
    BlockTrace,
    CifarTable,
    ConvExample,
    FamilyRow,
    FamilyTable,
    FeatureMaps,
    IdentityBlockDemo,
    ShapeTrace,
    batchnorm_relu_example,
    block_table,
    block_trace,
    cifar_table,
    conv_example,
    family_table,
    feature_maps,
    identity_block_demo,
    load_photo,
    shape_trace_record,
)
from model.blocks import BasicBlock, Bottleneck, PreActBlock, ResidualBlock, ZeroPadShortcut
from model.cache import cached
from model.cifar import CifarResNet, resnet_cifar
from model.measure import (
    block_measures,
    build_model,
    capture_block_inputs,
    count_flops,
    model_names,
    shape_trace,
)
from model.resnet import (
    ResNet,
    count_parameters,
    resnet18,
    resnet34,
    resnet50,
    resnet101,
    resnet152,
)

__all__ = [
    "BasicBlock",
    "BatchNormReluExample",
    "BlockTable",
    "BlockTrace",
    "Bottleneck",
    "CifarResNet",
    "CifarTable",
    "ConvExample",
    "FamilyRow",
    "FamilyTable",
    "FeatureMaps",
    "IdentityBlockDemo",
    "PreActBlock",
    "ResNet",
    "ResidualBlock",
    "ShapeTrace",
    "ZeroPadShortcut",
    "batchnorm_relu_example",
    "block_measures",
    "block_table",
    "block_trace",
    "build_model",
    "cached",
    "capture_block_inputs",
    "cifar_table",
    "conv_example",
    "count_flops",
    "count_parameters",
    "family_table",
    "feature_maps",
    "identity_block_demo",
    "load_photo",
    "model_names",
    "resnet101",
    "resnet152",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet_cifar",
    "shape_trace",
    "shape_trace_record",
]
