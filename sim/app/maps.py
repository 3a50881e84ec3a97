"""The region map of the app: municipality centroids and sites as a Plotly scatter (no tile server, works offline)."""

from __future__ import annotations

import math
from typing import Any

from sim.app.logic import KINDS, Point

STYLE = {  # kind -> (marker symbol, colour)
    "municipality": ("circle", "rgba(120,120,120,0.35)"),
    "HAP": ("square", "#1f77b4"),
    "SEH": ("cross", "#d62728"),
    "ambulance post": ("triangle-up", "#ff7f0e"),
    "meldkamer": ("diamond", "#9467bd"),
    "zcc location": ("star", "#2ca02c"),
}


def map_figure(points: list[Point], title: str = "") -> Any:
    """A scatter of longitude against latitude (aspect corrected for the latitude), one trace per kind."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for kind in KINDS:
        pts = [p for p in points if p.kind == kind]
        if not pts:
            continue
        symbol, colour = STYLE[kind]
        if kind == "municipality":
            sizes = [max(6.0, min(30.0, math.sqrt(p.size) / 20)) for p in pts]
            text = [f"{p.name} ({p.code}): {p.size:,.0f} inhabitants" for p in pts]
        else:
            sizes = [16.0 if kind == "zcc location" else 10.0] * len(pts)
            text = [f"{kind}: {p.name} ({p.code})" for p in pts]
        fig.add_trace(go.Scatter(x=[p.lon for p in pts], y=[p.lat for p in pts], mode="markers", name=kind,
                                 text=text, hoverinfo="text",
                                 marker={"symbol": symbol, "size": sizes, "color": colour,
                                         "line": {"width": 1, "color": "white"}}))
    lats = [p.lat for p in points] or [52.0]
    mid = sum(lats) / len(lats)
    fig.update_layout(title=title, height=520, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      legend={"orientation": "h", "y": -0.18}, plot_bgcolor="white",
                      xaxis={"title": "longitude", "showgrid": False},
                      yaxis={"title": "latitude", "showgrid": False, "scaleanchor": "x",
                             "scaleratio": 1 / math.cos(math.radians(mid))})
    return fig
