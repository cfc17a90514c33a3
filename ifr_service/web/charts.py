"""Charts drawn on the server as SVG markup: no script, nothing to load, and readable without colour.

Each chart is an image with a <title> and <desc> that say what it shows; the page puts a table of
the same numbers beside it, which is what a screen reader reads. Lines differ by dash pattern and
points by shape as well as colour, and a legend names each. Every piece of text is escaped here,
so the markup returned may be marked safe in a template.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import escape

from ifr_service.cet.equity import Z_95, Z_998

WIDTH, HEIGHT = 720, 380
INK, GRID, MID_GREY = "#212b32", "#d8dde0", "#768692"
BLUE, PURPLE, RED = "#005eb8", "#330072", "#d5281b"
HALO = ' paint-order="stroke" stroke="#ffffff" stroke-width="3"'  # keeps a name legible over the lines
DASHED, DOTTED = "8 5", "2 4"
LIMIT_SAMPLES = 80
LABEL_CHAR_WIDTH, LABEL_HEIGHT = 6.4, 13  # of an 11-pixel name, to keep names apart
LABEL_OFFSETS = [0] + [sign * LABEL_HEIGHT * step for step in range(1, 40) for sign in (1, -1)]


@dataclass(frozen=True)
class Frame:
    """The plotting area inside the axes, and how values map onto it."""

    left: float = 72
    right: float = 520
    top: float = 24
    bottom: float = 320
    x_max: float = 1.0
    y_max: float = 1.0

    def x(self, value: float) -> float:
        return round(self.left + (self.right - self.left) * value / self.x_max, 1)

    def y(self, value: float) -> float:
        return round(self.bottom - (self.bottom - self.top) * value / self.y_max, 1)


def control_limits(p: float, n: float, z: float) -> tuple[float, float]:
    """Funnel limits p ± z·sqrt(p(1-p)/n), kept within the rates a hub can have (0 to 1)."""
    width = z * math.sqrt(p * (1 - p) / n)
    return max(0.0, p - width), min(1.0, p + width)


def nice_ceiling(value: float) -> float:
    """A round number at or above the value (1, 2, 2.5 or 5 times a power of ten) for an axis."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def percent(rate: float | None) -> str:
    return "No decisions" if rate is None else f"{rate * 100:.1f}%"


def line_chart(chart_id: str, title: str, description: str, labels: Sequence[str],
               values: Sequence[float | None], *, x_label: str, y_label: str, rates: bool = False) -> str:
    """One series over categories (months): a line through the known values, a break where a
    value is missing. `rates` draws values from 0 to 1 as percentages."""
    known = [value for value in values if value is not None]
    frame = Frame(right=WIDTH - 24, x_max=max(len(labels) - 1, 1),
                  y_max=1.0 if rates else nice_ceiling(max(known, default=0)))
    ticks = [frame.y_max * step / 4 for step in range(5)]
    parts = [_y_axis(frame, ticks, y_label, percent if rates else _count),
             _x_categories(frame, labels, x_label)]
    for run in _runs(values):
        points = " ".join(f"{frame.x(i)},{frame.y(value)}" for i, value in run)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
        parts.extend(f'<circle cx="{frame.x(i)}" cy="{frame.y(value)}" r="4" fill="{BLUE}"/>'
                     for i, value in run)
    return _svg(chart_id, title, description, parts)


@dataclass(frozen=True)
class Series:
    """One line of a chart with several: its name in the key, and how it differs without colour."""

    name: str
    values: Sequence[float | None]
    colour: str = BLUE
    dashes: str | None = None
    points: bool = True


def lines_chart(chart_id: str, title: str, description: str, labels: Sequence[str],
                series: Sequence[Series], *, x_label: str, y_label: str, show=None) -> str:
    """Several series over the same categories (months), each a line of its own colour and dash
    pattern, named in a key on the right; `show` writes an axis value (a count by default)."""
    known = [value for line in series for value in line.values if value is not None]
    frame = Frame(x_max=max(len(labels) - 1, 1), y_max=nice_ceiling(max(known, default=0)))
    ticks = [frame.y_max * step / 4 for step in range(5)]
    parts = [_y_axis(frame, ticks, y_label, show or _count), _x_categories(frame, labels, x_label)]
    for line in series:
        dash = f' stroke-dasharray="{line.dashes}"' if line.dashes else ""
        for run in _runs(line.values):
            points = " ".join(f"{frame.x(i)},{frame.y(value)}" for i, value in run)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{line.colour}" '
                         f'stroke-width="3"{dash}/>')
            if line.points:
                parts.extend(f'<circle cx="{frame.x(i)}" cy="{frame.y(value)}" r="4" fill="{line.colour}"/>'
                             for i, value in run)
    parts.append(_series_key(frame.right + 16, series))
    return _svg(chart_id, title, description, parts)


def short_pounds(value: float) -> str:
    """An axis' amount of money in few characters: £500k, £1.25m."""
    if value >= 1_000_000:
        return f"£{value / 1_000_000:,.2f}".rstrip("0").rstrip(".") + "m"
    if value >= 1_000:
        return f"£{value / 1_000:,.0f}k"
    return f"£{value:,.0f}"


def _series_key(left: float, series: Sequence[Series]) -> str:
    parts = [f'<g transform="translate({left} 40)" font-size="12">',
             '<text x="0" y="-12" font-weight="bold">Key</text>']
    for i, line in enumerate(series):
        dash = f' stroke-dasharray="{line.dashes}"' if line.dashes else ""
        parts.append(f'<g transform="translate(0 {i * 26})">'
                     + _segment(0, 0, 28, 0, line.colour, f' stroke-width="3"{dash}')
                     + f'<text x="36" y="4">{escape(line.name)}</text></g>')
    parts.append("</g>")
    return "".join(parts)


def funnel_plot(chart_id: str, title: str, description: str, national_rate: float,
                hubs: Sequence[dict]) -> str:
    """Each hub's approval rate against the number it decided, on the funnel of the national rate:
    the 95% limits dashed, the 99.8% limits dotted. A hub is a dict with `label`, `n`, `rate` and
    `flag` (None, "low" or "high"); a flagged hub is a triangle pointing its way, named with its flag."""
    frame = Frame(x_max=nice_ceiling(max((hub["n"] for hub in hubs), default=10) * 1.05))
    ticks = [step / 4 for step in range(5)]
    x_ticks = [frame.x_max * step / 5 for step in range(6)]
    parts = [_y_axis(frame, ticks, "Approval rate", percent), _x_axis(frame, x_ticks, "Cases decided (n)"),
             _line(frame, [(0, national_rate), (frame.x_max, national_rate)], INK, None)]
    for z, colour, dashes in ((Z_95, BLUE, DASHED), (Z_998, PURPLE, DOTTED)):
        for side in (0, 1):
            points = [(n, control_limits(national_rate, n, z)[side]) for n in _funnel_samples(frame.x_max)]
            parts.append(_line(frame, points, colour, dashes))
    parts.extend(_hub_points(frame, hubs))
    parts.append(_funnel_legend(frame.right + 16))
    return _svg(chart_id, title, description, parts)


def _svg(chart_id: str, title: str, description: str, parts: list[str]) -> str:
    chart_id = escape(chart_id)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="ifr-chart" id="{chart_id}" '
            f'width="100%" font-family="Frutiger W01, Arial, sans-serif" font-size="13" fill="{INK}">'
            f'<title id="{chart_id}-title">{escape(title)}</title>'
            f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + "".join(parts) + "</svg>")


def _count(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _y_axis(frame: Frame, ticks: list[float], label: str, show) -> str:
    parts = [_segment(frame.left, frame.top, frame.left, frame.bottom, INK)]
    for tick in ticks:
        y = frame.y(tick)
        parts.append(_segment(frame.left, y, frame.right, y, GRID)
                     + f'<text x="{frame.left - 8}" y="{y + 4}" text-anchor="end">'
                     f'{escape(show(tick))}</text>')
    middle = (frame.top + frame.bottom) / 2
    parts.append(f'<text x="16" y="{middle}" text-anchor="middle" font-weight="bold" '
                 f'transform="rotate(-90 16 {middle})">{escape(label)}</text>')
    return "".join(parts)


def _x_axis(frame: Frame, ticks: list[float], label: str) -> str:
    parts = [_segment(frame.left, frame.bottom, frame.right, frame.bottom, INK)]
    parts.extend(f'<text x="{frame.x(tick)}" y="{frame.bottom + 18}" text-anchor="middle">'
                 f'{escape(_count(tick))}</text>' for tick in ticks)
    parts.append(_x_label(frame, label))
    return "".join(parts)


def _x_categories(frame: Frame, labels: Sequence[str], label: str) -> str:
    every = max(1, math.ceil(len(labels) / 12))  # no more than 12 labels, so none overlap
    parts = [_segment(frame.left, frame.bottom, frame.right, frame.bottom, INK)]
    parts.extend(f'<text x="{frame.x(i)}" y="{frame.bottom + 18}" text-anchor="middle" font-size="11">'
                 f'{escape(text)}</text>' for i, text in enumerate(labels) if i % every == 0)
    parts.append(_x_label(frame, label))
    return "".join(parts)


def _segment(x1: float, y1: float, x2: float, y2: float, colour: str, extra: str = "") -> str:
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}"{extra}/>'


def _x_label(frame: Frame, label: str) -> str:
    return (f'<text x="{(frame.left + frame.right) / 2}" y="{frame.bottom + 44}" text-anchor="middle" '
            f'font-weight="bold">{escape(label)}</text>')


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """The unbroken stretches of known values, each with its positions."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((i, value))
    return [run for run in runs if run]


def _line(frame: Frame, points: list[tuple[float, float]], colour: str, dashes: str | None) -> str:
    shown = " ".join(f"{frame.x(x)},{frame.y(y)}" for x, y in points)
    dash = f' stroke-dasharray="{dashes}"' if dashes else ""
    return f'<polyline points="{shown}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'


def _funnel_samples(x_max: float) -> list[float]:
    """Numbers of cases from very few to the axis' end, closer together where the funnel is widest."""
    low = max(x_max / 400, 0.5)
    return [low * (x_max / low) ** (i / (LIMIT_SAMPLES - 1)) for i in range(LIMIT_SAMPLES)]


def _marker(x: float, y: float, flag: str | None) -> str:
    if flag == "low":  # a triangle pointing down
        return f'<polygon points="{x - 7},{y - 5} {x + 7},{y - 5} {x},{y + 7}" fill="{RED}" stroke="{INK}"/>'
    if flag == "high":  # a triangle pointing up
        return f'<polygon points="{x - 7},{y + 5} {x + 7},{y + 5} {x},{y - 7}" fill="{RED}" stroke="{INK}"/>'
    return f'<circle cx="{x}" cy="{y}" r="5" fill="{BLUE}" stroke="{INK}"/>'


def _hub_points(frame: Frame, hubs: Sequence[dict]) -> list[str]:
    """Each hub's marker, then its name beside it, moved up or down (with a line back to the
    marker) where it would cover another name: hubs of a similar size and rate sit close together."""
    markers, labels, placed = [], [], []
    for hub in sorted(hubs, key=lambda hub: -hub["rate"]):
        x, y, flag = frame.x(hub["n"]), frame.y(hub["rate"]), hub.get("flag")
        markers.append(_marker(x, y, flag))
        text = f"{hub['label']} ({flag})" if flag else hub["label"]
        width = LABEL_CHAR_WIDTH * len(text)
        right = x + 10 + width <= frame.right  # else the name goes on the left of the marker
        box = (x + 10, x + 10 + width) if right else (x - 10 - width, x - 10)
        offset = next((offset for offset in LABEL_OFFSETS
                      if not any(_overlaps(box, y + offset, other) for other in placed)), 0)
        placed.append((*box, y + offset))
        leader = (_segment(x, y, box[0] if right else box[1], y + offset, MID_GREY, ' stroke-width="1"')
                  if offset else "")
        weight = ' font-weight="bold"' if flag else ""
        labels.append(f'{leader}<text x="{box[0] if right else box[1]}" y="{y + offset + 4}" font-size="11" '
                      f'text-anchor="{"start" if right else "end"}"{weight}{HALO}>{escape(text)}</text>')
    return markers + labels


def _overlaps(box: tuple[float, float], y: float, other: tuple[float, float, float]) -> bool:
    return box[0] < other[1] and other[0] < box[1] and abs(y - other[2]) < LABEL_HEIGHT


def _funnel_legend(left: float) -> str:
    rows = [
        (_segment(0, 0, 28, 0, INK, ' stroke-width="2"'), "National rate"),
        (_segment(0, 0, 28, 0, BLUE, f' stroke-width="2" stroke-dasharray="{DASHED}"'),
         "95% limits (dashed)"),
        (_segment(0, 0, 28, 0, PURPLE, f' stroke-width="2" stroke-dasharray="{DOTTED}"'),
         "99.8% limits (dotted)"),
        (_marker(14, 0, None), "Hub within the 99.8% limits"),
        (_marker(14, 0, "low"), "Hub below them (low)"),
        (_marker(14, 0, "high"), "Hub above them (high)"),
    ]
    parts = [f'<g transform="translate({left} 40)" font-size="12">',
             '<text x="0" y="-12" font-weight="bold">Key</text>']
    parts.extend(f'<g transform="translate(0 {i * 26})">{sample}<text x="36" y="4">{escape(text)}</text></g>'
                 for i, (sample, text) in enumerate(rows))
    parts.append("</g>")
    return "".join(parts)


def bar_chart(chart_id: str, title: str, description: str, labels: Sequence[str], values: Sequence[float],
              *, x_label: str) -> str:
    """One bar for each category (a hub, a CRG), across the page so that long names fit, each with
    its value at its end; the chart grows a row a bar."""
    label_room, row, top = 230, 26, 16
    frame = Frame(left=label_room, right=WIDTH - 72, top=top, bottom=top + row * len(labels),
                  x_max=nice_ceiling(max(values, default=0)))
    height = frame.bottom + 56
    ticks = [frame.x_max * step / 4 for step in range(5)]
    parts = [_x_axis(frame, ticks, x_label)]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + row * i
        text = label if len(label) <= 34 else label[:33] + "…"
        parts.append(f'<text x="{label_room - 8}" y="{y + 17}" text-anchor="end" font-size="12">'
                     f'{escape(text)}</text>'
                     f'<rect x="{frame.left}" y="{y + 4}" width="{round(frame.x(value) - frame.left, 1)}" '
                     f'height="{row - 8}" '
                     f'fill="{BLUE}"/><text x="{frame.x(value) + 6}" y="{y + 17}" font-size="12">'
                     f'{escape(_count(value))}</text>')
    return _svg(chart_id, title, description, parts).replace(
        f'viewBox="0 0 {WIDTH} {HEIGHT}"', f'viewBox="0 0 {WIDTH} {height}"', 1)

