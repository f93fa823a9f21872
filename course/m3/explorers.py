"""Module 3's explorers: latency, cost and quality; cascade routing; embedding-cache TTL.

Each explorer is a view over one pure model (``course.m3.latency``, ``.cascade``,
``.cache``); its controls are named after that model's ``compute`` keywords. Show one by
ending a notebook cell with it::

    from course.m3.explorers import latency_explorer
    latency_explorer(safety_filter=True)

Keyword arguments set the starting value of a control (any of the names in ``controls``).
"""

from __future__ import annotations

from functools import cache, partial

import numpy as np
from matplotlib.ticker import FuncFormatter, NullLocator, PercentFormatter
from matplotlib.transforms import offset_copy

from course.m3 import cache as cache_model
from course.m3 import cascade as cascade_model
from course.m3 import latency as latency_model
from course.style import COLORS, OKABE_ITO, money
from course.widgets import (
    LABEL_BOX,
    LABEL_SIZE,
    LEGEND_SIZE,
    Explorer,
    checkbox,
    compute_defaults,
    count_tick,
    dynamic_title,
    float_slider,
    front_legend,
    int_slider,
    short_money,
    style_axes,
    toggle_buttons,
)

#: These explorers' titles sit a little lower than ``dynamic_title``'s default (axes fractions).
_TITLE_Y = 1.025
#: Axis-tick dollars for small and large amounts: $0.05, $2, $12k (never $1.2M).
_money_tick = partial(short_money, millions=False, cents=True)


# --- latency, cost and quality ---------------------------------------------------------------

# Percentile markers: line style and the height (axes fraction) of each label, staggered so
# that labels of close percentiles never overlap.
_PERCENTILES = (("p50", ":", 0.93), ("p95", "-.", 0.81), ("p99", "-", 0.69))
# The legend covers the top left of the histogram, up to about this response time (ms); a
# label left of it goes at this height instead (only p50 gets there, at high cache rates).
_LEGEND_RIGHT_MS = 120.0
_BELOW_LEGEND = 0.6


@cache
def _hist_top(safety_filter: bool) -> float:
    """A y range (share of messages) that holds the tallest bin any setting with or without
    the safety filter can draw. Cached: it costs two dozen simulations."""
    top = latency_model.compute(cache_hit_rate=latency_model.CACHE_HIT_RATE_MAX,
                                batch_size=1).hist_cached.max()
    for size in latency_model.MODELS:
        for quantized in (False, True):
            for batch_size in (1, 4):
                result = latency_model.compute(size, quantized, 0.0, batch_size, safety_filter)
                top = max(top, result.hist_model.max())
    return float(np.ceil(top * 1.25 * 50) / 50)


class LatencyExplorer(Explorer):
    """Quillio: the latency distribution, cost and quality of one serving configuration."""

    def __init__(self, **initial):
        start = compute_defaults(latency_model.compute)
        sizes = latency_model.MODELS
        controls = {
            "model_size": toggle_buttons(
                "Model", "Which model answers messages the cache cannot.",
                list(sizes), start["model_size"],
                tooltips=[sizes[name].label for name in sizes]),
            "quantized": checkbox(
                "Quantized (int8 weights)", "Serve 8-bit integer weights: faster and cheaper, "
                "a little lower answer quality.", start["quantized"]),
            "cache_hit_rate": float_slider(
                "Cache hit rate", "Share of messages answered from the cache of frequent "
                "queries (fast, nearly free, same quality).",
                min=0, max=latency_model.CACHE_HIT_RATE_MAX, step=0.05,
                value=start["cache_hit_rate"], readout_format=".0%"),
            "batch_size": int_slider(
                "Batch size (requests)", "Requests the server groups into one forward pass: cheaper per "
                "request, but each request waits for its batch.",
                min=1, max=latency_model.BATCH_SIZE_MAX, step=1, value=start["batch_size"]),
            "safety_filter": checkbox(
                "Safety filter (about 300 ms)", "Check every model answer with a "
                "post-generation safety filter before sending it.", start["safety_filter"]),
        }
        super().__init__(
            latency_model, controls, primary="cache_hit_rate",
            chart_description=(
                "Left: histogram of the simulated response times on a log scale, cache hits "
                "(green, hatched) and model answers (blue), with the p50 (dotted), p95 "
                "(dash-dot) and p99 (solid) latencies and the 1,200 ms SLA (dashed red-orange). "
                "Right: cost per 1,000 messages (log scale) against answer quality for every "
                "configuration of the comparison table, filled green where the p99 meets "
                "the SLA and hollow grey where it does not; the current configuration is "
                "ringed, and its cost is in the panel's title."),
            **initial)

    def setup(self, figure):
        hist, tradeoff = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
        figure.subplots_adjust(left=0.07, right=0.985, bottom=0.16, top=0.9, wspace=0.22)
        edges = latency_model.HIST_EDGES_MS
        empty = np.zeros(edges.size - 1)
        style_axes(hist, "", "response time (ms, log scale)", "share of messages")
        hist.set_xscale("log")
        self.model_hist = self.animate(hist.stairs(
            empty, edges, fill=True, color=COLORS["train"], alpha=0.55,
            label="model answers"))
        self.cache_hist = self.animate(hist.stairs(
            empty, edges, fill=True, facecolor=OKABE_ITO["green"], edgecolor="white",
            hatch="///", alpha=0.7, label="cache hits"))
        sla = latency_model.SLA_P99_MS
        hist.axvline(sla, color=COLORS["cost"], linestyle="--", linewidth=1.4,
                     label=f"SLA: p99 {sla:,.0f} ms")
        # Every line before any label, so that a label's box is never crossed by a line.
        self.percentile_lines = [self.animate(hist.axvline(
            100, color=COLORS["marker"], linestyle=style, linewidth=1.3))
            for _, style, _ in _PERCENTILES]
        # A label sits 4 points right of its line (or left, where another line or the
        # legend would cross it): ``draw`` picks the side.
        self._beside = {side: offset_copy(hist.get_xaxis_transform(), fig=figure,
                                          x=4 * sign, y=0, units="points")
                        for side, sign in (("left", 1), ("right", -1))}
        self.percentile_labels = [self.animate(hist.text(
            100, height, name, transform=self._beside["left"], ha="left",
            va="center", fontsize=LABEL_SIZE - 1, bbox=LABEL_BOX))
            for name, _, height in _PERCENTILES]
        self.hist_title = self.animate(dynamic_title(hist, _TITLE_Y))
        hist.set_xlim(edges[0], edges[-1])
        hist.xaxis.set_major_formatter(FuncFormatter(count_tick))
        hist.xaxis.set_minor_locator(NullLocator())
        hist.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        # The filter's 300 ms narrows the model's spread on the log axis (taller bars): one
        # fixed range with the filter and one without, each holding any setting's tallest bin.
        self._hist_tops = {on: _hist_top(on) for on in (False, True)}
        hist.set_ylim(0, self._hist_tops[False])
        self.hist_legend = front_legend(self, hist, loc="upper left")
        self.hist_axes = hist

        table = latency_model.table()
        style_axes(tradeoff, None,
                    "cost per 1,000 messages ($, log scale)", "answer quality (0-100)")
        tradeoff.set_xscale("log")
        meets = table["meets_sla"].to_numpy()
        cost, quality = table["cost_per_1k"].to_numpy(), table["quality"].to_numpy()
        tradeoff.plot(cost[meets], quality[meets], "o", markersize=4, alpha=0.45,
                      color=OKABE_ITO["green"], label="p99 meets the SLA")
        tradeoff.plot(cost[~meets], quality[~meets], "o", markersize=4, alpha=0.6,
                      markerfacecolor="none", markeredgecolor=COLORS["reference"],
                      label="p99 misses the SLA")
        self.current_point = self.animate(tradeoff.plot(
            [], [], "o", markersize=13, markerfacecolor="none", markeredgewidth=2.2,
            markeredgecolor=COLORS["highlight"], label="current configuration")[0])
        # The ringed configuration's cost is read out in the title, not next to the ring,
        # where it would run into the other points or the legend.
        self.tradeoff_title = self.animate(dynamic_title(tradeoff, _TITLE_Y))
        for name, spec in latency_model.MODELS.items():
            tradeoff.text(0.024, spec.quality + 0.6, name, fontsize=LABEL_SIZE - 1,
                          va="bottom", color=COLORS["marker"])
        tradeoff.set_xlim(0.02, 12)
        # Room under the lowest quality (74) for the legend, clear of every point.
        tradeoff.set_ylim(63, 96)
        tradeoff.xaxis.set_major_formatter(FuncFormatter(_money_tick))
        tradeoff.xaxis.set_minor_locator(NullLocator())
        tradeoff.legend(loc="lower right", fontsize=LEGEND_SIZE, frameon=False)
        self.tradeoff_axes = tradeoff

    def draw(self, result):
        self.hist_axes.set_ylim(0, self._hist_tops[bool(result.safety_filter)])
        self.model_hist.set_data(result.hist_model)
        self.cache_hist.set_data(result.hist_cached)
        values = (result.p50_ms, result.p95_ms, result.p99_ms)
        for line, value in zip(self.percentile_lines, values, strict=True):
            line.set_xdata([value, value])
        self._place_percentile_labels(values)
        verdict = "meets" if result.meets_sla else "misses"
        self.hist_title.set_text(f"p99 {result.p99_ms:,.0f} ms {verdict} the SLA; "
                                 f"mean {result.mean_ms:,.0f} ms")
        self.current_point.set_data([result.cost_per_1k], [result.quality])
        # Escaped: two plain dollar signs in one text would be typeset as maths.
        cost = f"${result.cost_per_1k:.2f} per 1,000, {money(result.monthly_cost)}"
        self.tradeoff_title.set_text(f"Ringed: {cost} a month".replace("$", r"\$"))

    def _place_percentile_labels(self, values) -> None:
        """Each percentile's label beside its line, on the side where no other line, label
        or the legend crosses it (right first); under the legend's height when the line is
        left of the legend's edge."""
        renderer = self.figure.canvas.get_renderer()
        to_pixels = self.hist_axes.transData.transform
        lines_px = [to_pixels((x, 1))[0] for x in (*values, latency_model.SLA_P99_MS)]
        placed = [self.hist_legend.get_window_extent(renderer)]
        for i, ((name, _, height), label, value) in enumerate(
                zip(_PERCENTILES, self.percentile_labels, values, strict=True)):
            if value < _LEGEND_RIGHT_MS:     # under the legend: drop the label below it
                height = _BELOW_LEGEND
            label.set_text(f"{name} {value:,.0f} ms")
            label.set_position((value, height))
            others = [x for j, x in enumerate(lines_px) if j != i]
            for side in ("left", "right", "left"):       # the last one: right after all
                label.set_transform(self._beside[side])
                label.set_horizontalalignment(side)
                box = label.get_window_extent(renderer)
                crossed = any(box.x0 - 2 <= x <= box.x1 + 2 for x in others)
                if not crossed and not any(box.overlaps(other) for other in placed):
                    break
            placed.append(label.get_window_extent(renderer))


# --- cascade routing -------------------------------------------------------------------------


class CascadeExplorer(Explorer):
    """Quillio: one confidence threshold sets the cascade's cost, quality and p99 together."""

    def __init__(self, **initial):
        start = compute_defaults(cascade_model.compute)
        controls = {
            "threshold": float_slider(
                "Escalate below confidence", "Escalate a message to the large model when the small "
                "model's confidence is below this.",
                min=0, max=1, step=0.01, value=start["threshold"], readout_format=".2f"),
            "budget_per_month": float_slider(
                "Monthly budget ($)", "Dollars a month the team may spend on model calls.",
                min=500, max=14_000, step=250, value=start["budget_per_month"],
                readout_format=",.0f"),
        }
        super().__init__(
            cascade_model, controls, primary="threshold",
            chart_description=(
                "Three panels against the confidence threshold: monthly cost with the budget "
                "(dashed red-orange), share of messages answered well, and p99 latency with the "
                "1,200 ms SLA (dashed red-orange). Grey dashed lines show sending every message to "
                "the large model. The current threshold is a solid black line; the highest "
                "threshold within the budget is a dotted green line."),
            **initial)

    def setup(self, figure):
        cost, quality, latency = figure.subplots(1, 3)
        figure.subplots_adjust(left=0.07, right=0.985, bottom=0.16, top=0.86, wspace=0.38)
        grid = cascade_model.THRESHOLDS
        reference = cascade_model.compute()     # the curves depend only on the seed and volume
        self.axes = (cost, quality, latency)
        curves = (reference.monthly_cost_curve, reference.quality_curve, reference.p99_curve)
        large = (reference.large_only_monthly_cost, reference.large_only_quality,
                 reference.large_only_p99_ms)
        colors = (COLORS["cost"], COLORS["f1"], COLORS["train"])
        self.curves, self.points, self.titles = [], [], []
        self.current_lines, self.best_lines, self.large_lines = [], [], []
        for ax, curve, color, level in zip(self.axes, curves, colors, large, strict=True):
            style_axes(ax, "", "confidence threshold", "")
            self.large_lines.append(ax.axhline(level, color=COLORS["reference"],
                                               linestyle="--", linewidth=1.2,
                                               label="every message to the large model"))
            self.curves.append(ax.plot(grid, curve, color=color, linewidth=1.8)[0])
            self.best_lines.append(self.animate(ax.axvline(
                0, color=OKABE_ITO["green"], linestyle=":", linewidth=1.8,
                label="best within budget")))
            self.current_lines.append(self.animate(ax.axvline(
                0, color=COLORS["marker"], linewidth=1.2, label="current threshold")))
            self.points.append(self.animate(ax.plot([], [], "o", color=color,
                                                    markeredgecolor=COLORS["marker"],
                                                    markersize=7)[0]))
            self.titles.append(self.animate(dynamic_title(ax, _TITLE_Y)))
            ax.set_xlim(0, 1)
        cost.set_ylim(0, 14_500)
        cost.yaxis.set_major_formatter(FuncFormatter(_money_tick))
        cost.set_ylabel("dollars a month", fontsize=LABEL_SIZE)
        self.budget_line = self.animate(cost.axhline(
            0, color=COLORS["cost"], linestyle="--", linewidth=1.3, label="budget"))
        quality.set_ylim(0.7, 0.95)
        quality.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        quality.set_ylabel("share answered well", fontsize=LABEL_SIZE)
        latency.set_ylim(0, 2_600)
        latency.yaxis.set_major_formatter(FuncFormatter(count_tick))
        latency.set_ylabel("p99 latency (ms)", fontsize=LABEL_SIZE)
        self.sla_line = latency.axhline(latency_model.SLA_P99_MS, color=COLORS["cost"],
                                        linestyle="--", linewidth=1.3,
                                        label=f"SLA: p99 {latency_model.SLA_P99_MS:,} ms")
        front_legend(self, cost, handles=[self.budget_line, self.large_lines[0]],
                      loc="upper left")
        front_legend(self, quality, handles=[self.current_lines[1], self.best_lines[1]],
                      loc="lower right")
        front_legend(self, latency, handles=[self.sla_line], loc="lower right")

    def draw(self, result):
        # The curves depend on the seed and the volume only; they are refreshed in case a
        # different model (e.g. a replaced compute) gives other ones.
        curves = (result.monthly_cost_curve, result.quality_curve, result.p99_curve)
        for line, curve in zip(self.curves, curves, strict=True):
            line.set_ydata(curve)
        values = (result.monthly_cost, result.quality, result.p99_ms)
        best = result.best_threshold
        for i, value in enumerate(values):
            self.current_lines[i].set_xdata([result.threshold] * 2)
            self.points[i].set_data([result.threshold], [value])
            self.best_lines[i].set_xdata([best if best == best else -1] * 2)
        self.budget_line.set_ydata([result.budget_per_month] * 2)
        verdict = "within" if result.within_budget else "over"
        self.titles[0].set_text(f"Cost {money(result.monthly_cost)} a month ({verdict} "
                                "budget)")
        self.titles[1].set_text(f"Answered well: {100 * result.quality:.1f}%")
        self.titles[2].set_text(f"p99 {result.p99_ms:,.0f} ms; "
                                f"{100 * result.share_escalated:.0f}% escalated")

    def background_key(self, result):
        return result.messages_per_month, result.seed     # all the curves depend on


# --- embedding cache TTL ---------------------------------------------------------------------


class CacheExplorer(Explorer):
    """Quillio: an embedding cache's TTL against the embedding model's retraining cadence."""

    def __init__(self, **initial):
        start = compute_defaults(cache_model.compute)
        grid = cache_model.TTL_GRID
        controls = {
            "ttl_days": int_slider(
                "Cache TTL (days)", "Days a cached embedding is kept before it is recomputed.",
                min=int(grid[0]), max=int(grid[-1]), step=1, value=start["ttl_days"]),
            "retrain_every_days": int_slider(
                "Retrain every (days)", "Days between retrains of the embedding model.",
                min=1, max=cache_model.RETRAIN_MAX_DAYS, step=1,
                value=start["retrain_every_days"]),
        }
        super().__init__(
            cache_model, controls, primary="ttl_days",
            chart_description=(
                "Left: the first eight weeks, with each retrain of the embedding model as a "
                "vertical line, each recompute of the cache as a triangle and the days whose "
                "cache hits are stale shaded red-orange. Middle: recompute cost per month against "
                "the TTL. Right: share of cache hits that are stale against the TTL. In both, "
                "the current TTL is a black dot and the retraining cadence a dotted line."),
            **initial)

    def setup(self, figure):
        timeline, cost, stale = figure.subplots(1, 3,
                                                gridspec_kw={"width_ratios": [1.5, 1, 1]})
        figure.subplots_adjust(left=0.03, right=0.985, bottom=0.16, top=0.86, wspace=0.32)
        days = cache_model.TIMELINE_DAYS
        style_axes(timeline, "", "day", "")
        timeline.grid(False, axis="y")
        timeline.set_yticks([])
        timeline.spines["left"].set_visible(False)
        self.stale_days = self.animate(timeline.stairs(
            np.zeros(days), np.arange(days + 1), fill=True, color=COLORS["cost"], alpha=0.35,
            label="stale cache hits"))
        self.retrain_marks = self.animate(timeline.vlines(
            [], 0, 1, color=COLORS["marker"], linewidth=1.2, label="retrain"))
        self.recompute_marks = self.animate(timeline.plot(
            [], [], "v", color=COLORS["train"], markersize=7, linestyle="none",
            label="cache recompute")[0])
        self.timeline_title = self.animate(dynamic_title(timeline, _TITLE_Y))
        timeline.set_xlim(0, days)
        timeline.set_ylim(0, 1.35)
        timeline.set_xticks(np.arange(0, days + 1, 7))
        timeline.legend(loc="upper left", ncols=3, fontsize=LEGEND_SIZE - 1, frameon=False)

        grid = cache_model.TTL_GRID
        style_axes(cost, "", "TTL (days)", "")
        self.cost_curve = cost.plot(grid, np.zeros(grid.size), color=COLORS["cost"],
                                    linewidth=1.8)[0]
        cost.set_ylim(0, 6_500)
        cost.yaxis.set_major_formatter(FuncFormatter(_money_tick))
        style_axes(stale, "", "TTL (days)", "")
        self.stale_curve = self.animate(stale.plot(grid, np.zeros(grid.size), marker=".",
                                                   markersize=3, color=COLORS["cost"],
                                                   linewidth=1.2)[0])
        stale.set_ylim(0, 1)
        stale.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        self.curve_axes = (cost, stale)
        self.cadence_lines, self.points, self.titles = [], [], []
        for ax in self.curve_axes:
            ax.set_xlim(0, grid[-1] + 1)
            self.cadence_lines.append(self.animate(ax.axvline(
                7, color=OKABE_ITO["green"], linestyle=":", linewidth=1.8)))
            self.points.append(self.animate(ax.plot([], [], "o", color=COLORS["marker"],
                                                    markersize=7)[0]))
            self.titles.append(self.animate(dynamic_title(ax, _TITLE_Y)))
        self.cadence_lines[0].set_label("retrain cadence")
        self.points[0].set_label("current TTL")
        front_legend(self, cost, handles=[self.points[0], self.cadence_lines[0]],
                      loc="upper right")

    def draw(self, result):
        self.cost_curve.set_ydata(result.cost_curve)
        self.stale_curve.set_ydata(result.stale_curve)
        self.stale_days.set_data(result.timeline_stale.astype(float))
        self.retrain_marks.set_segments([[(d, 0), (d, 1)] for d in result.timeline_retrains])
        recomputes = result.timeline_recomputes
        self.recompute_marks.set_data(recomputes, np.full(recomputes.size, 1.08))
        for line in self.cadence_lines:
            line.set_xdata([result.retrain_every_days] * 2)
        self.points[0].set_data([result.ttl_days], [result.monthly_recompute_cost])
        self.points[1].set_data([result.ttl_days], [result.stale_share])
        self.timeline_title.set_text(f"Eight weeks: TTL {result.ttl_days} d, retrain every "
                                     f"{result.retrain_every_days} d")
        self.titles[0].set_text(f"Recompute cost {money(result.monthly_recompute_cost)}/month")
        self.titles[1].set_text(f"Stale hits: {100 * result.stale_share:.0f}%")

    def background_key(self, result):
        return result.cache_entries, result.recompute_cost_per_1k    # the cost curve


def latency_explorer(**initial) -> LatencyExplorer:
    """Quillio's latency, cost and quality. Settings: ``model_size`` ("small", "medium",
    "large"), ``quantized`` (True/False), ``cache_hit_rate`` (0-0.6), ``batch_size`` (1-16),
    ``safety_filter`` (True/False)."""
    return LatencyExplorer(**initial)


def cascade_explorer(**initial) -> CascadeExplorer:
    """Quillio's small-to-large cascade. Settings: ``threshold`` (0-1) and
    ``budget_per_month`` (dollars, 500-14,000)."""
    return CascadeExplorer(**initial)


def cache_explorer(**initial) -> CacheExplorer:
    """Quillio's embedding cache. Settings: ``ttl_days`` (1-60) and ``retrain_every_days``
    (1-30)."""
    return CacheExplorer(**initial)


# The monitoring explorer lives in its own module (it is the largest view).
from course.m3.llm_eval_explorer import llm_eval_explorer  # noqa: E402
from course.m3.monitoring_explorer import monitoring_explorer  # noqa: E402
from course.m3.silence_explorer import silence_explorer  # noqa: E402

EXPLORERS = {
    "latency": latency_explorer,
    "cascade": cascade_explorer,
    "cache": cache_explorer,
    "monitoring": monitoring_explorer,
    "llm_eval": llm_eval_explorer,
    "silence": silence_explorer,
}
