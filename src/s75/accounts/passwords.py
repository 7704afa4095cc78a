"""A password validator (settings ``AUTH_PASSWORD_VALIDATORS``) refusing what Django's own do not: a password made
mostly of one character repeated, or of a run along the keyboard or the alphabet (qwerty, 123456, abcdef)."""

import re

from django.core.exceptions import ValidationError

# The digits, the rows of a UK keyboard, its columns read down (qaz, wsx, …) and the alphabet; a run along one, either
# way, counts.
SEQUENCES = ("0123456789", "1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
             "abcdefghijklmnopqrstuvwxyz")
# A run of this many characters along a sequence is refused anywhere in the password.
RUN_LENGTH = 4
# The same character this many times in a row is refused.
REPEAT_LENGTH = 4


def _runs(password: str) -> list[str]:
    """The runs of RUN_LENGTH or more characters along a sequence, either way, in ``password``."""
    text = password.lower()
    found = []
    for sequence in SEQUENCES:
        for ordered in (sequence, sequence[::-1]):
            for start in range(len(ordered) - RUN_LENGTH + 1):
                run = ordered[start:start + RUN_LENGTH]
                if run in text:
                    found.append(run)
    return found


class PatternPasswordValidator:
    def validate(self, password: str, user=None) -> None:
        repeated = re.search(rf"(.)\1{{{REPEAT_LENGTH - 1},}}", password)
        if repeated:
            raise ValidationError(
                f"Your password repeats “{repeated.group(1)}” {len(repeated.group())} times in a row: choose one "
                "without a character repeated",
                code="password_repeated",
            )
        if len(set(password.lower())) * 2 < len(password):
            raise ValidationError(
                "Your password uses too few different characters: choose one with more variety, such as three or "
                "four unrelated words",
                code="password_too_few_characters",
            )
        runs = _runs(password)
        if runs:
            raise ValidationError(
                f"Your password contains “{runs[0]}”, a run along the keyboard or the alphabet: choose one without "
                "such runs",
                code="password_keyboard_run",
            )

    def get_help_text(self) -> str:
        return ("Your password cannot repeat a character 4 times in a row, use few different characters, or contain "
                "a run along the keyboard or the alphabet such as qwerty or 1234.")
