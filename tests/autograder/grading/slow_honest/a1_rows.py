"""An honest student of assignment 1 who writes the cross-entropy one
example at a time: a loop over the rows, each with its own shifted
log-sum-exp and its gradient y_hat - 1_y."""

import numpy as np


def softmax_cross_entropy(logits, y):
    n = logits.shape[0]
    loss = 0.0
    dlogits = np.empty(logits.shape)
    for row in range(n):
        z = logits[row] - np.max(logits[row])
        log_norm = np.log(np.sum(np.exp(z)))
        loss += log_norm - z[y[row]]
        dlogits[row] = np.exp(z - log_norm)
        dlogits[row, y[row]] -= 1.0
    return loss / n, dlogits / n
