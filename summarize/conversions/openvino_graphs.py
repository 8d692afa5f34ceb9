"""What the OpenVINO writer and the openvino engine agree on: the graphs' file names and the
additive mask value for padding (exp() of it is exactly 0 in float32, as transformers' mask)."""

ENCODER, DECODER = "encoder.xml", "decoder.xml"
# The encoder with int8 weights and activations (NNCF), for CPUs with int8 dot products.
ENCODER_INT8 = "encoder-int8.xml"
MASKED = -1.0e9
# The architectures the graphs are built for.
SUPPORTED = ("bart", "marian")
