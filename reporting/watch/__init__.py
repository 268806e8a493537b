"""The deadline watch: where a deadline is judged, a missed day flagged, and people told.

Owns the 15:00 rule (deadlines, pure), the order between on-time saves and the
closing of a day (day_lock), detection (flagging) apart from notification
(notifications), statuses (compliance), excuses and late reasons (excuses),
the flags board (flags, views), and the watch's own heartbeat, /healthz
and the banner that says when it has stopped (heartbeat, health,
context_processors). The Celery tasks that drive it are reporting.tasks.

May import: the shared top level, and intake.services (a late reason is saved
as a change of the report, through the one save service). Nothing here imports
progress, excel or api.
"""
