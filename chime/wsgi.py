from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chime.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their models: over 100,000 objects) lives as long as the worker. Frozen, the
# garbage collector's full collections stop walking it on every run; on the 2-core bench machine such a collection
# paused a request for about 100 ms (once in every 40 or so person pages). See the README's Performance section.
gc.freeze()
