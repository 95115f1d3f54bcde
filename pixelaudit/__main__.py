"""`python -m pixelaudit` runs the command-line interface."""

from pixelaudit.cli import main

main()
