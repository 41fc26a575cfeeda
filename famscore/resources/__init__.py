"""Files shipped inside the package: the blank scheme workbook an author starts from."""
