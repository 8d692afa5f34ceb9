"""What the OpenVINO writer and the openvino engine agree on: the graphs' file names and the
additive mask value for padding (exp() of it is exactly 0 in float32, as transformers' mask)."""

ENCODER, DECODER = "encoder.xml", "decoder.xml"
MASKED = -1.0e9
