"""The coverage chart drawn on the server: bars as SVG shapes, so it shows without JavaScript.

Each bar is a link that narrows the search to its period, and carries its own
accessible label (period, items, share of the archive); the chart has a title,
a legend of the compared queries, and up to MAX_TICKS period labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH, HEIGHT = 1000, 200
LEFT, BOTTOM, TOP = 56, 28, 10
MAX_TICKS = 12


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    url: str
    label: str


@dataclass
class Chart:
    bars: list[Bar] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    top_label: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    base: float = HEIGHT - BOTTOM


def _fmt_share(share: float) -> str:
    return f"{share * 100:.2f}%" if share < 0.1 else f"{share * 100:.1f}%"


def draw(timeline: dict, measure: str, url_for_bucket, t) -> Chart | None:
    """Bars of every series (``measure``: count or share) side by side in each bucket."""
    series = timeline["series"]
    if not series or not series[0]["buckets"]:
        return None
    n, k = len(series[0]["buckets"]), len(series)
    values = [[b[measure] for b in s["buckets"]] for s in series]
    top = max((v for vs in values for v in vs), default=0) or 1
    plot_w, plot_h = WIDTH - LEFT, HEIGHT - BOTTOM - TOP
    slot = plot_w / n
    bar_w = max(slot * 0.8 / k, 0.5)
    chart = Chart(top_label=_fmt_share(top) if measure == "share" else f"{top:,}".replace(",", " "))
    for i in range(n):
        for j, s in enumerate(series):
            bucket = s["buckets"][i]
            height = plot_h * values[j][i] / top
            label = t("bar_label", period=bucket["label"], query=s["query"] or "*", count=bucket["count"],
                      share=_fmt_share(bucket["share"]))
            chart.bars.append(Bar(round(LEFT + i * slot + slot * 0.1 + j * bar_w, 2),
                                  round(TOP + plot_h - height, 2), round(bar_w, 2), round(height, 2), j,
                                  url_for_bucket(s["query"], bucket), label))
    step = max(1, -(-n // MAX_TICKS))
    chart.ticks = [(round(LEFT + i * slot + slot / 2, 2), series[0]["buckets"][i]["key"]) for i in range(0, n, step)]
    return chart
