"""The password validator refuses a character repeated, too few different characters and runs along the keyboard or
the alphabet; what Django's own validators pass and a person would choose still passes."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from s75.accounts.passwords import PatternPasswordValidator

REFUSED = {
    "Tigerrrr lily 9": "password_repeated",
    "aaaa-bbbb-cccc": "password_repeated",
    "abababababababab": "password_too_few_characters",
    "xyzxyzxyzxyz7": "password_too_few_characters",
    "Crimson qwerty fox": "password_keyboard_run",
    "river 123456 stone": "password_keyboard_run",
    "lamp 9876 harbour": "password_keyboard_run",
    "hello ASDF cabinet": "password_keyboard_run",
    "ledger mnop window": "password_keyboard_run",
    "PoIu-garden-shed": "password_keyboard_run",
    "1qaz2wsx-otters": "password_keyboard_run",
}


@pytest.mark.parametrize(("password", "code"), REFUSED.items())
def test_refuses_repeats_and_runs(password, code):
    with pytest.raises(ValidationError) as refused:
        PatternPasswordValidator().validate(password)
    assert refused.value.code == code


@pytest.mark.parametrize("password", ["correct horse battery", "Purple otter 47 lighthouse", "Kettle-Mango-Brick-92"])
def test_passes_a_password_a_person_would_choose(password):
    PatternPasswordValidator().validate(password)


def test_the_message_names_what_to_change():
    with pytest.raises(ValidationError) as refused:
        PatternPasswordValidator().validate("Crimson qwerty fox")
    assert "“qwer”" in refused.value.messages[0] and "choose one without" in refused.value.messages[0]


@pytest.mark.django_db
def test_is_among_the_sites_validators():
    with pytest.raises(ValidationError) as refused:
        validate_password("a river 123456 stone")
    assert any("run along the keyboard" in message for message in refused.value.messages)
