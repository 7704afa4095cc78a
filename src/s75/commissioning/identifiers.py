"""Recognising a personal identifier where only a pseudonymous reference belongs: an NHS number is ten digits whose
last is the modulus 11 check digit of the first nine."""

import re

_SEPARATORS = re.compile(r"[\s-]")
NHS_NUMBER_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def is_nhs_number(text: str) -> bool:
    """Whether ``text`` (spaces and hyphens ignored, as ``485 777 3456`` is written) is a valid NHS number."""
    digits = _SEPARATORS.sub("", str(text))
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    check = 11 - sum(int(digit) * weight for digit, weight in zip(digits, NHS_NUMBER_WEIGHTS, strict=False)) % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])
