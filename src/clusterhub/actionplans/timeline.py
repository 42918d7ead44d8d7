"""The timeline of a plan as an SVG string: one row per action (a bar from its start to its
end, coloured by its status), grouped under its axis, milestones as diamonds on their
action's row (or on a row of their own), year ticks, and a line for today.

Pure (no Django): labels arrive translated; everything written is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape

STATUS_COLOURS = {
    "planned": "#94a3b8",
    "ongoing": "#1b7f74",
    "done": "#0b5a52",
    "delayed": "#f59e0b",
    "cancelled": "#e2e8f0",
}
ROW, HEADER, LABEL, TOP = 22, 24, 260, 26


@dataclass
class Bar:
    label: str
    starts_on: date
    ends_on: date
    status: str
    status_label: str
    milestones: list[tuple[str, date, bool]] = field(default_factory=list)  # title, due, reached


@dataclass
class Group:
    title: str
    bars: list[Bar]


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def draw(
    groups: list[Group],
    starts_on: date,
    ends_on: date,
    *,
    today: date | None = None,
    loose_milestones: list[tuple[str, date, bool]] = (),
    milestones_label: str = "Milestones",
    today_label: str = "Today",
    width: int = 900,
) -> str:
    span = max((ends_on - starts_on).days, 1)
    plot = width - LABEL - 12

    def x(day: date) -> float:
        clamped = min(max(day, starts_on), ends_on)
        return LABEL + plot * (clamped - starts_on).days / span

    rows = sum(1 + len(g.bars) for g in groups) + (1 if loose_milestones else 0)
    height = TOP + rows * ROW + 8
    # The text alternative reads the bars: each action, its dates and its state.
    alternative = escape("; ".join(
        f"{g.title}: " + ", ".join(f"{b.label} ({b.starts_on.isoformat()} – "
                                   f"{b.ends_on.isoformat()}, {b.status_label})" for b in g.bars)
        for g in groups))  # fmt: skip
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{alternative}" class="chart timeline" width="{width}" height="{height}" '
           f'font-size="12">']  # fmt: skip
    for year in range(starts_on.year, ends_on.year + 2):
        tick = date(year, 1, 1)
        if starts_on <= tick <= ends_on or tick == date(starts_on.year, 1, 1):
            tx = x(tick)
            out.append(
                f'<line x1="{tx:.1f}" y1="{TOP - 6}" x2="{tx:.1f}" y2="{height}" '
                f'stroke="#cbd5e1"/><text x="{tx + 3:.1f}" y="14">{year}</text>'
            )
    y = TOP

    def diamond(title: str, due: date, reached: bool, row_y: float) -> str:
        cx, cy, r = x(due), row_y + ROW / 2, 6
        fill = "#0b5a52" if reached else "#ffffff"
        return (f'<path d="M{cx:.1f} {cy - r:.1f} L{cx + r:.1f} {cy:.1f} L{cx:.1f} {cy + r:.1f} '
                f'L{cx - r:.1f} {cy:.1f} Z" fill="{fill}" stroke="#0b5a52" stroke-width="1.5">'
                f"<title>{escape(title)}: {due.isoformat()}</title></path>")  # fmt: skip

    for group in groups:
        out.append(f'<text x="4" y="{y + 16}" font-weight="bold">{escape(_short(group.title, 60))}'
                   "</text>")  # fmt: skip
        y += ROW
        for bar in group.bars:
            x0, x1 = x(bar.starts_on), x(bar.ends_on)
            colour = STATUS_COLOURS.get(bar.status, "#94a3b8")
            out.append(
                f'<text x="12" y="{y + 15}">{escape(_short(bar.label))}</text>'
                f'<rect x="{x0:.1f}" y="{y + 4}" width="{max(x1 - x0, 3):.1f}" height="{ROW - 8}" '
                f'rx="3" fill="{colour}" stroke="#475569" stroke-width="0.5"><title>'
                f"{escape(bar.label)}: {bar.starts_on.isoformat()} – {bar.ends_on.isoformat()}, "
                f"{escape(bar.status_label)}</title></rect>"
            )
            out.extend(diamond(t, d, r, y) for t, d, r in bar.milestones)
            y += ROW
    if loose_milestones:
        out.append(f'<text x="4" y="{y + 16}" font-weight="bold">{escape(milestones_label)}</text>')
        out.extend(diamond(t, d, r, y) for t, d, r in loose_milestones)
        y += ROW
    if today is not None and starts_on <= today <= ends_on:
        tx = x(today)
        out.append(f'<line x1="{tx:.1f}" y1="{TOP - 6}" x2="{tx:.1f}" y2="{height}" '
                   f'stroke="#dc2626" stroke-dasharray="4 3"><title>{escape(today_label)}: '
                   f"{today.isoformat()}</title></line>")  # fmt: skip
    out.append("</svg>")
    return "".join(out)
