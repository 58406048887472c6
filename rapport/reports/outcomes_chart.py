"""Recovery and reliable improvement per breakdown row, as a server-side SVG bar chart.

Same conventions as rapport/measures/charts.py: presentation attributes only, no
script, role="img" with <title> and <desc>; a data table beside it on the page
carries every number, and the two bars differ by fill pattern as well as shade so
they read in greyscale print.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

INK, MUTED, RECOVERY, IMPROVEMENT = "#1d2733", "#4a5868", "#1f5f8b", "#8fb3cc"
WIDTH, LABEL_W, RIGHT, TOP = 640, 200, 60, 40
BAR, GAP, ROW_GAP = 12, 2, 14
SHOWN = 30  # the chart stays readable; the table lists every row


def render(made: Any, chart_id: str = "outcomes-chart") -> SafeString:
    rows = [g for g in made.groups if g.paired][:SHOWN]
    title = _("Recovery and reliable improvement, %(start)s to %(end)s") % {
        "start": made.filters.start.isoformat(),
        "end": made.filters.end.isoformat(),
    }
    if not rows:
        return SafeString("")
    row_h = 2 * BAR + GAP + ROW_GAP
    height = TOP + row_h * len(rows) + 30
    plot_w = WIDTH - LABEL_W - RIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_describe(rows))}</desc>',
        f'<rect x="{LABEL_W}" y="8" width="12" height="12" fill="{RECOVERY}"/>',
        f'<text x="{LABEL_W + 18}" y="18" font-size="12" fill="{INK}">'
        f"{escape(_('Recovery rate'))}</text>",
        f'<rect x="{LABEL_W + 160}" y="8" width="12" height="12" fill="{IMPROVEMENT}" '
        f'stroke="{INK}" stroke-dasharray="2 2"/>',
        f'<text x="{LABEL_W + 178}" y="18" font-size="12" fill="{INK}">'
        f"{escape(_('Reliable improvement rate'))}</text>",
    ]
    for index, row in enumerate(rows):
        y = TOP + index * row_h
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y + BAR + 4}" font-size="12" text-anchor="end" '
            f'fill="{INK}">{escape(row.label[:32])}</text>'
        )
        for offset, value, fill, dash in (
            (0, row.recovery_rate, RECOVERY, ""),
            (
                BAR + GAP,
                row.improvement_rate,
                IMPROVEMENT,
                f' stroke="{INK}" stroke-dasharray="2 2"',
            ),
        ):
            width = round(plot_w * (value or 0) / 100, 2)
            text = "–" if value is None else f"{value:g} %"
            parts.append(
                f'<rect x="{LABEL_W}" y="{y + offset}" width="{width}" height="{BAR}" '
                f'fill="{fill}"{dash}/>'
            )
            parts.append(
                f'<text x="{LABEL_W + width + 4}" y="{y + offset + BAR - 2}" font-size="11" '
                f'fill="{MUTED}">{escape(text)}</text>'
            )
    axis_y = TOP + row_h * len(rows)
    parts.append(
        f'<line x1="{LABEL_W}" y1="{TOP - 4}" x2="{LABEL_W}" y2="{axis_y}" stroke="{INK}"/>'
    )
    for tick in (0, 50, 100):
        x = LABEL_W + plot_w * tick / 100
        parts.append(
            f'<text x="{x}" y="{axis_y + 16}" font-size="11" text-anchor="middle" '
            f'fill="{MUTED}">{tick} %</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text node escaped above)


def _describe(rows: list[Any]) -> str:
    def pct(value: float | None) -> str:
        return _("no one at caseness") if value is None else f"{value:g} %"

    return " ".join(
        _("%(label)s: recovery %(recovery)s, reliable improvement %(improvement)s.")
        % {
            "label": row.label,
            "recovery": pct(row.recovery_rate),
            "improvement": pct(row.improvement_rate),
        }
        for row in rows
    )
