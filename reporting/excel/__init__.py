"""Excel for the People's Committee: the daily report (export) and bulk entry (import).

export.py writes the workbook from the shared selectors; imports.py reads a
filled template and saves every row through reporting.services, or none.
"""
