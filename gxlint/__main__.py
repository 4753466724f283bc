"""`python -m gxlint` runs the command line."""

from gxlint.cli import main

main()
