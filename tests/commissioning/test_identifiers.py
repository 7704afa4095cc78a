from s75.commissioning.identifiers import is_nhs_number


def test_an_nhs_number_is_ten_digits_with_a_modulus_11_check_digit():
    assert is_nhs_number("9434765919")
    assert is_nhs_number("943 476 5919")
    assert is_nhs_number("943-476-5919")
    assert not is_nhs_number("9434765918")  # wrong check digit
    assert not is_nhs_number("943476591")  # nine digits
    assert not is_nhs_number("PKG-0001")
    assert not is_nhs_number("１２３４５６７８９０")  # full-width digits are not ASCII
