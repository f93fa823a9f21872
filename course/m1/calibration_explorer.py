"""The calibration explorer: a view over ``course.m1.calibration`` (Ledgerly Later's vendor
fraud score).

Its controls are named after ``calibration.compute``'s keywords. Show it by ending a notebook
cell with it::

    from course.m1 import calibration_explorer as explorers
    explorers.calibration_explorer(base_rate_multiplier=2.0)
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from course.m1 import calibration as calibration_model
from course.style import COLORS, OKABE_ITO
from course.widgets import (
    LEGEND_SIZE,
    Explorer,
    compute_defaults,
    dynamic_title,
    float_slider,
    int_slider,
    short_money,
    style_axes,
    toggle_buttons,
)

_VENDOR = {"color": COLORS["cost"], "linestyle": "-.", "marker": "s"}
_CALIBRATED = {"color": COLORS["train"], "linestyle": "-", "marker": "o"}
_ADJUSTED = {"color": OKABE_ITO["green"], "linestyle": ":", "marker": "D"}
#: Where each panel's legend goes: under its axis label (axes fractions).
_BELOW = (-0.01, -0.2)
#: The heights ($ per 1,000 applications) the cost axis may take.
COST_AXIS_HEIGHTS = (10_000, 20_000, 40_000, 80_000, 160_000, 320_000)
_THRESHOLD_TICKS = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.6]


def _plain(value, _position=None) -> str:
    """Threshold ticks as plain decimals (0.03, not 3e-2)."""
    return f"{value:g}"


class CalibrationExplorer(Explorer):
    """Ledgerly Later: the vendor's score against observed fraud, before and after
    calibration, and the decline threshold that follows from the costs and the base rate."""

    def __init__(self, **initial):
        start = compute_defaults(calibration_model.compute)
        methods = calibration_model.METHODS
        controls = {
            "bins": int_slider(
                "Score bins", "How many equal-width bins the reliability diagram groups "
                "scores into (more bins: finer, but fewer applications in each).",
                min=5, max=20, step=1, value=10),
            "method": toggle_buttons(
                "Calibrator", "How the vendor's score is mapped to a probability, fit on the "
                "calibration split only.", list(methods), start["method"],
                tooltips=["isotonic: a step function, flexible, needs plenty of labels",
                          "sigmoid: a smooth S-curve on the score's log-odds (Platt)"]),
            "base_rate_multiplier": float_slider(
                "Base rate (x pilot's 5%)", "Today's share of fraud as a multiple of the "
                "pilot's 5%, with fraud looking as it did (2 = 10% fraud).",
                min=0.5, max=4, step=0.25, value=start["base_rate_multiplier"],
                readout_format=".2f"),
            "cost_fp": float_slider(
                "Cost per good declined ($)", "Dollars lost each time a good customer's "
                "application is declined.",
                min=5, max=200, step=5, value=start["cost_fp"], readout_format=".0f"),
            "cost_fn": float_slider(
                "Cost per fraud approved ($)", "Dollars lost each time a fraudulent "
                "application is approved.",
                min=50, max=2000, step=25, value=start["cost_fn"], readout_format=".0f"),
        }
        super().__init__(
            calibration_model, controls, primary="base_rate_multiplier", figsize=(9.0, 3.8),
            chart_description=(
                "Left: a reliability diagram on the evaluation split. Each point is one score "
                "bin: across, what the score claims (its mean in the bin); up, the share of "
                "those applications that were fraud. The grey dashed diagonal is a score "
                "that means what it says. Red-orange squares on a dash-dot line: the vendor's "
                "score. Blue circles on a solid line: the calibrated score. Green diamonds on "
                "a dotted line: the calibrated score moved to today's base rate. Right: "
                "expected cost per 1,000 applications (red-orange line) against the threshold "
                "on the calibrated score (log scale); the grey dotted line is the cost rule "
                "applied as if the base rate had not moved, the black solid line the rule "
                "after the base-rate adjustment, and the purple dot the cheapest threshold "
                "found by trying every one."),
            **initial)

    def setup(self, figure):
        diagram, cost = figure.subplots(1, 2)
        # The legends sit under the axes: inside, some setting always puts a curve's markers
        # on them (an under-confident curve runs through the upper left, the vendor's
        # over-confident one through the lower right, the cheapest point anywhere low).
        figure.subplots_adjust(left=0.065, right=0.985, bottom=0.27, top=0.9, wspace=0.24)

        style_axes(diagram, None, "what the score claims (mean score in the bin)",
                   "share that was fraud", axis_below=False)
        diagram.plot([0, 1], [0, 1], color=COLORS["reference"], linestyle="--",
                     linewidth=1.2, label="claims = reality")
        self.lines = {
            name: self.animate(diagram.plot([], [], markersize=4, linewidth=1.5,
                                            label=label, **style)[0])
            for name, label, style in (
                ("vendor", "vendor score", _VENDOR),
                ("calibrated", "calibrated", _CALIBRATED),
                ("adjusted", "calibrated, moved to today's rate", _ADJUSTED))
        }
        diagram.set_xlim(0, 1)
        diagram.set_ylim(0, 1)
        diagram.legend(loc="upper left", bbox_to_anchor=_BELOW, ncols=2,
                       fontsize=LEGEND_SIZE - 1, frameon=False)
        self.diagram_title = self.animate(dynamic_title(diagram))

        style_axes(cost, None, "decline when the calibrated score is at least (log scale)",
                   "$ per 1,000 applications", axis_below=False)
        grid = calibration_model.THRESHOLDS
        self.cost_line = self.animate(cost.plot(grid, np.zeros_like(grid), color=COLORS["cost"],
                                                linestyle="-",
                                                linewidth=1.8, label="expected cost")[0])
        self.rule_line = self.animate(cost.axvline(
            0.07, color=COLORS["reference"], linestyle=":", linewidth=1.6,
            label="cost rule, base rate ignored"))
        self.score_line = self.animate(cost.axvline(
            0.07, color=COLORS["marker"], linestyle="-", linewidth=1.2,
            label="cost rule, base rate adjusted"))
        self.cheapest = self.animate(cost.plot([], [], "o", color=COLORS["highlight"],
                                               markersize=6, label="cheapest found")[0])
        cost.set_xscale("log")
        cost.set_xlim(grid[0], grid[-1])
        cost.xaxis.set_major_locator(FixedLocator(_THRESHOLD_TICKS))
        cost.xaxis.set_minor_locator(NullLocator())
        cost.xaxis.set_major_formatter(FuncFormatter(_plain))
        cost.yaxis.set_major_formatter(FuncFormatter(short_money))
        cost.legend(loc="upper left", bbox_to_anchor=_BELOW, ncols=2,
                    fontsize=LEGEND_SIZE - 1, frameon=False)
        self.cost_axes = cost
        self.cost_title = self.animate(dynamic_title(cost))

    def draw(self, result):
        for name in ("vendor", "calibrated", "adjusted"):
            series = getattr(result, name)
            self.lines[name].set_data(series.mean_score, series.fraud_rate)
        self.diagram_title.set_text(
            f"Claimed vs observed fraud at {100 * result.base_rate:.1f}% fraud")
        self.cost_line.set_ydata(result.cost_curve)
        self.rule_line.set_xdata([result.rule_threshold] * 2)
        self.score_line.set_xdata([result.score_threshold] * 2)
        self.cheapest.set_data([result.cheapest_threshold], [result.cheapest_cost])
        self.cost_title.set_text(f"Decline at ≥ {result.score_threshold:.2f}: "
                                 f"{short_money(result.cost_at_score_threshold)} per 1,000")
        # A few doubling heights keep the axis (and so the cached background) still while
        # the costs move: a rescale redraws the whole figure.
        top = float(np.max(result.cost_curve)) * 1.05
        self.cost_axes.set_ylim(0, next((h for h in COST_AXIS_HEIGHTS if top <= h),
                                        float(np.ceil(top / 100_000) * 100_000)))


def calibration_explorer(**initial) -> CalibrationExplorer:
    """Ledgerly Later's vendor score, calibrated, and its decline threshold. Settings:
    ``bins`` (5-20), ``method`` ("isotonic" or "sigmoid"), ``base_rate_multiplier`` (0.5-4,
    times the pilot's 5%), ``cost_fp`` ($5-200) and ``cost_fn`` ($50-2,000)."""
    return CalibrationExplorer(**initial)


EXPLORERS = {"calibration": calibration_explorer}
