"""axe-core, the accessibility checker, run in a Playwright page against WCAG 2.0, 2.1 and 2.2 at levels A and AA.

axe-core comes from the npm registry at the version package-lock.json pins; `make install` puts it in node_modules/.
"""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
    return results.violations.flatMap(rule => rule.nodes.map(node => ({
        rule: rule.id, help: rule.help, target: node.target.join(" "),
    })));
}"""


def axe_violations(page) -> list[str]:
    """Each WCAG A or AA violation on the page as it stands, as "rule (what it asks) at target"."""
    if not AXE.is_file():
        raise AssertionError(f"axe-core is not installed ({AXE.name} is missing from node_modules): run `make install`")
    # Evaluated by the browser's debugging protocol rather than added as a <script>, which the site's
    # Content-Security-Policy refuses (it allows no inline script).
    page.evaluate(AXE.read_text() + "\n;true")
    return [f"{found['rule']} ({found['help']}) at {found['target']}"
            for found in page.evaluate(RUN, WCAG_A_AND_AA)]
