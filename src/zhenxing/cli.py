"""The `zhenxing` command: Django's management commands with the zhenxing settings preset.

zhenxing demo                 migrate, load divisions, demo users, serve on 127.0.0.1:8000
zhenxing serve                serve the site
zhenxing divisions load       load or refresh the Dali division tree (idempotent)
zhenxing <any manage.py command>
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zhenxing", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
