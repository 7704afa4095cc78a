"""A question's answers as bars: one per option, named by its label and count, with a title and description."""

from s75.consultations.charts import question_chart
from s75.consultations.selectors import question_counts
from s75.consultations.services import response_submit
from tests.consultations.conftest import DURING


def test_a_bar_per_option_with_its_count(consultation, survey):
    options = {option.label: option.pk for option in survey["agree"].options.all()}
    for label in ("Yes", "Yes", "No"):
        response_submit(consultation=consultation, answers={survey["agree"].pk: options[label]}, respondent={},
                        started_at=DURING, now=DURING)
    tally = next(tally for tally in question_counts(consultation=consultation) if tally.question == survey["agree"])
    assert tally.counts == [("Yes", 2), ("No", 1)] and tally.answered == 3
    chart = question_chart(tally)
    assert 'role="img"' in chart and "<title" in chart and "Answers to “Do you support it?”" in chart
    assert ">Yes<" in chart and ">2<" in chart and ">No<" in chart
