"""The ``notalone`` command line: one module per command group."""
