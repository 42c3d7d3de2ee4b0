"""Diagrams as inline SVG text: the source network of a case and a claim's attribution chain.

Plain string building with every piece of text and every attribute value escaped here, in one
place: callers pass names straight from claim files, and a name such as ``</svg><script>`` must
stay text. Links are given by the caller already checked (internal pages, or http/https only).
Colours are presentation attributes, so the same SVG works inline in HTML and as a standalone
file beside Markdown; each colour comes with words (the subtitle), never colour alone.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

#: Fill and stroke for each alignment; anything else is drawn grey.
TONES: dict[str, tuple[str, str]] = {
    "pro-government": ("#fde2e1", "#b42318"),
    "opposition": ("#e0ecff", "#1d4ed8"),
    "kurdish": ("#fdf2c4", "#92400e"),
    "independent": ("#e3f4e8", "#15803d"),
    "unknown": ("#eeeeee", "#555555"),
}
EDGE_STYLES: dict[str, tuple[str, str]] = {
    # style → (stroke-dasharray, legend text)
    "acts-for": ("", "acts on behalf of"),
    "relayed-by": ("6 4", "statement relayed by (news agency)"),
    "reported-by": ("2 3", "statement reported by (outlet)"),
}

_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
_CHAR_WIDTH = 6.6  # average advance of the 12 px font, to wrap text without font metrics


@dataclass(frozen=True)
class Node:
    """A box of the network: a source, a news agency or an outlet."""

    key: str
    title: str
    subtitle: str
    column: int
    tone: str = "unknown"
    href: str | None = None


@dataclass(frozen=True)
class Edge:
    """An arrow between two nodes, styled as one of ``EDGE_STYLES``."""

    source: str
    target: str
    style: str


@dataclass(frozen=True)
class Step:
    """One link of an attribution chain: its role, who or what, and the arrow leading to it."""

    role: str
    title: str
    subtitle: str = ""
    tone: str = "unknown"
    href: str | None = None
    arrow_label: str = ""


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _wrap(text: str, width_px: float, max_lines: int) -> list[str]:
    chars = max(8, int(width_px / _CHAR_WIDTH))
    lines = textwrap.wrap(text, chars) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: chars - 1].rstrip() + "…"
    return lines


def _tone(tone: str) -> tuple[str, str]:
    return TONES.get(tone, TONES["unknown"])


def _box(
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    title: str,
    subtitle: str,
    tone: str,
    href: str | None,
    heading: str = "",
) -> str:
    """A rounded box with wrapped title and subtitle, its full text as the tooltip."""
    fill, stroke = _tone(tone)
    parts = [f"<g><title>{escape(' — '.join(p for p in (heading, title, subtitle) if p))}</title>"]
    parts.append(
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" rx="6" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
    )
    line_y = y + 16
    if heading:
        parts.append(
            f'<text x="{x + 8:.1f}" y="{line_y:.1f}" font-size="10" fill="#444" '
            f'letter-spacing="0.05em">{escape(heading.upper())}</text>'
        )
        line_y += 15
    budget = int((height - 6) // 15) - (1 if heading else 0)
    title_lines = _wrap(title, width - 16, min(2, budget - 1))
    for line in title_lines:
        parts.append(
            f'<text x="{x + 8:.1f}" y="{line_y:.1f}" font-size="12" font-weight="600" '
            f'fill="#111">{escape(line)}</text>'
        )
        line_y += 15
    if subtitle:
        for line in _wrap(subtitle, width - 16, budget - len(title_lines)):
            parts.append(
                f'<text x="{x + 8:.1f}" y="{line_y:.1f}" font-size="11" fill="#333">'
                f"{escape(line)}</text>"
            )
            line_y += 14
    parts.append("</g>")
    body = "".join(parts)
    if href:
        return f'<a href="{_attr(href)}">{body}</a>'
    return body


def _svg_open(width: float, height: float, label: str, marker_id: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="group" font-family="{_attr(_FONT)}" '
        f'class="diagram"><title>{escape(label)}</title>'
        f'<defs><marker id="{_attr(marker_id)}" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#333"/></marker></defs>'
    )


# --------------------------------------------------------------------------- the source network

_NODE_W = 190.0
_NODE_H = 58.0
_COL_GAP = 72.0
_ROW_GAP = 18.0
_MARGIN = 16.0
_LEGEND_H = 76.0


def network(
    nodes: Sequence[Node], edges: Sequence[Edge], *, label: str, marker_id: str = "arrow"
) -> str:
    """The sources of a case in columns (speakers → organisations → agencies → outlets)."""
    if not nodes:
        return ""
    columns = sorted({n.column for n in nodes})
    place = {c: i for i, c in enumerate(columns)}
    by_column: dict[int, list[Node]] = {}
    for node in nodes:
        by_column.setdefault(place[node.column], []).append(node)
    rows = max(len(v) for v in by_column.values())
    # Room on the right for the loop of an arrow that points back into the same column.
    width = 2 * _MARGIN + len(columns) * _NODE_W + (len(columns) - 0.5) * _COL_GAP
    height = _LEGEND_H + 2 * _MARGIN + rows * _NODE_H + (rows - 1) * _ROW_GAP
    position: dict[str, tuple[float, float]] = {}
    for col, members in by_column.items():
        # Centre short columns vertically so that arrows fan out rather than all run downhill.
        offset = (rows - len(members)) * (_NODE_H + _ROW_GAP) / 2
        for row, node in enumerate(members):
            x = _MARGIN + col * (_NODE_W + _COL_GAP)
            y = _LEGEND_H + _MARGIN + offset + row * (_NODE_H + _ROW_GAP)
            position[node.key] = (x, y)
    out = [_svg_open(width, height, label, marker_id), _legend(width, marker_id)]
    for edge in edges:
        if edge.source in position and edge.target in position:
            out.append(_edge(position[edge.source], position[edge.target], edge.style, marker_id))
    for node in nodes:
        x, y = position[node.key]
        out.append(
            _box(
                x,
                y,
                _NODE_W,
                _NODE_H,
                title=node.title,
                subtitle=node.subtitle,
                tone=node.tone,
                href=node.href,
            )
        )
    out.append("</svg>")
    return "".join(out)


def _legend(width: float, marker_id: str) -> str:
    out = ['<g font-size="11" fill="#222">']
    x = _MARGIN
    for tone, (fill, stroke) in TONES.items():
        out.append(
            f'<rect x="{x:.1f}" y="{_MARGIN:.1f}" width="14" height="14" rx="3" fill="{fill}" '
            f'stroke="{stroke}"/><text x="{x + 19:.1f}" y="{_MARGIN + 11:.1f}">'
            f"{escape(tone)}</text>"
        )
        x += 24 + len(tone) * _CHAR_WIDTH + 14
    y = _MARGIN + 32
    x = _MARGIN
    for dash, text in EDGE_STYLES.values():
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 34:.1f}" y2="{y:.1f}" stroke="#333" '
            f'stroke-width="1.5"{dash_attr} marker-end="url(#{_attr(marker_id)})"/>'
            f'<text x="{x + 40:.1f}" y="{y + 4:.1f}">{escape(text)}</text>'
        )
        x += 48 + len(text) * _CHAR_WIDTH + 14
        if x > width - 200:
            x, y = _MARGIN, y + 18
    out.append("</g>")
    return "".join(out)


def _edge(start: tuple[float, float], end: tuple[float, float], style: str, marker_id: str) -> str:
    dash = EDGE_STYLES.get(style, ("", ""))[0]
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    (sx, sy), (ex, ey) = start, end
    if ex > sx:  # left to right: from the right side to the left side
        x1, y1, x2, y2 = sx + _NODE_W, sy + _NODE_H / 2, ex, ey + _NODE_H / 2
        bend = (x2 - x1) / 2
        path = f"M {x1:.1f} {y1:.1f} C {x1 + bend:.1f} {y1:.1f} {x2 - bend:.1f} {y2:.1f} "
        path += f"{x2:.1f} {y2:.1f}"
    else:  # same column (or backwards): loop out to the right
        x1, y1 = sx + _NODE_W, sy + _NODE_H / 2
        x2, y2 = ex + _NODE_W, ey + _NODE_H / 2
        reach = max(x1, x2) + _COL_GAP * 0.45
        path = f"M {x1:.1f} {y1:.1f} C {reach:.1f} {y1:.1f} {reach:.1f} {y2:.1f} "
        path += f"{x2:.1f} {y2:.1f}"
    return (
        f'<path d="{path}" fill="none" stroke="#333" stroke-width="1.4"{dash_attr} '
        f'marker-end="url(#{_attr(marker_id)})"/>'
    )


# --------------------------------------------------------------------------- an attribution chain

_STEP_W = 300.0
_STEP_H = 66.0
_STEP_GAP = 34.0


def chain(steps: Sequence[Step], *, label: str, marker_id: str = "chain-arrow") -> str:
    """The chain from speaker to article, top to bottom, each arrow labelled."""
    if not steps:
        return ""
    width = _STEP_W + 2 * _MARGIN
    height = 2 * _MARGIN + len(steps) * _STEP_H + (len(steps) - 1) * _STEP_GAP
    out = [_svg_open(width, height, label, marker_id)]
    for i, step in enumerate(steps):
        y = _MARGIN + i * (_STEP_H + _STEP_GAP)
        if i:
            top = y - _STEP_GAP
            mid_x = _MARGIN + 28
            out.append(
                f'<line x1="{mid_x:.1f}" y1="{top:.1f}" x2="{mid_x:.1f}" y2="{y:.1f}" '
                f'stroke="#333" stroke-width="1.5" marker-end="url(#{_attr(marker_id)})"/>'
            )
            if step.arrow_label:
                text = _wrap(step.arrow_label, _STEP_W - 50, 1)[0]
                out.append(
                    f'<text x="{mid_x + 10:.1f}" y="{top + _STEP_GAP / 2 + 4:.1f}" '
                    f'font-size="11" font-style="italic" fill="#333">{escape(text)}</text>'
                )
        out.append(
            _box(
                _MARGIN,
                y,
                _STEP_W,
                _STEP_H,
                title=step.title,
                subtitle=step.subtitle,
                tone=step.tone,
                href=step.href,
                heading=step.role,
            )
        )
    out.append("</svg>")
    return "".join(out)
