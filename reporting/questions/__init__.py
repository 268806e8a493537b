"""Questions about a figure: DIC asks a unit about a day's report; the unit corrects or confirms; DIC closes.

Owns the question threads (services: writes; selectors: reads, scoped by
units.access), their e-mails (notices, sent by reporting.tasks after the
commit) and their pages (views). An answer that corrects a figure is a
save like any other, through reporting.intake.services.

May import: the shared top level, intake (the save), watch (who is DIC, how
e-mails are sent) and progress (the figures shown beside a question).
Imported by excel (the data-quality sheet lists open questions), api and the
intake pages (open questions on the form).
"""
