from s75.core.money import parse_pence


def test_parse_reads_pounds_and_pence():
    assert parse_pence("£1,234.56") == 123456
