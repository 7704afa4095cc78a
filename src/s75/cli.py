"""The ``s75`` command: Django's management commands, with hyphenated names (``s75 load-agreement``).

Commands run with the development settings unless ``DJANGO_SETTINGS_MODULE`` says otherwise.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "s75.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["s75", *args])


if __name__ == "__main__":
    main()
