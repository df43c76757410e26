"""Inline SVG charts for the HTML reports: no scripts, no external resources, every label
escaped. Each function returns markup ready to place in a jinja template."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence

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
    segments: Sequence[tuple[str, int, str]],
    center: str,
    label: str,
    size: int = 180,
    number: Callable[[int], str] = str,
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
            f"<title>{escape(text)}: {number(value)}</title></circle>"
        )
        offset += length
    parts.append(_text(cx, cy + 8, center, "middle", "big"))
    legend_x = size + 16
    for i, (text, value, color) in enumerate(segments):
        y = 22 + i * 24
        parts.append(
            f'<rect x="{legend_x}" y="{y - 11}" width="14" height="14" rx="3" fill="{color}"/>'
        )
        parts.append(_text(legend_x + 22, y, f"{text}: {number(value)}"))
    height = max(size, 22 + len(segments) * 24)
    return _svg(size + 260, height, label, "".join(parts))


def text_width(text: str, size: float = 12) -> float:
    """An upper estimate of the width of `text` in the report's sans-serif font at `size`
    px (0.62 em per character), so that labels are given the room they need."""
    return len(text) * size * 0.62


def _fit(text: str, room: float, size: float = 12) -> str:
    """The text, cut with an ellipsis to fit `room` px (the full text is in the title)."""
    if text_width(text, size) <= room:
        return text
    keep = max(1, int(room / (size * 0.62)) - 1)
    return text[:keep] + "…"


def _label_room(labels: Sequence[str], width: int, share: float = 0.42) -> float:
    """Room for the row labels: the longest label, at most `share` of the chart."""
    return min(max((text_width(s) for s in labels), default=0) + 12, width * share)


def hbars(
    rows: Sequence[tuple[str, int, str, str]],
    label: str,
    width: int = 520,
    number: Callable[[int], str] = str,
) -> Markup:
    """Horizontal bars; rows are (label, value, colour, note shown after the value)."""
    if not rows:
        return _svg(width, 30, label, _text(0, 20, "—"))
    top = max(v for _, v, _, _ in rows) or 1
    label_room = _label_room([r[0] for r in rows], width)
    after = max(text_width(f"{number(v)} {note}".strip(), 11) for _, v, _, note in rows) + 10
    bar_room = max(40.0, width - label_room - after)
    parts = []
    for i, (text, value, color, note) in enumerate(rows):
        y = i * 24
        w = max(2.0, bar_room * value / top)
        parts.append(_text(label_room - 8, y + 15, _fit(text, label_room - 10), "end"))
        parts.append(
            f'<rect x="{label_room:.1f}" y="{y + 4}" width="{w:.1f}" height="16" rx="2" '
            f'fill="{color}"><title>{escape(text)}: {number(value)} {escape(note)}</title></rect>'
        )
        shown = f"{number(value)} {note}".strip()
        parts.append(_text(label_room + w + 6, y + 16, shown, cls="small"))
    return _svg(width, len(rows) * 24 + 4, label, "".join(parts))


def stacked_bars(
    rows: Sequence[tuple[str, dict[str, int]]],
    colors: dict[str, str],
    names: dict[str, str],
    label: str,
    width: int = 560,
    scale: str = "share",
    number: Callable[[int], str] = str,
) -> Markup:
    """One bar per row split by key (e.g. status), with the row's total after it, and a
    legend that wraps. `scale="share"` draws every bar full width (the split is what
    matters: status per organisation); `scale="count"` draws bar lengths proportional to
    the totals (algorithms by use)."""
    totals = [sum(counts.values()) for _, counts in rows]
    label_room = _label_room([text for text, _ in rows], width)
    after = max((text_width(number(n), 11) for n in totals), default=0) + 10
    bar_room = max(40.0, width - label_room - after)
    top = max(totals, default=0) or 1
    parts = []
    for i, ((text, counts), total) in enumerate(zip(rows, totals, strict=True)):
        y = i * 26
        parts.append(_text(label_room - 8, y + 16, _fit(text, label_room - 10), "end"))
        length = bar_room if scale == "share" else bar_room * total / top
        x = label_room
        for key, color in colors.items():
            n = counts.get(key, 0)
            if not n:
                continue
            w = max(1.0, length * n / (total or 1))
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="18" fill="{color}" '
                f'data-key="{escape(key)}" data-count="{n}">'
                f"<title>{escape(text)}: {escape(names.get(key, key))} {number(n)}</title></rect>"
            )
            x += w
        parts.append(_text(x + 6, y + 17, number(total), cls="small"))
    y = len(rows) * 26 + 14
    x = 0.0
    for key, color in colors.items():
        name = names.get(key, key)
        item = 16 + text_width(name, 11) + 14
        if x and x + item > width:
            x, y = 0.0, y + 18
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 10}" width="12" height="12" rx="2" fill="{color}"/>'
        )
        parts.append(_text(x + 16, y, name, cls="small"))
        x += item
    return _svg(width, y + 8, label, "".join(parts))


def _year_fraction(date: str) -> float | None:
    try:
        d = dt.date.fromisoformat(date[:10])
    except ValueError:
        return None
    start = dt.date(d.year, 1, 1)
    return d.year + (d - start).days / 365.25


MAX_BUBBLE = 22


def timeline(
    points: Sequence[tuple[str, int, str]],
    milestones: Sequence[tuple[str, str]],
    today: str,
    today_label: str,
    label: str,
    width: int = 760,
    number: Callable[[int], str] = str,
) -> Markup:
    """Deadlines on a time axis: a bubble per deadline date, standing on the axis and sized
    by the number of findings due then (the count above it); the years below the axis; the
    policy milestones (date and label, as given) in two rows under them."""
    years = [y for y in (_year_fraction(d) for d, _, _ in points) if y is not None]
    years += [y for y in (_year_fraction(d) for d, _ in milestones) if y is not None]
    now = _year_fraction(today) or 2026.0
    start = math.floor(min([now, *years]))
    end = max(math.ceil(max([now, *years]) + 0.5), start + 4)
    left, right, axis_y = 30, width - 30, 2 * MAX_BUBBLE + 36

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
        f'<line x1="{tx:.1f}" y1="4" x2="{tx:.1f}" y2="{axis_y}" stroke="#1c7ed6" stroke-dasharray="4 3"/>'
    )
    fits_left = tx - 6 - text_width(today_label, 11) >= 0
    parts.append(
        _text(
            tx - 6 if fits_left else tx + 6,
            12,
            today_label,
            "end" if fits_left else "start",
            "small today",
        )
    )
    top = max((n for _, n, _ in points), default=1) or 1
    for date, n, text in points:
        year = _year_fraction(date)
        if year is None or not n:
            continue
        r = 6 + (MAX_BUBBLE - 6) * math.sqrt(n / top)
        x, cy = x_of(year), axis_y - r
        parts.append(
            f'<circle cx="{x:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="#e8590c" fill-opacity=".75" '
            f'data-mark="{n}"><title>{escape(date)}: {number(n)} {escape(text)}</title></circle>'
        )
        parts.append(_text(x, cy - r - 4, number(n), "middle", "small strong"))
    for i, (date, text) in enumerate(milestones):
        year = _year_fraction(date)
        if year is None:
            continue
        x = x_of(year)
        y = axis_y + 38 + (i % 2) * 16
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis_y + 22}" x2="{x:.1f}" y2="{y - 11}" stroke="#adb5bd"/>'
        )
        room_right, room_left = width - 4 - x, x - 4
        anchor = "start" if room_right >= min(text_width(text, 11), room_left) else "end"
        room = room_right if anchor == "start" else room_left
        parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="small">'
            f"<title>{escape(text)}</title>{escape(_fit(text, room, 11))}</text>"
        )
    return _svg(width, axis_y + 40 + 16 * min(2, len(milestones)), label, "".join(parts))


def trend(
    points: Sequence[tuple[str, float]], label: str, width: int = 520, height: int = 160
) -> Markup:
    """Readiness (0..1) over time as a line with dots; points are (date label, share), the
    label shown as given (the caller localises it)."""
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
    for i, ((date, value), (x, y)) in enumerate(zip(points, coords, strict=True)):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#2b8a3e">'
            f"<title>{escape(date)}: {value:.0%}</title></circle>"
        )
        anchor = "middle" if n == 1 else "start" if i == 0 else "end" if i == n - 1 else "middle"
        parts.append(_text(x, height - 8, date, anchor, "small"))
    return _svg(width, height, label, "".join(parts))
