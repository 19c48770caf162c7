"""Plots rendered on the server with matplotlib (no pyplot state, safe in threads): SVG for
pages, PNG for the PDF report. Each is returned as a data URI an <img> can show without
JavaScript; the page puts the same numbers in a table beside it."""

from __future__ import annotations

import base64
import io

from matplotlib.figure import Figure

from peerpath.analytics.selectors import Series

COLOURS = ["#1565c0", "#c62828", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f"]


def _figure(width: float = 6.4, height: float = 3.0) -> Figure:
    figure = Figure(figsize=(width, height), dpi=100)
    figure.subplots_adjust(left=0.2, right=0.97, top=0.88, bottom=0.2)
    return figure


def render_series(series: Series, *, kind: str, xlabel: str, ylabel: str, fmt: str = "svg",
                  title: str = "") -> str:
    """A line ("line") or grouped bar ("bar", "barh") chart of the series as a data URI."""
    figure = _figure()
    axes = figure.add_subplot()
    names = list(series.values)
    if kind == "line":
        positions = range(len(series.labels))
        for i, name in enumerate(names):
            axes.plot(positions, series.values[name], label=name, color=COLOURS[i % 6],
                      linewidth=2)
        step = max(1, len(series.labels) // 12)
        axes.set_xticks(list(positions)[::step], series.labels[::step])
    else:
        count = max(1, len(names))
        width = 0.8 / count
        for i, name in enumerate(names):
            offsets = [p - 0.4 + width * (i + 0.5) for p in range(len(series.labels))]
            if kind == "barh":
                axes.barh(offsets, series.values[name], height=width, label=name,
                          color=COLOURS[i % 6])
            else:
                axes.bar(offsets, series.values[name], width=width, label=name,
                         color=COLOURS[i % 6])
        if kind == "barh":
            axes.set_yticks(range(len(series.labels)), series.labels, fontsize=7)
            axes.invert_yaxis()
        else:
            axes.set_xticks(range(len(series.labels)), series.labels, fontsize=7,
                            rotation=45 if len(series.labels) > 8 else 0)
    axes.set_xlabel(xlabel if kind != "barh" else ylabel)
    axes.set_ylabel(ylabel if kind != "barh" else xlabel)
    if title:
        axes.set_title(title, fontsize=10)
    if len(names) > 1:
        axes.legend(fontsize=8)
    axes.grid(alpha=0.3)
    return figure_data_uri(figure, fmt)


def render_rates(pairs: list[tuple[str, float | None]], *, fmt: str = "svg",
                 title: str = "") -> str:
    """Horizontal bars of percentages (completion against enrolled and against started)."""
    figure = _figure(height=1.8)
    axes = figure.add_subplot()
    labels = [label for label, _ in pairs]
    values = [100 * (value or 0) for _, value in pairs]
    axes.barh(range(len(labels)), values, color=COLOURS[: len(labels)])
    axes.set_yticks(range(len(labels)), labels)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("%")
    for i, value in enumerate(values):
        axes.text(min(value + 1, 90), i, f"{value:.1f}%", va="center", fontsize=8)
    if title:
        axes.set_title(title, fontsize=10)
    return figure_data_uri(figure, fmt)


def figure_data_uri(figure: Figure, fmt: str) -> str:
    buffer = io.BytesIO()
    if fmt == "svg":
        figure.savefig(buffer, format="svg")
        mime = "image/svg+xml"
    else:
        figure.savefig(buffer, format="png", dpi=110)
        mime = "image/png"
    return f"data:{mime};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"
