"""Module 4's loop explorers: humans in the loop (``course.m4.review``) and a feedback loop
(``course.m4.feedback``).

Each is a view over one pure model; its controls are named after that model's ``compute``
keywords. Show one by ending a notebook cell with it::

    from course.m4.loop_explorers import review_explorer
    review_explorer(review_capacity=600)
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FuncFormatter, PercentFormatter

from course.m4 import feedback as feedback_model
from course.m4 import review as review_model
from course.style import COLORS, OKABE_ITO, count
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
    int_slider,
    style_axes,
)

#: One colour per layer, used for fraud caught and for good customers blocked alike.
_LAYER_COLORS = {
    "rules": OKABE_ITO["blue"],
    "auto-block": OKABE_ITO["orange"],
    "review": OKABE_ITO["green"],
    "overflow (released)": OKABE_ITO["vermillion"],
    "missed": OKABE_ITO["grey"],
}
_LAYER_HATCHES = {"overflow (released)": "///", "missed": ".."}
#: Right edges the good-customers axis snaps to, so its range rarely changes.
_GOOD_AXIS_STEPS = (50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 50_000)


class ReviewExplorer(Explorer):
    """Ledgerly: rules, a model and a review queue of fixed capacity."""

    def __init__(self, **initial):
        start = compute_defaults(review_model.compute)
        controls = {
            "review_threshold": float_slider(
                "Review from score", "Payments the rules let through whose model score is at "
                "or above this (and below the auto-block score) go to human review.",
                min=0.05, max=0.99, step=0.01, value=start["review_threshold"],
                readout_format=".2f"),
            "auto_block_threshold": float_slider(
                "Auto-block from score", "Payments scoring at or above this are blocked "
                "without a human look.",
                min=0.5, max=1.0, step=0.01, value=start["auto_block_threshold"],
                readout_format=".2f"),
            "review_capacity": int_slider(
                "Reviews per day", "How many cases the review team can clear in a day; the "
                "rest wait and are released unreviewed.",
                min=0, max=2_000, step=50, value=start["review_capacity"]),
            "rules_on": checkbox(
                "Rules layer on", "Rules for obvious patterns (one card in two countries "
                "within an hour) block 30% of fraud before the model scores anything.",
                start["rules_on"]),
        }
        super().__init__(
            review_model, controls, primary="review_threshold", figsize=(10.0, 3.8),
            chart_description=(
                "Left, top: where each day's fraud ends up, as one bar split into caught by "
                "the rules (blue), blocked automatically (orange), stopped by a reviewer "
                "(green), released unreviewed from an overflowing queue (red-orange, hatched) and "
                "missed (grey, dotted: scored below the review threshold or cleared by a "
                "reviewer by mistake). Left, bottom: good customers blocked per day, split "
                "the same way by the layer that blocked them. Right: cases reaching the "
                "review queue per day (blue line, log scale) as the review threshold moves, "
                "the team's capacity (dashed black line) and fraud stopped per day (orange "
                "line, right-hand scale); the circles mark the current threshold."),
            **initial)

    def setup(self, figure):
        grid = figure.add_gridspec(2, 2, width_ratios=[1.0, 1.05], height_ratios=[1.3, 1.0],
                                   left=0.04, right=0.92, bottom=0.25, top=0.88,
                                   wspace=0.3, hspace=1.0)
        fraud_ax = figure.add_subplot(grid[0, 0])
        good_ax = figure.add_subplot(grid[1, 0])
        queue_ax = figure.add_subplot(grid[:, 1])
        self.fraud_ax, self.good_ax, self.queue_ax = fraud_ax, good_ax, queue_ax

        # Left: two stacked horizontal bars, each on its own scale.
        self.fraud_bars, self.fraud_labels = {}, {}
        for ax, names, store, labels in (
                (fraud_ax, list(_LAYER_COLORS), self.fraud_bars, self.fraud_labels),
                (good_ax, ["rules", "auto-block", "review"], {}, {})):
            style_axes(ax, None, "", "")
            ax.set_yticks([])
            ax.spines["left"].set_visible(False)
            ax.grid(False, axis="y")
            ax.xaxis.set_major_formatter(FuncFormatter(count_tick))
            for name in names:
                store[name] = self.animate(ax.barh(
                    0, 0, height=0.6, color=_LAYER_COLORS[name], edgecolor="white",
                    hatch=_LAYER_HATCHES.get(name), linewidth=0.6, label=name)[0])
                labels[name] = self.animate(ax.text(
                    0, 0, "", ha="center", va="center", fontsize=LABEL_SIZE - 1,
                    bbox=LABEL_BOX))
            ax.set_ylim(-0.5, 0.5)
            if ax is good_ax:
                self.good_bars, self.good_labels = store, labels
        fraud_ax.set_xlabel("fraud cases per day", fontsize=LABEL_SIZE)
        good_ax.set_xlabel("good customers blocked per day", fontsize=LABEL_SIZE)
        figure.legend(list(self.fraud_bars.values()), list(self.fraud_bars), loc="lower left",
                      bbox_to_anchor=(0.0, 0.0), ncols=5, fontsize=LEGEND_SIZE,
                      frameon=False, handlelength=1.4, columnspacing=1.0)
        self.fraud_title = self.animate(dynamic_title(fraud_ax, 1.12))
        self.good_title = self.animate(dynamic_title(good_ax, 1.12))

        # Right: the queue against capacity, as a function of the review threshold.
        style_axes(queue_ax, None, "review threshold (model score)",
                   "cases reaching review / day")
        queue_ax.set_yscale("log")
        queue_ax.yaxis.set_major_formatter(FuncFormatter(count_tick))
        thresholds = review_model.THRESHOLDS
        (self.arrivals_line,) = queue_ax.plot(thresholds, np.ones(thresholds.size),
                                              color=COLORS["train"], linewidth=1.8,
                                              label="reach the queue")
        self.capacity_line = queue_ax.axhline(1, color=COLORS["marker"], linestyle="--",
                                              linewidth=1.2, label="review capacity")
        self.overflow_fill = None
        (self.arrivals_dot,) = queue_ax.plot([], [], "o", color=COLORS["train"], markersize=7,
                                             markeredgecolor="white")
        self.animate(self.arrivals_dot)
        caught_ax = queue_ax.twinx()
        self.caught_ax = caught_ax
        caught_ax.tick_params(labelsize=LABEL_SIZE - 1, colors=COLORS["recall"])
        caught_ax.set_ylabel("fraud stopped / day", fontsize=LABEL_SIZE,
                             color=COLORS["recall"])
        caught_ax.spines["top"].set_visible(False)
        (self.caught_line,) = caught_ax.plot(thresholds, np.zeros(thresholds.size),
                                             color=COLORS["recall"], linestyle="-.",
                                             linewidth=1.6, label="fraud stopped")
        (self.caught_dot,) = caught_ax.plot([], [], "o", color=COLORS["recall"], markersize=7,
                                            markeredgecolor="white")
        self.animate(self.caught_dot)
        fraud_per_day = review_model.compute().fraud_per_day
        caught_ax.set_ylim(0, fraud_per_day)
        queue_ax.set_xlim(0.05, 1.0)
        queue_ax.set_ylim(10, 30_000)
        handles = [self.arrivals_line, self.capacity_line, self.caught_line]
        queue_ax.legend(handles, [h.get_label() for h in handles], loc="upper right",
                        fontsize=LEGEND_SIZE, frameon=False)
        self.queue_title = self.animate(dynamic_title(queue_ax))

    def _fill(self, bars, labels, values, ax_right):
        left = 0.0
        for name, bar in bars.items():
            width = values[name]
            bar.set_x(left)
            bar.set_width(width)
            label = labels[name]
            if width >= 0.09 * ax_right:
                label.set_position((left + width / 2, 0))
                label.set_text(count(width))
            else:
                label.set_text("")
            left += width

    def draw(self, result):
        r = result
        self.fraud_ax.set_xlim(0, r.fraud_per_day)
        good_total = r.good_blocked_per_day
        good_right = next((s for s in _GOOD_AXIS_STEPS if s >= good_total), good_total)
        self.good_ax.set_xlim(0, good_right)
        self._fill(self.fraud_bars, self.fraud_labels, r.fraud_outcomes, r.fraud_per_day)
        self._fill(self.good_bars, self.good_labels, r.good_blocked, good_right)
        self.fraud_title.set_text(
            f"Fraud: {count(r.fraud_caught_per_day)} of {count(r.fraud_per_day)} stopped "
            f"({r.share_of_fraud_caught:.0%})")
        self.good_title.set_text(f"Good customers blocked: {count(good_total)} a day")

        self.arrivals_line.set_ydata(np.maximum(r.arrivals_curve, 1e-3))
        self.capacity_line.set_ydata([max(r.review_capacity, 1e-3)] * 2)
        self.caught_line.set_ydata(r.fraud_caught_curve)
        self.arrivals_dot.set_data([r.review_threshold],
                                   [max(r.queue_arrivals_per_day, 1e-3)])
        self.caught_dot.set_data([r.review_threshold], [r.fraud_caught_per_day])
        if r.overflow_per_day >= 0.5:
            words = (f"Queue: {count(r.queue_arrivals_per_day)} arrive, "
                     f"{count(r.overflow_per_day)} overflow")
        else:
            words = f"Queue: {count(r.queue_arrivals_per_day)} arrive, all reviewed"
        self.queue_title.set_text(words)

    def background_key(self, result):
        # The curves and the capacity line move only with these controls, not the primary.
        return (result.auto_block_threshold, result.review_capacity, result.rules_on)


class FeedbackExplorer(Explorer):
    """Wayfarer: a recommender retrained on its own exposures, with and without exploration."""

    def __init__(self, **initial):
        start = compute_defaults(feedback_model.compute)
        controls = {
            "exploration": float_slider(
                "Random slots (exploration)", "Share of recommendation slots given to random destinations "
                "outside the model's current top picks.",
                min=0.0, max=0.3, step=0.01, value=start["exploration"],
                readout_format=".0%"),
            "k": int_slider(
                "Slots per user", "How many destinations each user is shown per day.",
                min=5, max=20, step=1, value=start["k"]),
        }
        super().__init__(
            feedback_model, controls, primary="exploration", figsize=(10.0, 3.6),
            chart_description=(
                "Left: over 30 daily rounds, the share of destinations shown at least once "
                "(blue) and the share of all clicks that went to the 10 most-clicked "
                "destinations (orange); solid lines are the current exploration setting, "
                "dashed lines a model that never explores. Right: expected clicks per round "
                "for the current setting (solid green) and with no exploration (dashed "
                "grey), against the best possible round (dotted black), which always shows "
                "the truly best destinations."),
            **initial)

    def setup(self, figure):
        left, right = figure.subplots(1, 2)
        figure.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.86, wspace=0.28)
        self.left_ax, self.right_ax = left, right
        rounds = feedback_model.compute().rounds
        x = np.arange(1, rounds + 1)
        zeros = np.zeros(rounds)

        style_axes(left, None, "round (day)", "share")
        left.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        (self.coverage_base,) = left.plot(x, zeros, color=COLORS["train"], linestyle="--",
                                          linewidth=1.3, label="shown so far, no exploration")
        (self.top_base,) = left.plot(x, zeros, color=COLORS["recall"], linestyle="--",
                                     linewidth=1.3, label="top-10 click share, none")
        self.coverage_line = self.animate(left.plot(
            x, zeros, color=COLORS["train"], linewidth=2.0, label="shown so far")[0])
        self.top_line = self.animate(left.plot(
            x, zeros, color=COLORS["recall"], linewidth=2.0, label="top-10 click share")[0])
        left.set_xlim(1, rounds)
        left.set_ylim(0, 1.32)
        left.set_yticks(np.linspace(0, 1, 6))
        left.legend(loc="upper left", ncols=2, fontsize=LEGEND_SIZE - 1, frameon=False,
                    columnspacing=1.0)
        self.left_title = self.animate(dynamic_title(left))

        style_axes(right, None, "round (day)", "expected clicks per round")
        right.yaxis.set_major_formatter(FuncFormatter(count_tick))
        self.best_line = right.axhline(0, color=COLORS["marker"], linestyle=":",
                                       linewidth=1.4, label="best possible")
        (self.clicks_base,) = right.plot(x, zeros, color=COLORS["reference"], linestyle="--",
                                         linewidth=1.6, label="no exploration")
        self.clicks_line = self.animate(right.plot(
            x, zeros, color=COLORS["f1"], linewidth=2.0, label="this setting")[0])
        right.set_xlim(1, rounds)
        right.legend(loc="lower right", fontsize=LEGEND_SIZE, frameon=False)
        self.right_title = self.animate(dynamic_title(right))

    def draw(self, result):
        r = result
        self.coverage_base.set_ydata(r.baseline.coverage)
        self.top_base.set_ydata(r.baseline.top_share)
        self.coverage_line.set_ydata(r.run.coverage)
        self.top_line.set_ydata(r.run.top_share)
        self.left_title.set_text(
            f"Shown: {r.final_coverage:.0%} of destinations (vs "
            f"{r.baseline_final_coverage:.0%}); top-10 share {r.final_top_share:.0%}")
        self.best_line.set_ydata([r.best_clicks] * 2)
        self.clicks_base.set_ydata(r.baseline.expected_clicks)
        self.clicks_line.set_ydata(r.run.expected_clicks)
        # The axis depends only on k (through the best round), not on exploration.
        self.right_ax.set_ylim(0, r.best_clicks * 1.08)
        self.right_title.set_text(
            f"Clicks vs none: {r.clicks_vs_exploit_first:+.0%} in round 1, "
            f"{r.clicks_vs_exploit_last:+.0%} in round {r.rounds}")

    def background_key(self, result):
        return result.k


def review_explorer(**initial) -> ReviewExplorer:
    """Ledgerly's fraud operations: rules, model thresholds and a review queue.
    Settings: ``review_threshold`` (0.05-0.99), ``auto_block_threshold`` (0.5-1),
    ``review_capacity`` (0-2,000 reviews a day) and ``rules_on`` (True/False)."""
    return ReviewExplorer(**initial)


def feedback_explorer(**initial) -> FeedbackExplorer:
    """Wayfarer's recommender retrained on its own exposures.
    Settings: ``exploration`` (0-0.3, share of slots) and ``k`` (5-20 slots per user)."""
    return FeedbackExplorer(**initial)
