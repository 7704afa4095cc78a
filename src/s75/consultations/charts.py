"""A question's answers as a bar chart on the staff's page, drawn as the fund's pages draw bars (``s75.core.charts``):
a bar per option or point of the scale, its count beside it. Counts are not money: the axis shows plain numbers."""

from django.utils.safestring import SafeString

from s75.core.charts import BarRow, Segment, bar_chart, series_colour

from .selectors import QuestionCounts


def question_chart(tally: QuestionCounts) -> SafeString:
    rows = [BarRow(label, f"{count:,}", (Segment(count, series_colour(0), f"{label}: {count:,}"),))
            for label, count in tally.counts]
    return bar_chart(chart_id=f"question-{tally.question.pk}", rows=rows, tick_label=lambda count: f"{count:,}",
                     title=f"Answers to “{tally.question.text}”",
                     description="A bar for each answer, in the survey's order; the table beside it has the counts.")
