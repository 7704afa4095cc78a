"""What the commissioning commands share: the refusal of a service as the command's error, each problem a line."""

from django.core.management.base import CommandError

from s75.core.errors import ServiceError


def command_error(error: ServiceError) -> CommandError:
    return CommandError("\n".join(str(problem)[0].upper() + str(problem)[1:] for problem in error.problems))
