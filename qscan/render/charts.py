"""Inline SVG charts for the HTML reports: no scripts, no external resources, every label
escaped. Each function returns markup ready to place in a jinja template."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from markupsafe import Markup, escape

STATUS_COLORS = {
    "quantum-safe": "#2b8a3e",
    "hybrid": "#0c8599",
    "quantum-vulnerable": "#e8590c",
    "classically-broken": "#c92a2a",
    "unknown": "#868e96",
}
SEVERITY_COLORS = {
    "critical": "#a4161a",
    "high": "#e8590c",
    "medium": "#f59f00",
    "low": "#4dabf7",
    "info": "#adb5bd",
}


def _svg(width: int, height: int, label: str, body: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{body}</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{c}>{escape(text)}</text>'


def donut(
    segments: Sequence[tuple[str, int, str]], center: str, label: str, size: int = 180
) -> Markup:
    """Ring chart; segments are (legend text, value, colour)."""
    total = sum(v for _, v, _ in segments)
    r, stroke = size / 2 - 14, 26
    cx = cy = size / 2
    circ = 2 * math.pi * r
    parts = [
        f'<circle cx="{cx}" cy="{cy}" r="{r:.1f}" fill="none" stroke="#e9ecef" '
        f'stroke-width="{stroke}"/>'
    ]
    offset = 0.0
    for text, value, color in segments:
        if not value or not total:
            continue
        length = circ * value / total
        parts.append(
            f'<circle cx="{cx}" cy="{cy}" r="{r:.1f}" fill="none" stroke="{color}" '
            f'stroke-width="{stroke}" stroke-dasharray="{length:.2f} {circ - length:.2f}" '
            f'stroke-dashoffset="{-offset:.2f}" transform="rotate(-90 {cx} {cy})">'
            f"<title>{escape(text)}: {value}</title></circle>"
        )
        offset += length
    parts.append(_text(cx, cy + 8, center, "middle", "big"))
    legend_x = size + 16
    for i, (text, value, color) in enumerate(segments):
        y = 22 + i * 24
        parts.append(
            f'<rect x="{legend_x}" y="{y - 11}" width="14" height="14" rx="3" fill="{color}"/>'
        )
        parts.append(_text(legend_x + 22, y, f"{text}: {value}"))
    height = max(size, 22 + len(segments) * 24)
    return _svg(size + 260, height, label, "".join(parts))


def hbars(
    rows: Sequence[tuple[str, int, str, str]],
    label: str,
    width: int = 520,
    label_width: int = 190,
) -> Markup:
    """Horizontal bars; rows are (label, value, colour, note shown after the value)."""
    if not rows:
        return _svg(width, 30, label, _text(0, 20, "—"))
    top = max(v for _, v, _, _ in rows) or 1
    bar_room = width - label_width - 90
    parts = []
    for i, (text, value, color, note) in enumerate(rows):
        y = i * 24
        w = max(2.0, bar_room * value / top)
        short = text if len(text) <= 28 else text[:27] + "…"
        parts.append(_text(label_width - 8, y + 15, short, "end"))
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="16" rx="2" fill="{color}">'
            f"<title>{escape(text)}: {value} {escape(note)}</title></rect>"
        )
        parts.append(_text(label_width + w + 6, y + 16, f"{value} {note}".strip(), cls="small"))
    return _svg(width, len(rows) * 24 + 4, label, "".join(parts))


def stacked_bars(
    rows: Sequence[tuple[str, dict[str, int]]],
    colors: dict[str, str],
    names: dict[str, str],
    label: str,
    width: int = 560,
    label_width: int = 170,
) -> Markup:
    """One 100% bar per row, split by key (e.g. status per organisation)."""
    bar_room = width - label_width - 60
    parts = []
    for i, (text, counts) in enumerate(rows):
        y = i * 26
        total = sum(counts.values()) or 1
        short = text if len(text) <= 24 else text[:23] + "…"
        parts.append(_text(label_width - 8, y + 16, short, "end"))
        x = float(label_width)
        for key, color in colors.items():
            n = counts.get(key, 0)
            if not n:
                continue
            w = bar_room * n / total
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="18" fill="{color}">'
                f"<title>{escape(text)}: {escape(names.get(key, key))} {n}</title></rect>"
            )
            x += w
        parts.append(
            _text(label_width + bar_room + 6, y + 17, str(sum(counts.values())), cls="small")
        )
    legend_y = len(rows) * 26 + 14
    x = float(label_width)
    for key, color in colors.items():
        parts.append(
            f'<rect x="{x:.1f}" y="{legend_y - 10}" width="12" height="12" rx="2" fill="{color}"/>'
        )
        parts.append(_text(x + 16, legend_y, names.get(key, key), cls="small"))
        x += 24 + 7 * len(names.get(key, key))
    return _svg(width, legend_y + 8, label, "".join(parts))


def _year_fraction(date: str) -> float | None:
    try:
        d = dt.date.fromisoformat(date[:10])
    except ValueError:
        return None
    start = dt.date(d.year, 1, 1)
    return d.year + (d - start).days / 365.25


def timeline(
    points: Sequence[tuple[str, int, str]],
    milestones: Sequence[tuple[str, str]],
    today: str,
    today_label: str,
    label: str,
    width: int = 760,
) -> Markup:
    """Deadlines on a time axis: a circle per deadline date sized by the number of findings
    due then; policy milestones as ticks below the axis."""
    years = [y for y in (_year_fraction(d) for d, _, _ in points) if y is not None]
    years += [y for y in (_year_fraction(d) for d, _ in milestones) if y is not None]
    now = _year_fraction(today) or 2026.0
    start = math.floor(min([now, *years]))
    end = max(math.ceil(max([now, *years]) + 0.5), start + 4)
    left, right, axis_y = 30, width - 30, 70

    def x_of(year: float) -> float:
        return left + (right - left) * (year - start) / (end - start)

    parts = [f'<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" stroke="#495057"/>']
    for tick in range(start, end + 1):
        x = x_of(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis_y - 4}" x2="{x:.1f}" y2="{axis_y + 4}" stroke="#495057"/>'
        )
        parts.append(_text(x, axis_y + 18, str(tick), "middle", "small"))
    tx = x_of(now)
    parts.append(
        f'<line x1="{tx:.1f}" y1="14" x2="{tx:.1f}" y2="{axis_y}" stroke="#1c7ed6" stroke-dasharray="4 3"/>'
    )
    parts.append(_text(tx, 11, today_label, "middle", "small today"))
    top = max((n for _, n, _ in points), default=1) or 1
    for date, n, text in points:
        year = _year_fraction(date)
        if year is None or not n:
            continue
        r = 6 + 16 * math.sqrt(n / top)
        x = x_of(year)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{axis_y}" r="{r:.1f}" fill="#e8590c" fill-opacity=".75">'
            f"<title>{escape(date)}: {n} {escape(text)}</title></circle>"
        )
        parts.append(_text(x, axis_y - r - 4, str(n), "middle", "small strong"))
    for i, (date, text) in enumerate(milestones):
        year = _year_fraction(date)
        if year is None:
            continue
        x = x_of(year)
        y = axis_y + 38 + (i % 2) * 16
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis_y + 22}" x2="{x:.1f}" y2="{y - 11}" stroke="#adb5bd"/>'
        )
        anchor = "end" if x > width * 0.7 else "start"
        parts.append(_text(x, y, f"{date[:10]} {text}", anchor, "small"))
    return _svg(width, axis_y + 40 + 16 * min(2, len(milestones)), label, "".join(parts))


def trend(
    points: Sequence[tuple[str, float]], label: str, width: int = 520, height: int = 160
) -> Markup:
    """Readiness (0..1) over time as a line with dots."""
    if not points:
        return _svg(width, 30, label, _text(0, 20, "—"))
    left, right, top, bottom = 44, width - 40, 12, height - 28
    n = len(points)

    def xy(i: int, value: float) -> tuple[float, float]:
        x = left + (right - left) * (i / (n - 1) if n > 1 else 0.5)
        return x, bottom - (bottom - top) * max(0.0, min(1.0, value))

    parts = []
    for pct in (0, 50, 100):
        y = bottom - (bottom - top) * pct / 100
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e9ecef"/>')
        parts.append(_text(left - 6, y + 4, f"{pct}%", "end", "small"))
    coords = [xy(i, v) for i, (_, v) in enumerate(points)]
    parts.append(
        '<polyline fill="none" stroke="#2b8a3e" stroke-width="2.5" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        + '"/>'
    )
    for (date, value), (x, y) in zip(points, coords, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#2b8a3e">'
            f"<title>{escape(date[:10])}: {value:.0%}</title></circle>"
        )
        parts.append(_text(x, height - 8, date[:10], "middle", "small"))
    return _svg(width, height, label, "".join(parts))
