"""`s75 bcf-lists [FILE]`: load the Better Care Fund years and their national lists (the packaged file by default)."""

from importlib import resources
from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError

from s75.bcf.services import BcfError, bcf_lists_load
from s75.core.files import SafeYamlLoader


class Command(BaseCommand):
    help = "Load Better Care Fund years and lists from a s75-bcf-lists/1 YAML file (default: the packaged lists)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="A YAML file in the format of s75/bcf/data/lists.yaml.")

    def handle(self, *args, **options):
        path = Path(options["file"]) if options["file"] else resources.files("s75.bcf").joinpath("data", "lists.yaml")
        try:
            document = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeYamlLoader)  # noqa: S506 (safe)
        except OSError as error:
            raise CommandError(f"{path} cannot be read: {error.strerror}") from error
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            raise CommandError(f"{path} is not a YAML file: {str(error).splitlines()[0]}") from error
        except RecursionError as error:
            raise CommandError(f"{path} nests lists or fields too deeply to read") from error
        try:
            result = bcf_lists_load(actor=None, document=document)
        except BcfError as error:
            listed = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(f"the lists were not loaded:\n{listed}") from error
        self.stdout.write(f"Better Care Fund lists of {', '.join(result.years)}: {result.created} items added, "
                          f"{result.updated} brought up to date.")
