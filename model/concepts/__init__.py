"""Numbers for the concept decks, computed by torch.

Each module teaches one idea and offers one function that returns a frozen record of plain
Python values and read-only numpy arrays, small enough to show on a 16:9 slide:

- ``attention``: dot-product attention of one decoder step over four source words.
- ``autodiff``: forward values and backward gradients of a tiny network's loss graph.
- ``batchnorm``: one batch through a linear layer and ``nn.BatchNorm1d``, training and eval.
- ``symmetry``: swapping two hidden units keeps the loss, the straight path between does not.
- ``ravine``: gradient descent on raw versus normalised real data, and with momentum.
- ``rnn``: a sentence read word by word by a tanh RNN, then a sentiment score.
- ``transposed``: a table of convolutions and their equivalent transposed convolutions.

Slides import these functions; they never compute or type a number themselves.
"""
