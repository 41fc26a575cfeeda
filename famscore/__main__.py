"""python -m famscore."""

from famscore.cli import main

main()
