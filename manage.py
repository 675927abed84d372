#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    # Settings that are incomplete are a person's to fix, not a bug: say what
    # is missing without a traceback in front of it.
    try:
        settings.INSTALLED_APPS  # noqa: B018
    except ImproperlyConfigured as incomplete:
        sys.exit(f"Error: {incomplete}")
    execute_from_command_line(sys.argv)
