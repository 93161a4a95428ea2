"""`python -m baseline.manage migrate` from bench/: the baseline's own manage.py."""

from __future__ import annotations

import os
import sys

from django.core.management import execute_from_command_line

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baseline.settings")
    execute_from_command_line(sys.argv)
