"""``python -m notalone.cli``."""

from notalone.cli.app import main

main()
