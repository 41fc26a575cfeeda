"""Files shipped inside the package: the blank scheme workbook and the starter one (famscore new-scheme)."""
