"""Progress: where a figure is computed, from the reports or from the table PostgreSQL keeps.

Owns the pure target rules (targets), the figures every reader shares
(figures: rule 1 per field, as they stand or as they stood at an instant;
selectors: provinces, districts, communes, agencies, trend, projection), the
maintained progress table and its answer cache (table; its SQL is in
reporting.postgres), the choice between that table and the reports, made once
per read (source), a serializer's output built without DRF's per-field
machinery (representation), data-quality alarms (data_quality), and the
dashboards (dashboards, views).

May import: the shared top level, watch.deadlines (which day a figure is for)
and watch.compliance (the status shown beside a figure). Nothing here imports
intake, excel or api.
"""
