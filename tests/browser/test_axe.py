"""The accessibility check finds what WCAG's A and AA rules forbid, so that its silence on the site's pages means
something."""

import pytest

from tests.browser.axe import axe_violations

FAULTY = """<!DOCTYPE html><html lang="en-GB"><head><title>Faulty</title></head><body><main>
<h1>Faulty</h1><img src="chart.png"><a href="/funds/1/"></a>
<p style="color: #bbbbbb; background: #ffffff">Pale text</p>
</main></body></html>"""


@pytest.mark.browser
def test_axe_names_each_violation_with_its_rule_and_element(page):
    page.set_content(FAULTY)
    assert sorted(axe_violations(page)) == [
        "color-contrast (Elements must meet minimum color contrast ratio thresholds) at p",
        "image-alt (Images must have alternative text) at img",
        "link-name (Links must have discernible text) at a",
    ]


@pytest.mark.browser
def test_axe_finds_nothing_on_a_sound_page(page):
    page.set_content(FAULTY.replace('src="chart.png"', 'src="chart.png" alt="Spending by month"')
                     .replace('href="/funds/1/">', 'href="/funds/1/">Luton fund').replace("#bbbbbb", "#0b0c0c"))
    assert axe_violations(page) == []
