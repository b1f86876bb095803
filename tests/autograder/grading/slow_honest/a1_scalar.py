"""An honest student of assignment 1 who writes the cross-entropy with
Python loops over the rows and over the classes, scalar by scalar (math
functions, no NumPy inside the loops)."""

import math

import numpy as np


def softmax_cross_entropy(logits, y):
    n, k = logits.shape
    total = 0.0
    dlogits = np.empty((n, k))
    for row in range(n):
        values = [float(v) for v in logits[row]]
        top = max(values)
        norm = sum(math.exp(v - top) for v in values)
        total += math.log(norm) - (values[y[row]] - top)
        for j in range(k):
            dlogits[row, j] = (math.exp(values[j] - top) / norm - (j == y[row])) / n
    return total / n, dlogits
