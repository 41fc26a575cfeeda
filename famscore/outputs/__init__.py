"""Everything famscore writes or shows: terminal tables, summary workbook, JSON."""
