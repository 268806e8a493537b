"""Intake: where a report is received, checked and written, whatever the channel.

Owns the report form and its pages (views, forms), the one save service
(services.report_submit), the rules of what a report may contain (validation,
numbers, bounds), what a save reads first (context) and where it is written
(store), and each report's history and receipt (history).

May import: the shared top level (models, campaigns, refusals, record_text),
watch.deadlines and watch.day_lock (a report is judged on time as it is
written), and progress.table (a save takes the progress table's unit lock).
Nothing here imports excel or api; they import intake.
"""
