"""Excel for the People's Committee: the daily report (export) and bulk entry (import), and their pages.

export.py writes the workbook from the shared figures (data reads them once;
export_sheets, export_summary and export_quality lay them out); imports.py
reads a filled template (import_sheet, import_template) and saves every row
through reporting.intake.services, or none; http.py answers the upload and
download for both the pages (views) and the API.

May import: the shared top level, intake, watch and progress. Only api and the
URL configuration import excel.
"""
