"""The ResNet lecture: from functions and convolutions to residual networks."""
