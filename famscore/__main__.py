"""python -m famscore."""

from famscore.entry import main

main()
