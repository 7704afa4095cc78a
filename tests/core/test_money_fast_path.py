"""The fast path of ``parse_pence`` (plain ``1234.56``, as ledger exports carry it) gives exactly what the general
reading gives, for any text: the same pence, or the same refusal."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from s75.core import money
from s75.core.money import MoneyError, parse_pence


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


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_plain_amounts_read_back_to_the_same_pence(pence):
    text = f"{'-' if pence < 0 else ''}{abs(pence) // 100}.{abs(pence) % 100:02d}"
    assert parse_pence(text) == pence
