#!/usr/bin/env python
"""Django's command-line utility for the shop."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from config.startup import configuration_problem

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A variable the settings need is missing, or the topology cannot run: say what to fix,
        # in one line, not a traceback.
        problem = configuration_problem(error)
        if problem is None:
            raise
        sys.exit(f"manage.py: {problem}")


if __name__ == "__main__":
    main()
