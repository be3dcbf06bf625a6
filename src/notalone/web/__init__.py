"""The HTTP service: a thin adapter over the detection library (``create_app``)."""
