"""Money: parse, format and split (DESIGN.md §5), with worked examples and hypothesis properties."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from s75.core import money
from s75.core.money import (
    MAX_PENCE,
    MoneyError,
    describe_variance,
    format_finance,
    format_gbp,
    format_percent,
    format_plain,
    format_short,
    is_pence,
    parse_pence,
    pence_from_pounds,
    split_keeping_whole_pounds,
    split_largest_remainder,
)


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£1,234.56", 123456),
        ("1234.5", 123450),
        ("(1,234.56)", -123456),
        ("-1,234.56", -123456),
        ("£-5", -500),
        ("-£5", -500),
        ("0", 0),
        (".5", 50),
        ("  £3,102,500 ", 310250000),
        ("1234.560", 123456),
        ("1 234.56", 123456),
        ("+12", 1200),
    ],
)
def test_parse_reads_what_finance_systems_write(text, pence):
    assert parse_pence(text) == pence


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "blank"),
        ("   ", "blank"),
        ("1,23.00", "not an amount"),
        ("12.345", "fractions of a penny"),
        ("abc", "not an amount"),
        ("£", "not an amount"),
        ("--5", "two minus signs"),
        ("(-5)", "two minus signs"),
        ("1.2.3", "not an amount"),
    ],
)
def test_parse_refuses_with_a_reason(text, says):
    with pytest.raises(MoneyError, match=says):
        parse_pence(text)


def test_floats_are_refused_everywhere():
    with pytest.raises(MoneyError):
        parse_pence(1.5)
    with pytest.raises(MoneyError):
        pence_from_pounds(1.5)
    with pytest.raises(MoneyError):
        format_gbp(1.5)
    with pytest.raises(MoneyError):
        split_largest_remainder(100, [1.0, 2.0])


def test_pence_from_pounds_is_exact():
    assert pence_from_pounds(Decimal("44500.00")) == 4450000
    assert pence_from_pounds("0.01") == 1
    assert pence_from_pounds(3) == 300
    with pytest.raises(MoneyError, match="fractions of a penny"):
        pence_from_pounds("0.001")


@pytest.mark.parametrize(
    ("pence", "whole", "exact", "table", "table_exact"),
    [
        (123456700, "£1,234,567", "£1,234,567.00", "1,234,567", "1,234,567.00"),
        (-123400, "(£1,234)", "(£1,234.00)", "(1,234)", "(1,234.00)"),
        (310250000, "£3,102,500", "£3,102,500.00", "3,102,500", "3,102,500.00"),
        (50, "£1", "£0.50", "1", "0.50"),
        (-50, "(£1)", "(£0.50)", "(1)", "(0.50)"),
        (49, "£0", "£0.49", "0", "0.49"),
        (-49, "£0", "(£0.49)", "0", "(0.49)"),  # a negative shown as nought has no brackets
        (0, "£0", "£0.00", "0", "0.00"),
        (-6498155, "(£64,982)", "(£64,981.55)", "(64,982)", "(64,981.55)"),
        (-1500000000, "(£15,000,000)", "(£15,000,000.00)", "(15,000,000)", "(15,000,000.00)"),
        (-1234567890, "(£12,345,679)", "(£12,345,678.90)", "(12,345,679)", "(12,345,678.90)"),
    ],
)
def test_format_puts_negatives_in_brackets(pence, whole, exact, table, table_exact):
    assert format_gbp(pence) == whole
    assert format_gbp(pence, show_pence=True) == exact
    assert format_finance(pence) == table
    assert format_finance(pence, show_pence=True) == table_exact


@pytest.mark.parametrize(
    ("pence", "label"),
    [
        (650_000_000, "£6.5m"), (25_000_000, "£250k"), (80_000, "£800"), (0, "£0"), (-120_000_000, "(£1.2m)"),
        (-5_000_000, "(£50k)"), (123_456_789, "£1.23m"), (-1, "(£0.01)"), (-50, "(£0.5)"),
    ],
)
def test_short_form_for_chart_axes(pence, label):
    assert format_short(pence) == label


@pytest.mark.parametrize(
    ("pence", "show_pence", "words"),
    [
        (566_700, False, "an overspend of £5,667"),
        (-566_700, False, "an underspend of £5,667"),
        (-12_656_000, False, "an underspend of £126,560"),
        (-6_498_155, True, "an underspend of £64,981.55"),
        (1, True, "an overspend of £0.01"),
        (0, False, "on budget"),
        (-30, False, "on budget"),  # under half a pound, shown to the pound
    ],
)
def test_a_variance_in_words(pence, show_pence, words):
    assert describe_variance(pence, show_pence=show_pence) == words


shown_amounts = st.integers(min_value=-10**13, max_value=10**13)
MINUS_SIGNS = ("-", "\u2212", "\u2013", "\u2012")


@given(shown_amounts, st.booleans())
def test_no_shown_amount_has_a_minus_sign(pence, show_pence):
    for text in (format_gbp(pence, show_pence=show_pence), format_finance(pence, show_pence=show_pence),
                 format_short(pence), describe_variance(pence, show_pence=show_pence)):
        assert not any(sign in text for sign in MINUS_SIGNS), text


@given(shown_amounts, st.booleans())
def test_a_negative_is_in_brackets_unless_it_shows_as_nought(pence, show_pence):
    for text in (format_gbp(pence, show_pence=show_pence), format_finance(pence, show_pence=show_pence)):
        shows_nought = not text.strip("£0.,()")
        assert (text.startswith("(") and text.endswith(")")) == (pence < 0 and not shows_nought), text
        assert text.strip("()") == (format_gbp if "£" in text else format_finance)(abs(pence), show_pence=show_pence)


@given(shown_amounts)
def test_words_say_which_way_a_variance_goes(pence):
    words = describe_variance(pence, show_pence=True)
    expected = "an overspend of " if pence > 0 else "an underspend of " if pence < 0 else "on budget"
    assert words.startswith(expected)
    if pence:
        assert parse_pence(words.rsplit(" ", 1)[1]) == abs(pence)


def test_format_finance_with_pence_brackets_negatives():
    assert format_finance(-988112, show_pence=True) == "(9,881.12)"


def test_split_worked_example_from_design():
    # DESIGN.md §6: the Integrated LD team's underspend of £15,000 split 471,000 : 244,000.
    assert split_largest_remainder(-1500000, [471000, 244000]) == [-988112, -511888]
    # LD Pooled Purchasing Budget: overspend of £118,000 split 2,052,000 : 2,130,000.
    assert split_largest_remainder(11800000, [2052000, 2130000]) == [5789957, 6010043]
    # pool_share with offset first: £143,000 split 3,102,500 : 3,493,500.
    assert split_largest_remainder(14300000, [3102500, 3493500]) == [6726160, 7573840]


def test_split_ties_go_to_the_larger_weight_then_the_first_listed():
    assert split_largest_remainder(1, [1, 1]) == [1, 0]
    assert split_largest_remainder(1, [1, 2, 1]) == [0, 1, 0]
    assert split_largest_remainder(2, [1, 1, 1]) == [1, 1, 0]
    assert split_largest_remainder(-1, [1, 1]) == [-1, 0]


def test_split_refuses_nonsense():
    with pytest.raises(MoneyError, match="nobody"):
        split_largest_remainder(100, [])
    with pytest.raises(MoneyError, match="zero"):
        split_largest_remainder(100, [0, 0])
    with pytest.raises(MoneyError, match="negative"):
        split_largest_remainder(100, [1, -1])


amounts = st.integers(min_value=-10**13, max_value=10**13)
weight_lists = st.lists(
    st.one_of(st.integers(min_value=0, max_value=10**11), st.decimals(min_value=0, max_value=100, places=4)),
    min_size=1,
    max_size=12,
).filter(lambda weights: sum(weights) > 0)


@given(amounts, weight_lists)
def test_shares_add_up_to_the_penny(amount, weights):
    assert sum(split_largest_remainder(amount, weights)) == amount


@given(amounts, weight_lists)
def test_each_share_is_within_a_penny_of_its_exact_share(amount, weights):
    total = sum(Fraction(w) for w in weights)
    for share, weight in zip(split_largest_remainder(amount, weights), weights, strict=True):
        assert abs(Fraction(share) - amount * Fraction(weight) / total) < 1


@given(amounts, weight_lists)
def test_negative_amounts_mirror_positive_ones(amount, weights):
    assert split_largest_remainder(-amount, weights) == [-s for s in split_largest_remainder(amount, weights)]


@given(st.integers(min_value=0, max_value=10**13), weight_lists)
def test_shares_of_a_positive_amount_are_never_negative(amount, weights):
    assert all(share >= 0 for share in split_largest_remainder(amount, weights))


@given(amounts, weight_lists, st.randoms())
def test_reordering_partners_moves_no_share_by_more_than_a_penny(amount, weights, rnd):
    order = list(range(len(weights)))
    rnd.shuffle(order)
    original = split_largest_remainder(amount, weights)
    shuffled = split_largest_remainder(amount, [weights[i] for i in order])
    for position, i in enumerate(order):
        assert abs(shuffled[position] - original[i]) <= 1


def test_whole_pounds_split_into_whole_pounds():
    # £68,000 over twelve months: £5,666.67 each to the penny, but in whole pounds eight of £5,667 and four of £5,666.
    assert split_keeping_whole_pounds(68_000_00, [1] * 12) == [5_667_00] * 8 + [5_666_00] * 4
    assert split_largest_remainder(68_000_00, [1] * 12) == [5_666_67] * 8 + [5_666_66] * 4
    # An amount with pence is split to the penny.
    assert split_keeping_whole_pounds(1_000_01, [1] * 12) == [8_334] * 5 + [8_333] * 7
    assert split_keeping_whole_pounds(-68_000_00, [1] * 12) == [-5_667_00] * 8 + [-5_666_00] * 4


@given(amounts, weight_lists)
def test_the_whole_pound_split_adds_up_and_keeps_whole_pounds(amount, weights):
    shares = split_keeping_whole_pounds(amount, weights)
    assert sum(shares) == amount
    if amount % 100 == 0:
        assert all(share % 100 == 0 for share in shares)
    else:
        assert shares == split_largest_remainder(amount, weights)


@given(st.integers(min_value=-10**13, max_value=10**13))
def test_parse_reads_back_what_format_writes(pence):
    assert parse_pence(format_gbp(pence, show_pence=True)) == pence
    assert parse_pence(format_finance(pence, show_pence=True)) == pence


@given(st.integers(min_value=-10**13, max_value=10**13))
def test_whole_pound_format_rounds_half_away_from_zero(pence):
    shown = parse_pence(format_gbp(pence))
    assert abs(shown - pence) <= 50
    assert shown % 100 == 0


def test_plain_and_percent_forms_for_files():
    assert [format_plain(p) for p in (4450000, -5, 0, 1)] == ["44500.00", "-0.05", "0.00", "0.01"]
    percents = [format_percent(Decimal(v)) for v in ("60.0000", "12.5000", "33.3333", "100")]
    assert percents == ["60", "12.5", "33.3333", "100"]


@given(st.integers(min_value=-10**13, max_value=10**13))
def test_plain_form_reads_back_exactly(pence):
    assert parse_pence(format_plain(pence)) == pence


# The fast path of ``parse_pence`` (plain ``1234.56``, as ledger exports carry it) gives exactly what the general
# reading gives, for any text: the same pence, or the same refusal.


def outcome(read, text):
    try:
        return ("pence", read(text))
    except MoneyError as exc:
        return ("refused", str(exc))


amount_like = st.text(alphabet="0123456789.,-+£() \u00a0\u2212٣²_", max_size=14)
plain = st.builds(
    lambda sign, pounds, dot, pence: f"{sign}{pounds}{dot}{pence}",
    st.sampled_from(["", "-", "+", "--"]), st.text(alphabet="0123456789", max_size=12),
    st.sampled_from(["", ".", ".."]), st.text(alphabet="0123456789", max_size=4),
)


@settings(max_examples=2000)
@given(st.one_of(amount_like, plain, st.text(max_size=10)))
@example("0.00")
@example("-0.01")
@example("007.10")
@example("1234.")
@example("-")
@example("")
@example("١٢.٣٤")
def test_the_fast_path_agrees_with_the_general_reading(text):
    assert outcome(parse_pence, text) == outcome(money._parse_pence_general, text)


@given(st.integers(min_value=-MAX_PENCE, max_value=MAX_PENCE))
def test_plain_amounts_read_back_to_the_same_pence(pence):
    text = f"{'-' if pence < 0 else ''}{abs(pence) // 100}.{abs(pence) % 100:02d}"
    assert parse_pence(text) == pence


@pytest.mark.parametrize("text", ["1000000000000.01", "-1000000000000.01", "£9,223,372,036,854,775.80",
                                  "92233720368547758.07", "9" * 30, "(1,000,000,000,000.01)"])
def test_an_amount_beyond_a_trillion_pounds_is_refused_saying_so(text):
    with pytest.raises(MoneyError, match="more than £1,000,000,000,000|longer than any sum"):
        parse_pence(text)
    assert parse_pence("1000000000000.00") == MAX_PENCE


@pytest.mark.parametrize("text", ["\u0664\u0665\u0660\u0660.\u0660\u0660", "\uff14\uff15,000.00", "12\u0663"])
def test_digits_of_other_scripts_are_not_read_as_an_amount(text):
    with pytest.raises(MoneyError, match="is not an amount"):
        parse_pence(text)


def test_an_amount_thousands_of_characters_long_is_refused_without_repeating_it():
    with pytest.raises(MoneyError) as refused:
        parse_pence("1" * 5000)
    assert len(str(refused.value)) < 100


@pytest.mark.parametrize("value", [0, 1, -1, 10**18])
def test_whole_pence_are_ints(value):
    assert is_pence(value)


@pytest.mark.parametrize("value", [True, False, 1.0, Decimal("1"), "1", None])
def test_bools_floats_decimals_and_text_are_not_pence(value):
    assert not is_pence(value)
