"""A progress badge a learner can put in their README: "katas 7/17 · 63/170" as an SVG file.

Drawn like the usual flat two-part badges: a grey label, a coloured value (green once every
exercise is done). Text widths are estimated, so no font is needed to draw it.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from grader.progress import CourseTotals, write_atomically

LABEL = "katas"
# Average advance of an 11 px Verdana glyph, and the padding either side of a text.
CHAR_WIDTH = 7
PADDING = 6


def badge_text(totals: CourseTotals) -> str:
    return f"{totals.done}/{totals.exercises} · {totals.points:g}/{totals.max_points:g}"


def render_badge(totals: CourseTotals, label: str = LABEL) -> str:
    value = badge_text(totals)
    label_width = len(label) * CHAR_WIDTH + 2 * PADDING
    value_width = len(value) * CHAR_WIDTH + 2 * PADDING
    width = label_width + value_width
    colour = "#4c1" if totals.done == totals.exercises else "#007ec6"
    title = f"{label} {value}"
    return f"""\
<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{escape(title)}">
  <title>{escape(title)}</title>
  <linearGradient id="shine" x2="0" y2="100%">
    <stop offset="0" stop-color="#bbb" stop-opacity=".1"/>
    <stop offset="1" stop-opacity=".1"/>
  </linearGradient>
  <clipPath id="round"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>
  <g clip-path="url(#round)">
    <rect width="{label_width}" height="20" fill="#555"/>
    <rect x="{label_width}" width="{value_width}" height="20" fill="{colour}"/>
    <rect width="{width}" height="20" fill="url(#shine)"/>
  </g>
  <g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
    <text x="{label_width / 2:g}" y="14">{escape(label)}</text>
    <text x="{label_width + value_width / 2:g}" y="14">{escape(value)}</text>
  </g>
</svg>
"""


def write_badge(path: Path, totals: CourseTotals) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, render_badge(totals))
