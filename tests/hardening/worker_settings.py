"""Settings of the workers test_fault_worker.py starts: the real ones, with redelivery after 2 s.

With the Redis transport a message whose worker died unacknowledged goes back
to the queue after `visibility_timeout` (one hour by default); the test cannot
wait that long.
"""

from bluezone_portal.settings import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2}
