"""Module 1's explorers: threshold and cost, class imbalance, capacity and validation.

Each explorer is a view over one pure model (``course.m1.threshold``, ``.imbalance``,
``.capacity``); its controls are named after that model's ``compute`` keywords. Show one by
ending a notebook cell with it::

    from course.m1.explorers import threshold_explorer
    threshold_explorer(prevalence=0.005)

Keyword arguments set the starting value of a control (any of the names in ``controls``).
"""

from __future__ import annotations

import inspect

import matplotlib.dates as mdates
import numpy as np
from matplotlib.ticker import FuncFormatter

from course.m1 import capacity as capacity_model
from course.m1 import imbalance as imbalance_model
from course.m1 import threshold as threshold_model
from course.style import COLORS, LINESTYLES
from course.widgets import Explorer, float_slider, int_slider, log_slider

_TITLE_SIZE = 10
_LABEL_SIZE = 9
_LEGEND_SIZE = 8


def _defaults(function) -> dict:
    """Keyword defaults of a model's ``compute``, so views start where the model does."""
    return {name: p.default for name, p in inspect.signature(function).parameters.items()
            if p.default is not inspect.Parameter.empty}


def _short_money(amount: float, _position=None) -> str:
    """Axis-tick dollars: $950, $12k, $1.2M."""
    if abs(amount) >= 1e6:
        return f"${amount / 1e6:.1f}M"
    if abs(amount) >= 1e3:
        return f"${amount / 1e3:,.0f}k"
    return f"${amount:,.0f}"


def _dynamic_title(ax):
    """A text artist in the title's place, for titles that change on every update."""
    return ax.text(0, 1.025, "", transform=ax.transAxes, fontsize=_TITLE_SIZE, ha="left",
                   va="baseline")


def _style_axes(ax, title: str, xlabel: str, ylabel: str) -> None:
    ax.set_title(title, fontsize=_TITLE_SIZE, loc="left")
    ax.set_xlabel(xlabel, fontsize=_LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=_LABEL_SIZE)
    ax.tick_params(labelsize=_LABEL_SIZE - 1)
    ax.grid(True, color=COLORS["reference"], alpha=0.25, linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


class ThresholdExplorer(Explorer):
    """Ledgerly: precision/recall/F1 and expected cost per day as the threshold moves."""

    def __init__(self, **initial):
        start = _defaults(threshold_model.compute)
        controls = {
            "threshold": float_slider(
                "Threshold", "Flag a transaction when its fraud score is at or above this.",
                min=0.01, max=0.99, step=0.01, value=0.5, readout_format=".2f"),
            "prevalence": log_slider(
                "Fraud rate", "Share of all transactions that are fraud (log scale).",
                low=0.001, high=0.2, value=start["prevalence"]),
            "cost_fp": float_slider(
                "Cost per good blocked ($)",
                "Dollars lost each time a good customer is blocked without review.",
                min=0, max=200, step=5, value=start["cost_fp"], readout_format=".0f"),
            "cost_fn": float_slider(
                "Cost per fraud missed ($)",
                "Dollars lost each time a fraud case goes through unflagged.",
                min=0, max=2000, step=25, value=start["cost_fn"], readout_format=".0f"),
            "review_capacity": int_slider(
                "Reviews per day", "Flagged transactions the review team can clear per day.",
                min=0, max=5000, step=50, value=start["review_capacity"]),
        }
        super().__init__(
            threshold_model, controls, primary="threshold",
            chart_description=("Left: precision, recall and F1 against the threshold. Right: "
                               "expected cost per day against the threshold, cheapest point "
                               "marked, shaded where the review queue overflows."),
            **initial)

    def setup(self, figure):
        grid = threshold_model.THRESHOLDS
        quality, cost = figure.subplots(1, 2)
        figure.subplots_adjust(left=0.06, right=0.985, bottom=0.16, top=0.9, wspace=0.22)
        _style_axes(quality, "Precision, recall and F1",
                    "threshold (flag if score ≥ threshold)", "share (0-1)")
        self.curves = {
            name: quality.plot(grid, np.zeros_like(grid), color=COLORS[name],
                               linestyle=LINESTYLES[name], linewidth=1.8, label=label)[0]
            for name, label in (("precision", "precision"), ("recall", "recall"),
                                ("f1", "F1"))
        }
        self.quality_marker = self.animate(quality.axvline(0.5, color=COLORS["marker"],
                                                           linewidth=1))
        self.quality_points = self.animate(quality.plot([], [], "o", color=COLORS["marker"],
                                                        markersize=4)[0])
        quality.set_xlim(0, 1)
        quality.set_ylim(0, 1.03)
        quality.legend(loc="center left", fontsize=_LEGEND_SIZE, frameon=False)

        _style_axes(cost, "Expected cost per day (grey: review queue overflows)",
                    "threshold (flag if score ≥ threshold)",
                    "dollars per day")
        cost.yaxis.set_major_formatter(FuncFormatter(_short_money))
        # Explained in the title rather than a legend, which the curve would run through.
        self.overflow = cost.axvspan(0, 0, color=COLORS["reference"], alpha=0.25, linewidth=0)
        self.cost_curve = cost.plot(grid, np.zeros_like(grid), color=COLORS["cost"],
                                    linestyle=LINESTYLES["cost"], linewidth=1.8)[0]
        self.cost_marker = self.animate(cost.axvline(0.5, color=COLORS["marker"], linewidth=1))
        self.cost_point = self.animate(cost.plot([], [], "o", color=COLORS["marker"],
                                                 markersize=5)[0])
        self.cheapest_point = cost.plot([], [], "D", color=COLORS["highlight"], markersize=7)[0]
        self.cheapest_label = cost.text(0, 0, "", fontsize=_LABEL_SIZE - 1,
                                        color=COLORS["highlight"], ha="center", va="top")
        cost.set_xlim(0, 1)
        self.cost_axes = cost

    def draw(self, result):
        t = result.threshold
        self.curves["precision"].set_ydata(result.precision_curve)
        self.curves["recall"].set_ydata(result.recall_curve)
        self.curves["f1"].set_ydata(result.f1_curve)
        self.quality_marker.set_xdata([t, t])
        self.quality_points.set_data([t, t, t], [result.precision, result.recall, result.f1])

        self.cost_curve.set_ydata(result.cost_per_day_curve)
        self.overflow.set_width(result.queue_full_below if result.queue_full_below > 0.01 else 0)
        best_t, best_cost = result.cheapest_threshold, result.cheapest_cost_per_day
        self.cheapest_point.set_data([best_t], [best_cost])
        # Keep the cheap region readable: the top follows the minimum, not the huge costs of
        # flagging nearly everything. A current cost above the top shows as a triangle on it.
        top = float(np.max(result.cost_per_day_curve)) * 1.05
        if best_cost > 0:
            top = min(top, 3 * best_cost)
        top = top or 1.0
        self.cost_axes.set_ylim(0, top)
        self.cheapest_label.set_position((best_t, best_cost - 0.04 * top))
        self.cheapest_label.set_text(f"cheapest threshold {best_t:.2f}")
        self.cost_marker.set_xdata([t, t])
        above = result.cost_per_day > top
        self.cost_point.set_data([t], [top * 0.985 if above else result.cost_per_day])
        self.cost_point.set_marker("^" if above else "o")

    def background_key(self, result):
        return (result.prevalence, result.cost_per_day_curve.tobytes(), result.queue_full_below)


class ImbalanceExplorer(Explorer):
    """Ledgerly at another fraud rate: the ROC curve stays put, the PR curve sinks."""

    def __init__(self, **initial):
        controls = {
            "prevalence": log_slider(
                "Fraud rate", "Share of all transactions that are fraud (log scale).",
                low=0.001, high=0.5, value=0.01),
        }
        super().__init__(
            imbalance_model, controls, primary="prevalence",
            chart_description=("Left: ROC curve with the chance diagonal. Right: precision-"
                               "recall curve with the coin-flip baseline at the fraud rate."),
            **initial)

    def setup(self, figure):
        roc, pr = figure.subplots(1, 2)
        figure.subplots_adjust(left=0.065, right=0.985, bottom=0.16, top=0.9, wspace=0.2)
        _style_axes(roc, "ROC curve",
                    "false positive rate (share of good customers flagged)",
                    "recall (share of fraud caught)")
        roc.plot([0, 1], [0, 1], color=COLORS["reference"], linestyle="--", linewidth=1,
                 label="coin flip")
        self.roc_curve = roc.plot([], [], color=COLORS["recall"], linewidth=1.8,
                                  label="fraud model")[0]
        self.roc_point = roc.plot([], [], "o", color=COLORS["marker"], markersize=5,
                                  label="recall 0.5")[0]
        self.roc_axes = roc
        roc.set_xlim(0, 1)
        roc.set_ylim(0, 1.02)
        roc.legend(loc="center right", fontsize=_LEGEND_SIZE, frameon=False)

        _style_axes(pr, "",
                    "recall (share of fraud caught)", "precision (share of flags that are fraud)")
        self.pr_fill = self.animate(pr.fill_between(
            [0, 1], [0, 0], color=COLORS["precision"], alpha=0.15, linewidth=0,
            label="area = average precision"))
        self.pr_curve = self.animate(pr.plot([], [], color=COLORS["precision"], linewidth=1.8,
                                             label="fraud model")[0])
        self.baseline = self.animate(pr.axhline(0.01, color=COLORS["reference"], linestyle="--",
                                                linewidth=1, label="coin flip (= fraud rate)"))
        self.pr_point = self.animate(pr.plot([], [], "o", color=COLORS["marker"],
                                             markersize=5)[0])
        self.pr_title = self.animate(_dynamic_title(pr))
        pr.set_xlim(0, 1)
        pr.set_ylim(0, 1.02)
        pr.legend(loc="upper right", bbox_to_anchor=(1, 0.8), fontsize=_LEGEND_SIZE)

    def draw(self, result):
        self.roc_curve.set_data(result.fpr, result.tpr)
        half = int(np.searchsorted(result.tpr, 0.5))
        self.roc_point.set_data([result.fpr[min(half, result.fpr.size - 1)]], [0.5])
        self.roc_axes.set_title(f"ROC curve: ROC-AUC {result.roc_auc:.2f} at any fraud rate",
                                fontsize=_TITLE_SIZE, loc="left")
        self.pr_curve.set_data(result.recall, result.precision)
        self.pr_fill.set_data(result.recall, result.precision, 0)
        self.baseline.set_ydata([result.prevalence, result.prevalence])
        self.pr_point.set_data([0.5], [result.precision_at_half_recall])
        self.pr_title.set_text(f"Precision-recall: AP {result.average_precision:.2f} "
                               f"(coin flip {result.baseline_ap:.2g})")

    def background_key(self, result):
        return result.roc_auc    # the ROC panel depends only on the (fixed) scores


class CapacityExplorer(Explorer):
    """Pantry Dash: tree depth against training, random-split and time-holdout error."""

    def __init__(self, **initial):
        start = _defaults(capacity_model.compute)
        depths = capacity_model.DEPTHS
        controls = {
            "max_depth": int_slider(
                "Tree depth (capacity)", "Maximum depth of the decision tree: more depth, "
                "more capacity to fit (and memorise) the history.",
                min=int(depths[0]), max=int(depths[-1]), step=1, value=6),
            "spike": float_slider(
                "Spike era size", "Size of the unexplained Mar-Jul 2024 surge: 0 = none, "
                "1 = orders up 70%.",
                min=0, max=1, step=0.25, value=start["spike"], readout_format=".2f"),
        }
        super().__init__(
            capacity_model, controls, primary="max_depth",
            chart_description=("Left: mean absolute error against tree depth for training, "
                               "random-split validation and the time holdout. Right: actual "
                               "and predicted daily orders, holdout and spike era shaded."),
            **initial)

    def setup(self, figure):
        errors, series = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.35]})
        figure.subplots_adjust(left=0.06, right=0.985, bottom=0.16, top=0.9, wspace=0.2)
        _style_axes(errors, "Error against capacity", "tree depth (max_depth)",
                    "mean absolute error (orders/day)")
        depths = capacity_model.DEPTHS
        lines = (("train", "train_mae", "training", "o"),
                 ("validation", "random_val_mae", "random-split validation", "s"),
                 ("holdout", "time_holdout_mae", "time holdout (Sep-Dec 2025)", "^"))
        self.error_lines = {
            field: errors.plot(depths, np.zeros(depths.size), color=COLORS[role],
                               linestyle=LINESTYLES[role], marker=marker, markersize=3.5,
                               linewidth=1.6, label=label)[0]
            for role, field, label, marker in lines
        }
        # The marker stops below the legend, which sits in the headroom above the curves.
        self.depth_marker = self.animate(errors.axvline(6, ymax=0.64, color=COLORS["marker"],
                                                        linewidth=1))
        self.depth_points = self.animate(errors.plot([], [], "o", markersize=8,
                                                     markerfacecolor="none",
                                                     markeredgecolor=COLORS["marker"])[0])
        self.pick_points = errors.plot([], [], "*", color=COLORS["highlight"], markersize=11,
                                       label="each scheme's pick")[0]
        errors.set_xticks(depths)
        errors.set_xlim(depths[0] - 0.4, depths[-1] + 0.4)
        errors.legend(loc="upper right", fontsize=_LEGEND_SIZE, frameon=False)
        self.error_axes = errors

        _style_axes(series, "", "",
                    "orders per day")
        holdout = mdates.date2num([np.datetime64(capacity_model.HOLDOUT_START),
                                   np.datetime64(capacity_model.HOLDOUT_END)])
        spike_era = mdates.date2num([np.datetime64(capacity_model.SPIKE_START),
                                     np.datetime64(capacity_model.SPIKE_END)])
        series.axvspan(*holdout, color=COLORS["holdout"], alpha=0.12, linewidth=0,
                       label="time holdout")
        self.spike_span = series.axvspan(*spike_era, color=COLORS["reference"], alpha=0.25,
                                         linewidth=0, label="spike era")
        self.actual_line = series.plot([], [], color=COLORS["reference"], linewidth=0.6,
                                       label="actual")[0]
        self.predicted_line = self.animate(series.plot([], [], color=COLORS["train"],
                                                       linewidth=1.1, label="predicted")[0])
        self.series_title = self.animate(_dynamic_title(series))
        locator = mdates.MonthLocator(bymonth=(1, 7))
        series.xaxis.set_major_locator(locator)
        series.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        series.set_xlim(mdates.date2num(np.datetime64("2023-01-01")), holdout[1] + 5)
        series.legend(loc="upper left", fontsize=_LEGEND_SIZE, frameon=False, ncols=2)
        self.series_axes = series
        self._spike_shown = None

    def draw(self, result):
        for field, line in self.error_lines.items():
            line.set_ydata(getattr(result, field))
        d = result.max_depth
        self.depth_marker.set_xdata([d, d])
        self.depth_points.set_data([d, d, d], [result.train_mae_at_depth,
                                               result.random_val_mae_at_depth,
                                               result.time_holdout_mae_at_depth])
        self.pick_points.set_data(
            [result.random_pick, result.time_pick],
            [result.random_val_mae[result.random_pick - int(result.depths[0])],
             result.time_holdout_mae[result.time_pick - int(result.depths[0])]])
        top = max(result.train_mae.max(), result.random_val_mae.max(),
                  result.time_holdout_mae.max())
        self.error_axes.set_ylim(0, top * 1.6)   # headroom for the legend

        if self._spike_shown != result.spike:     # the dates and actuals change only with spike
            self._dates = mdates.date2num(result.dates)
            self.actual_line.set_data(self._dates, result.actual)
            self.spike_span.set_alpha(0.08 + 0.22 * result.spike)
            self.series_axes.set_ylim(0, result.actual.max() * 1.25)
            self._spike_shown = result.spike
        self.predicted_line.set_data(self._dates, result.predicted)
        self.series_title.set_text(f"Daily orders: actual and depth-{d} forecast (time split)")

    def background_key(self, result):
        return result.spike


def threshold_explorer(**initial) -> ThresholdExplorer:
    """Threshold and cost for Ledgerly's fraud model. Settings: ``threshold``, ``prevalence``,
    ``cost_fp`` ($), ``cost_fn`` ($), ``review_capacity`` (reviews/day)."""
    return ThresholdExplorer(**initial)


def imbalance_explorer(**initial) -> ImbalanceExplorer:
    """ROC against precision-recall as Ledgerly's fraud rate changes. Setting: ``prevalence``."""
    return ImbalanceExplorer(**initial)


def capacity_explorer(**initial) -> CapacityExplorer:
    """Tree depth against three error estimates for Pantry Dash's forecast. Settings:
    ``max_depth`` (1-12) and ``spike`` (0-1, size of the unexplained 2024 surge)."""
    return CapacityExplorer(**initial)


EXPLORERS = {
    "threshold": threshold_explorer,
    "imbalance": imbalance_explorer,
    "capacity": capacity_explorer,
}
