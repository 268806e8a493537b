import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bluezone_portal.settings")
application = get_wsgi_application()

# Everything loaded so far (settings, URLs, models, serializers, translations) lives as long as the
# process: out of the collector's way, instead of being traversed again by every full collection a
# request's allocations trigger (about a tenth of a report PUT's throughput; docs/performance.md).
gc.collect()
gc.freeze()
