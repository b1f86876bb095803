"""Reference implementations of the course: plain NumPy, float64.

Modules
-------
softmax          softmax, its Jacobian, cross-entropy losses
rnn              vanilla RNN step and sequence, output layer
lstm             LSTM step and sequence (gates stacked i, f, g, o)
univariate_lstm  the all-scalar LSTM of the homework source
gradcheck        finite differences and the references built from them
activations      sigmoid and tanh derivatives written through outputs
"""
