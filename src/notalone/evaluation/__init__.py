"""Measuring detection quality on the public datasets, under each dataset's own protocol.

``runner`` scores the configurations (rules, model, fused, baseline), ``models`` finds or
trains the classifier each one uses, ``report`` writes docs/benchmarks.md beside the
published results in ``published.toml``; the figures are named in ``notalone.metrics``.
"""
