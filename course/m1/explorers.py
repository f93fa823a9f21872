"""Module 1's explorers: threshold and cost, class imbalance, capacity and validation,
segments, drift, and architecture against a budget.

Each explorer is a view over one pure model (``course.m1.threshold``, ``.imbalance``,
``.capacity``, ``.segments``, ``.drift``, ``.budget``); its controls are named after that
model's ``compute`` keywords. Show one by
ending a notebook cell with it::

    from course.m1.explorers import threshold_explorer
    threshold_explorer(prevalence=0.005)

Keyword arguments set the starting value of a control (any of the names in ``controls``).
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.dates as mdates
import numpy as np
from matplotlib.ticker import FuncFormatter, NullLocator, PercentFormatter

from course.m1 import budget as budget_model
from course.m1 import capacity as capacity_model
from course.m1 import drift as drift_model
from course.m1 import imbalance as imbalance_model
from course.m1 import segments as segments_model
from course.m1 import threshold as threshold_model
from course.style import COLORS, LINESTYLES, OKABE_ITO, count, money
from course.widgets import (
    LABEL_BOX,
    LABEL_SIZE,
    LEGEND_SIZE,
    TITLE_SIZE,
    Explorer,
    compute_defaults,
    count_tick,
    dynamic_title,
    float_slider,
    int_slider,
    log_slider,
    short_money,
    style_axes,
)

#: Module 1's titles sit a little lower than the other modules' (axes fractions); its
#: charts also keep matplotlib's default grid order (``style_axes(..., axis_below=False)``).
_TITLE_Y = 1.025
#: Its status labels' boxes are a little more transparent than ``LABEL_BOX``.
_STATUS_BOX = dict(LABEL_BOX, alpha=0.8)


class ThresholdExplorer(Explorer):
    """Ledgerly: precision/recall/F1 and expected cost per day as the threshold moves."""

    def __init__(self, **initial):
        start = compute_defaults(threshold_model.compute)
        controls = {
            "threshold": float_slider(
                "Flag if fraud score ≥", "Flag a transaction when its fraud score (0-1) is at "
                "or above this threshold.",
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
        style_axes(quality, "Precision, recall and F1",
                   "threshold (flag if score ≥ threshold)", "share (0-1)",
                   axis_below=False)
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
        quality.legend(loc="center left", fontsize=LEGEND_SIZE, frameon=False)

        style_axes(cost, "Expected cost per day (grey: review queue overflows)",
                   "threshold (flag if score ≥ threshold)",
                   "dollars per day", axis_below=False)
        cost.yaxis.set_major_formatter(FuncFormatter(short_money))
        # Explained in the title rather than a legend, which the curve would run through.
        self.overflow = cost.axvspan(0, 0, color=COLORS["reference"], alpha=0.25, linewidth=0)
        self.cost_curve = cost.plot(grid, np.zeros_like(grid), color=COLORS["cost"],
                                    linestyle=LINESTYLES["cost"], linewidth=1.8)[0]
        self.cost_marker = self.animate(cost.axvline(0.5, color=COLORS["marker"], linewidth=1))
        self.cost_point = self.animate(cost.plot([], [], "o", color=COLORS["marker"],
                                                 markersize=5)[0])
        self.cheapest_point = cost.plot([], [], "D", color=COLORS["highlight"], markersize=7)[0]
        self.cheapest_label = cost.text(0, 0, "", fontsize=LABEL_SIZE - 1,
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
        # Under the diamond, or over it when the cheapest cost is near zero (the label would
        # fall on the tick labels); right- or left-aligned near either end of the axis.
        if best_cost < 0.2 * top:
            self.cheapest_label.set_position((best_t, best_cost + 0.05 * top))
            self.cheapest_label.set_verticalalignment("bottom")
        else:
            self.cheapest_label.set_position((best_t, best_cost - 0.04 * top))
            self.cheapest_label.set_verticalalignment("top")
        self.cheapest_label.set_horizontalalignment(
            "right" if best_t > 0.8 else "left" if best_t < 0.2 else "center")
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
        style_axes(roc, "ROC curve",
                   "false positive rate (share of good customers flagged)",
                   "recall (share of fraud caught)", axis_below=False)
        roc.plot([0, 1], [0, 1], color=COLORS["reference"], linestyle="--", linewidth=1,
                 label="coin flip")
        self.roc_curve = roc.plot([], [], color=COLORS["recall"], linewidth=1.8,
                                  label="fraud model")[0]
        self.roc_point = roc.plot([], [], "o", color=COLORS["marker"], markersize=5,
                                  label="recall 0.5")[0]
        self.roc_axes = roc
        roc.set_xlim(0, 1)
        roc.set_ylim(0, 1.02)
        roc.legend(loc="center right", fontsize=LEGEND_SIZE, frameon=False)

        style_axes(pr, "",
                   "recall (share of fraud caught)", "precision (share of flags that are fraud)",
                   axis_below=False)
        self.pr_fill = self.animate(pr.fill_between(
            [0, 1], [0, 0], color=COLORS["precision"], alpha=0.15, linewidth=0,
            label="area = average precision"))
        self.pr_curve = self.animate(pr.plot([], [], color=COLORS["precision"], linewidth=1.8,
                                             label="fraud model")[0])
        self.baseline = self.animate(pr.axhline(0.01, color=COLORS["reference"], linestyle="--",
                                                linewidth=1, label="coin flip (= fraud rate)"))
        self.pr_point = self.animate(pr.plot([], [], "o", color=COLORS["marker"],
                                             markersize=5)[0])
        self.pr_title = self.animate(dynamic_title(pr, _TITLE_Y))
        pr.set_xlim(0, 1)
        pr.set_ylim(0, 1.02)
        pr.legend(loc="upper right", bbox_to_anchor=(1, 0.8), fontsize=LEGEND_SIZE)

    def draw(self, result):
        self.roc_curve.set_data(result.fpr, result.tpr)
        half = int(np.searchsorted(result.tpr, 0.5))
        self.roc_point.set_data([result.fpr[min(half, result.fpr.size - 1)]], [0.5])
        self.roc_axes.set_title(f"ROC curve: ROC-AUC {result.roc_auc:.2f} at any fraud rate",
                                fontsize=TITLE_SIZE, loc="left")
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
        start = compute_defaults(capacity_model.compute)
        depths = capacity_model.DEPTHS
        controls = {
            "max_depth": int_slider(
                "Model complexity (depth)", "Maximum depth of the decision tree: more depth, "
                "more capacity to fit (and memorise) the history.",
                min=int(depths[0]), max=int(depths[-1]), step=1, value=6),
            "spike": float_slider(
                "2024 surge (1 = +70%)", "Size of the unexplained Mar-Jul 2024 surge: 0 = none, "
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
        style_axes(errors, "Error against capacity", "tree depth (max_depth)",
                   "mean absolute error (orders/day)", axis_below=False)
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
        errors.legend(loc="upper right", fontsize=LEGEND_SIZE, frameon=False)
        self.error_axes = errors

        style_axes(series, "", "",
                   "orders per day", axis_below=False)
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
        self.series_title = self.animate(dynamic_title(series, _TITLE_Y))
        locator = mdates.MonthLocator(bymonth=(1, 7))
        series.xaxis.set_major_locator(locator)
        series.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        series.set_xlim(mdates.date2num(np.datetime64("2023-01-01")), holdout[1] + 5)
        series.legend(loc="upper left", fontsize=LEGEND_SIZE, frameon=False, ncols=2)
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


class SegmentsExplorer(Explorer):
    """Parsely: an overall field error rate that meets the promise while fax invoices fail it."""

    def __init__(self, **initial):
        start = compute_defaults(segments_model.compute)
        controls = {
            "fax_share": float_slider(
                "Fax share of invoices", "Share of all invoices that arrive by fax; the "
                "other sources keep their relative shares.",
                min=0, max=0.5, step=0.01, value=start["fax_share"], readout_format=".0%"),
            "fax_error_rate": float_slider(
                "Fax field error rate", "Share of fields the model gets wrong on fax "
                "invoices; the other sources keep their measured rates.",
                min=0, max=0.4, step=0.005, value=start["fax_error_rate"],
                readout_format=".1%"),
        }
        super().__init__(
            segments_model, controls, primary="fax_share",
            chart_description=("Left: field error rate of each invoice source as a bar "
                               "(red-orange and hatched when above the promise), the 5% promise "
                               "as a dashed line and the overall rate as a solid line. Right: "
                               "each source's share of invoices (plain bars) and of all wrong "
                               "fields (hatched bars)."),
            **initial)

    def setup(self, figure):
        rates, shares = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
        figure.subplots_adjust(left=0.07, right=0.965, bottom=0.13, top=0.9, wspace=0.42)
        sources = segments_model.measured().sources
        n = len(sources)
        style_axes(rates, "", "", "share of fields wrong", axis_below=False)
        rates.grid(False, axis="x")
        rates.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        self.promise_line = rates.axhline(0.05, color=COLORS["reference"], linestyle="--",
                                          linewidth=1.4, label="promise")
        self.rate_bars = [self.animate(bar) for bar in rates.bar(
            np.arange(n), np.zeros(n), width=0.6, edgecolor=COLORS["marker"], linewidth=0.6)]
        self.overall_line = self.animate(rates.axhline(0.04, color=COLORS["marker"],
                                                       linewidth=1.4, label="overall"))
        self.rates_title = self.animate(dynamic_title(rates, _TITLE_Y))
        # Each bar's rate is printed under its name (above the bar it would cross the lines).
        rates.set_xticks(np.arange(n))
        rates.set_xlim(-0.55, n - 0.45)
        rates.legend(loc="upper left", fontsize=LEGEND_SIZE, frameon=False)
        self.rates_axes = rates
        self.sources = sources

        # The title names the two kinds of bar, so no legend sits where the long bars end.
        style_axes(shares, "Shares: invoices (plain), wrong fields (hatched)", "", "",
                   axis_below=False)
        shares.grid(False, axis="y")
        shares.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        y = np.arange(n)
        self.invoice_bars = [self.animate(bar) for bar in shares.barh(
            y - 0.19, np.zeros(n), height=0.36, color=OKABE_ITO["sky_blue"],
            edgecolor=COLORS["marker"], linewidth=0.6, label="invoices")]
        self.error_bars = [self.animate(bar) for bar in shares.barh(
            y + 0.19, np.zeros(n), height=0.36, color=COLORS["cost"], hatch="///",
            edgecolor=COLORS["marker"], linewidth=0.6, label="wrong fields")]
        self.share_labels = [self.animate(shares.text(0, yy, "", va="center",
                                                      fontsize=LABEL_SIZE - 1))
                             for yy in np.r_[y - 0.19, y + 0.19]]
        shares.set_yticks(y, sources)
        shares.set_ylim(n - 0.5, -0.5)             # first source on top
        shares.set_xlim(0, 1.0)

    def draw(self, result):
        promise = result.promise
        self.promise_line.set_ydata([promise, promise])
        for bar, rate in zip(self.rate_bars, result.error_rate, strict=True):
            over = rate > promise
            bar.set_height(rate)
            bar.set_facecolor(COLORS["cost"] if over else COLORS["train"])
            bar.set_hatch("///" if over else "")
        self.rates_axes.set_xticklabels([f"{name}\n{100 * rate:.1f}%" for name, rate
                                         in zip(self.sources, result.error_rate, strict=True)])
        overall = result.overall_rate
        self.overall_line.set_ydata([overall, overall])
        verdict = "meets" if result.meets_promise else "breaks"
        self.rates_title.set_text(f"Field error rate: overall {100 * overall:.1f}% {verdict} "
                                  f"the {100 * promise:g}% promise")
        # Headroom for the legend and the labels; steps of 5 points keep the axis still.
        top = max(float(np.max(result.error_rate)), promise) * 1.35
        self.rates_axes.set_ylim(0, max(0.1, float(np.ceil(top * 20) / 20)))

        values = np.r_[result.share, result.error_share]
        for bar, label, value in zip(self.invoice_bars + self.error_bars, self.share_labels,
                                     values, strict=True):
            bar.set_width(value)
            label.set_position((value + 0.012, label.get_position()[1]))
            label.set_text(f"{100 * value:.0f}%")

    def background_key(self, result):
        return result.promise, tuple(np.round(result.error_rate, 4))   # the tick labels


class DriftExplorer(Explorer):
    """Pantry Dash: input drift the KS test sees without labels, concept drift it cannot see."""

    def __init__(self, **initial):
        start = compute_defaults(drift_model.compute)
        controls = {
            "input_shift": float_slider(
                "Baskets move (× spread)", "Data drift: how far production basket values "
                "moved, in multiples of the training baskets' spread (standard deviation).",
                min=0, max=3, step=0.1, value=start["input_shift"], readout_format=".1f"),
            "concept_shift": float_slider(
                "Habits move (× spread)", "Concept drift: how far the basket value at which a "
                "repeat order becomes likelier than not has moved.",
                min=0, max=2, step=0.1, value=start["concept_shift"], readout_format=".1f"),
        }
        super().__init__(
            drift_model, controls, primary="input_shift",
            chart_description=(
                "Left: histograms of basket values in training (filled blue) and production "
                "(hatched orange outline), with each mean as a vertical line; the title gives "
                "the Kolmogorov-Smirnov test, which needs no labels. Right: chance of a repeat "
                "order against basket value in training (solid blue), in production (dashed "
                "orange) and as the model learned it (dotted black), with the middle 90% of "
                "production baskets as a strip along the bottom; the title gives accuracy, "
                "which needs labels."),
            **initial)

    def setup(self, figure):
        inputs, relation = figure.subplots(1, 2)
        figure.subplots_adjust(left=0.065, right=0.985, bottom=0.16, top=0.9, wspace=0.2)
        edges, grid = drift_model.BIN_EDGES, drift_model.GRID
        empty = np.zeros(edges.size - 1)
        style_axes(inputs, "", "basket value (training standard deviations)",
                   "density", axis_below=False)
        train_color, prod_color = COLORS["train"], COLORS["validation"]
        self.training_hist = inputs.stairs(empty, edges, fill=True, color=train_color,
                                           alpha=0.35, label="training")
        self.production_hist = self.animate(inputs.stairs(
            empty, edges, fill=True, facecolor="none", edgecolor=prod_color, hatch="///",
            linewidth=1.4, label="production"))
        self.training_mean = inputs.axvline(0, color=train_color, linewidth=1.2)
        self.production_mean = self.animate(inputs.axvline(0, color=prod_color,
                                                           linestyle="--", linewidth=1.2))
        self.inputs_title = self.animate(dynamic_title(inputs, _TITLE_Y))
        inputs.set_xlim(edges[0], edges[-1])
        inputs.set_ylim(0, 0.62)
        inputs.legend(loc="upper left", fontsize=LEGEND_SIZE, frameon=False)

        style_axes(relation, "", "basket value (training standard deviations)",
                   "P(orders again within 14 days)", axis_below=False)
        # A strip along the bottom, so it never tints the curves' legend.
        self.production_band = self.animate(relation.axvspan(
            0, 1, ymax=0.05, color=prod_color, alpha=0.5, linewidth=0,
            label="middle 90% of production baskets"))
        self.training_curve = relation.plot(grid, np.zeros_like(grid), color=train_color,
                                            linestyle=LINESTYLES["train"], linewidth=1.8,
                                            label="true, training")[0]
        self.model_curve = relation.plot(grid, np.zeros_like(grid), color=COLORS["marker"],
                                         linestyle=":", linewidth=1.8, label="model")[0]
        self.production_curve = self.animate(relation.plot(
            grid, np.zeros_like(grid), color=prod_color, linestyle=LINESTYLES["validation"],
            linewidth=1.8, label="true, production")[0])
        self.relation_title = self.animate(dynamic_title(relation, _TITLE_Y))
        relation.set_xlim(grid[0], grid[-1])
        relation.set_ylim(0, 1.03)
        relation.legend(loc="upper left", fontsize=LEGEND_SIZE, frameon=False)

    def draw(self, result):
        self.training_hist.set_data(result.training_hist)
        self.training_curve.set_ydata(result.training_relation)
        self.model_curve.set_ydata(result.model_curve)
        self.production_hist.set_data(result.production_hist)
        self.production_mean.set_xdata([result.production_mean] * 2)
        low, high = result.production_middle
        self.production_band.set_x(low)
        self.production_band.set_width(high - low)
        self.production_curve.set_ydata(result.production_relation)
        alarm = "alarm" if result.input_alarm else "no alarm"
        self.inputs_title.set_text(f"No labels needed: KS {result.ks_statistic:.2f}, "
                                   f"{drift_model.p_text(result.ks_pvalue)} ({alarm})")
        self.relation_title.set_text(f"Labels needed: accuracy "
                                     f"{result.production_accuracy:.2f} "
                                     f"(training {result.training_accuracy:.2f})")

    def background_key(self, result):
        return result.seed


# Short names of the budget lines an option breaks, for the chart's labels.
_FAILED_LINE_WORDS = {"latency": "latency", "data": "data", "explanation": "explanation",
                      "recall": "recall"}


class ArchitectureExplorer(Explorer):
    """Ledgerly's merchant-risk score: four architectures held to a latency and data budget."""

    def __init__(self, **initial):
        start = compute_defaults(budget_model.compute)
        controls = {
            "p99_budget_ms": log_slider(
                "Latency budget, p99 (ms)", "The slowest the score may be for 99 of every "
                "100 checkout calls, in milliseconds (log scale).",
                low=10, high=2000, value=start["p99_budget_ms"], readout_format=".0f"),
            "labelled_rows": log_slider(
                "Labelled rows available", "Labelled examples the team has to train on "
                "(log scale).",
                low=1_000, high=1_000_000, value=start["labelled_rows"],
                readout_format=",.0f"),
            "needs_explanation": widgets.Checkbox(
                value=bool(start["needs_explanation"]), description="Declines must be explained",
                tooltip="Whether a merchant must be told, in terms of the inputs, why a "
                        "checkout was declined.",
                style={"description_width": "14em"}, layout=widgets.Layout(width="32em")),
            "recall_target": float_slider(
                "Recall needed", "Share of risky merchants the score must catch.",
                min=0.3, max=0.9, step=0.01, value=start["recall_target"],
                readout_format=".2f"),
        }
        super().__init__(
            budget_model, controls, primary="p99_budget_ms",
            chart_description=(
                "Left: each architecture's p99 latency as a horizontal bar on a log scale, "
                "with the latency budget as a vertical line; options that fit every budget "
                "line are green, hatched and marked 'fits', the others grey and marked with "
                "the budget lines they break. Right: labelled rows each option needs, with "
                "the rows available as a vertical line."),
            **initial)

    def setup(self, figure):
        latency, data = figure.subplots(1, 2, sharey=True,
                                        gridspec_kw={"width_ratios": [1.3, 1]})
        figure.subplots_adjust(left=0.17, right=0.985, bottom=0.16, top=0.9, wspace=0.08)
        options = list(budget_model.OPTIONS.index)
        n = len(options)
        # Row i: its status line at y = i - 0.2, its bar below it, centred at y = i + 0.17.
        y = np.arange(n) + 0.17
        style_axes(latency, "", "p99 latency (ms, log scale)", "", axis_below=False)
        latency.grid(False, axis="y")
        latency.set_xscale("log")
        self.latency_bars = [self.animate(bar) for bar in latency.barh(
            y, np.ones(n), left=1, height=0.45, edgecolor=COLORS["marker"], linewidth=0.6)]
        # The budget line is drawn before the status lines, whose light boxes keep them
        # legible wherever the line crosses them. They start at the axes' left edge, so a
        # long one never runs into a bar's label or off the panel.
        self.budget_line = self.animate(latency.axvline(80, color=COLORS["cost"],
                                                        linestyle="--", linewidth=1.4))
        self.latency_labels = [self.animate(latency.text(
            0.01, i - 0.2, "", va="center", ha="left", fontsize=LABEL_SIZE - 1,
            transform=latency.get_yaxis_transform(),
            bbox=_STATUS_BOX))
            for i in range(n)]
        self.latency_title = self.animate(dynamic_title(latency, _TITLE_Y))
        latency.set_yticks(y, options)
        latency.set_ylim(n - 0.3, -0.55)
        latency.set_xlim(1, 5_000)
        latency.xaxis.set_major_formatter(FuncFormatter(count_tick))
        latency.xaxis.set_minor_locator(NullLocator())   # a hundred minor ticks cost 100 ms

        style_axes(data, "", "labelled rows (log scale)", "", axis_below=False)
        data.grid(False, axis="y")
        data.set_xscale("log")
        data.tick_params(axis="y", left=False)
        # This panel changes only with the rows available and with what fits, so it lives in
        # the background (see background_key); only the latency panel moves with the budget.
        self.data_bars = data.barh(y, np.zeros(n), left=100, height=0.45,
                                   edgecolor=COLORS["marker"], linewidth=0.6)
        self.available_line = data.axvline(40_000, color=COLORS["cost"], linestyle="--",
                                           linewidth=1.4)
        self.data_labels = [data.text(100, yy, "", va="center", fontsize=LABEL_SIZE - 1,
                                      bbox=_STATUS_BOX)
                            for yy in y]
        self.data_title = dynamic_title(data, _TITLE_Y)
        data.set_xlim(100, 5e6)
        data.xaxis.set_major_formatter(FuncFormatter(_short_count))
        data.xaxis.set_minor_locator(NullLocator())

    def _paint(self, bar, fits):
        bar.set_facecolor(COLORS["f1"] if fits else COLORS["reference"])
        bar.set_alpha(1.0 if fits else 0.55)
        bar.set_hatch("///" if fits else "")

    def draw(self, result):
        budget = result.p99_budget_ms
        for i, name in enumerate(result.options):
            fits = bool(result.fits[i])
            p99 = float(result.p99_ms[i])
            bar, label = self.latency_bars[i], self.latency_labels[i]
            bar.set_width(p99 - 1)
            self._paint(bar, fits)
            if fits:
                text = f"\u2713 fits: {money(result.cost_per_day[i])} a day"
            else:
                text = "\u2717 fails " + ", ".join(_FAILED_LINE_WORDS[line]
                                                   for line in result.failed_lines[name])
            share = float(result.share_over_budget[i])
            if share >= 0.005:
                text += f"; {100 * share:.0f}% of calls over budget"
            label.set_text(text)
            label.set_fontweight("bold" if fits else "normal")

            needed = float(result.labelled_rows_needed[i])
            data_bar, data_label = self.data_bars[i], self.data_labels[i]
            data_bar.set_width(max(needed - 100, 0))
            self._paint(data_bar, fits)
            data_label.set_position((max(needed, 100) * 1.2, data_bar.get_y() + 0.225))
            data_label.set_text(count(needed) if needed else "none needed")
        self.budget_line.set_xdata([budget, budget])
        self.available_line.set_xdata([result.labelled_rows] * 2)
        self.latency_title.set_text(f"p99 latency; budget {budget:,.0f} ms (dashed line)")
        self.data_title.set_text(f"Rows needed; {count(result.labelled_rows)} available "
                                 "(line)")

    def background_key(self, result):
        return result.labelled_rows, tuple(result.fits)     # the rows panel


def _short_count(n: float, _position=None) -> str:
    """Axis-tick counts: 100, 10k, 1M."""
    if n >= 1e6:
        return f"{n / 1e6:g}M"
    if n >= 1e3:
        return f"{n / 1e3:g}k"
    return f"{n:g}"


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


def segments_explorer(**initial) -> SegmentsExplorer:
    """Parsely's field error rate per invoice source against its 5% promise. Settings:
    ``fax_share`` (0-0.5, share of invoices) and ``fax_error_rate`` (0-0.4)."""
    return SegmentsExplorer(**initial)


def drift_explorer(**initial) -> DriftExplorer:
    """Data drift against concept drift for Pantry Dash's repeat-order model. Settings:
    ``input_shift`` (0-3 sd) and ``concept_shift`` (0-2 sd)."""
    return DriftExplorer(**initial)


def architecture_explorer(**initial) -> ArchitectureExplorer:
    """Ledgerly's architecture options against a budget. Settings: ``p99_budget_ms``
    (10-2,000 ms), ``labelled_rows`` (1,000-1,000,000), ``needs_explanation`` (True/False),
    ``recall_target`` (0.3-0.9)."""
    return ArchitectureExplorer(**initial)


# The calibration explorer lives in its own module, with its lesson (Notebook 5).
from course.m1.calibration_explorer import calibration_explorer  # noqa: E402

EXPLORERS = {
    "threshold": threshold_explorer,
    "imbalance": imbalance_explorer,
    "capacity": capacity_explorer,
    "segments": segments_explorer,
    "drift": drift_explorer,
    "architecture": architecture_explorer,
    "calibration": calibration_explorer,
}
