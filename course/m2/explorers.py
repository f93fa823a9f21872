"""Module 2's explorers: leakage through a groupby, label consistency, sampling designs.

Each explorer is a view over one pure model (``course.m2.leakage``, ``.labels``,
``.sampling``); its controls are named after that model's ``compute`` keywords. Show one by
ending a notebook cell with it::

    from course.m2.explorers import leakage_explorer
    leakage_explorer(horizon_days=0)

Keyword arguments set the starting value of a control (any of the names in ``controls``).
"""

from __future__ import annotations

import math

import matplotlib.dates as mdates
import numpy as np
from matplotlib.ticker import PercentFormatter

from course.m2 import labels as labels_model
from course.m2 import leakage as leakage_model
from course.m2 import sampling as sampling_model
from course.style import COLORS, LINESTYLES, OKABE_ITO
from course.widgets import (
    LABEL_BOX,
    LABEL_SIZE,
    LEGEND_SIZE,
    Explorer,
    compute_defaults,
    dynamic_title,
    float_slider,
    int_slider,
    selection_slider,
    style_axes,
    toggle_buttons,
)

# --- leakage ---------------------------------------------------------------------------------


def _horizon_tick(horizon: float) -> str:
    return "whole\ntable" if math.isinf(horizon) else f"{horizon:g}"


class LeakageExplorer(Explorer):
    """Ledgerly: offline against production ROC-AUC as the fraud-rate feature leaks further."""

    def __init__(self, **initial):
        options = [(leakage_model.horizon_label(h), h) for h in leakage_model.HORIZONS]
        controls = {
            "horizon_days": selection_slider(
                "Leak horizon",
                "How far past each payment the customer-fraud-rate feature may look "
                "(point in time = only earlier payments; whole table = the plain groupby).",
                options, math.inf),
        }
        super().__init__(
            leakage_model, controls, primary="horizon_days",
            chart_description=(
                "Left: ROC-AUC of the fraud model against the leak horizon, on the offline "
                "holdout (computed with the leaky feature) and in production (point-in-time "
                "feature), with the honest model's production score as a dashed line; the "
                "current horizon is circled. Right: one customer's 2024 payments; the fraud-"
                "rate feature each payment gets at this horizon (crosses: fraud payments) "
                "against the point-in-time value production can compute (grey steps)."),
            **initial)

    def setup(self, figure):
        scores, timeline = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.15]})
        figure.subplots_adjust(left=0.065, right=0.965, bottom=0.2, top=0.9, wspace=0.2)
        positions = np.arange(len(leakage_model.HORIZONS))
        self._position = dict(zip(leakage_model.HORIZONS, positions, strict=True))
        style_axes(scores, "ROC-AUC: offline holdout vs production",
                    "leak horizon (days the feature looks past each payment)", "ROC-AUC")
        self.offline_line = scores.plot(positions, np.zeros(positions.size),
                                        color=COLORS["train"], linestyle=LINESTYLES["train"],
                                        marker="o", markersize=4, linewidth=1.8,
                                        label="offline holdout (leaky feature)")[0]
        self.production_line = scores.plot(positions, np.zeros(positions.size),
                                           color=COLORS["holdout"],
                                           linestyle=LINESTYLES["holdout"], marker="^",
                                           markersize=4, linewidth=1.8,
                                           label="production (point in time)")[0]
        self.honest_line = scores.axhline(0.5, color=COLORS["reference"], linestyle="--",
                                          linewidth=1.2, label="honest model in production")
        self.marker = self.animate(scores.axvline(0, color=COLORS["marker"], linewidth=1))
        self.points = self.animate(scores.plot([], [], "o", markersize=9,
                                               markerfacecolor="none",
                                               markeredgecolor=COLORS["marker"])[0])
        scores.set_xticks(positions, [_horizon_tick(h) for h in leakage_model.HORIZONS])
        scores.set_xlim(-0.4, positions[-1] + 0.4)
        scores.set_ylim(0.6, 1.0)
        scores.legend(loc="lower left", fontsize=LEGEND_SIZE, frameon=False)

        style_axes(timeline, "", "", "customer fraud-rate feature")
        timeline.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        self.pit_line = timeline.plot([], [], color=COLORS["reference"], linewidth=1.6,
                                      drawstyle="steps-post",
                                      label="point in time (what production knows)")[0]
        self.leaky_line = self.animate(timeline.plot([], [], color=COLORS["train"],
                                                     linewidth=0.8, alpha=0.6)[0])
        self.legit_points = self.animate(timeline.plot(
            [], [], "o", color=COLORS["train"], markerfacecolor="white", markersize=6,
            label="feature at this horizon: good payment")[0])
        self.fraud_points = self.animate(timeline.plot(
            [], [], "X", color=COLORS["cost"], markersize=9,
            label="feature at this horizon: fraud payment")[0])
        self.timeline_title = self.animate(dynamic_title(timeline, 1.025))
        locator = mdates.MonthLocator(bymonth=(1, 3, 5, 7, 9, 11))
        timeline.xaxis.set_major_locator(locator)
        timeline.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        timeline.legend(loc="upper right", fontsize=LEGEND_SIZE, frameon=False)
        self.scores_axes, self.timeline_axes = scores, timeline
        self._static = None

    def draw(self, result):
        if self._static != id(result.offline_curve):   # the curves change only with the seed
            self.offline_line.set_ydata(result.offline_curve)
            self.production_line.set_ydata(result.production_curve)
            self.honest_line.set_ydata([result.honest_production_score] * 2)
            self._times = mdates.date2num(result.example_times)
            # No value before the first payment (no history): the step line starts later.
            self.pit_line.set_data(self._times, result.example_point_in_time)
            self.timeline_axes.set_xlim(mdates.date2num(np.datetime64("2024-01-01")),
                                        mdates.date2num(np.datetime64("2025-01-01")))
            # Headroom: the legend sits above the highest value any horizon gives.
            self.timeline_axes.set_ylim(-0.02, max(0.1, result.example_top) * 1.75)
            self._static = id(result.offline_curve)
        position = self._position.get(result.horizon_days)
        if position is None:   # a horizon between grid points: place it by interpolation
            finite = np.array(leakage_model.HORIZONS[:-1])
            position = float(np.interp(result.horizon_days, finite, np.arange(finite.size)))
        self.marker.set_xdata([position, position])
        self.points.set_data([position, position],
                             [result.offline_score, result.production_score])
        feature = np.nan_to_num(result.example_feature, nan=0.0)
        fraud = result.example_is_fraud
        self.leaky_line.set_data(self._times, feature)
        self.legit_points.set_data(self._times[~fraud], feature[~fraud])
        self.fraud_points.set_data(self._times[fraud], feature[fraud])
        if math.isinf(result.horizon_days):
            how = "over the whole table"
        elif result.horizon_days == 0:
            how = "at point in time"
        else:
            how = f"with a {result.horizon_days:g}-day leak"
        self.timeline_title.set_text(
            f"Customer {result.example_customer_id}, 2024: feature {how}")

    def background_key(self, result):
        return id(result.offline_curve)


# --- labels ----------------------------------------------------------------------------------


class LabelsExplorer(Explorer):
    """Murmur: vendor against audit labels per region as the south's guideline diverges."""

    def __init__(self, **initial):
        controls = {
            "divergence": float_slider(
                "South rules differ (0-1)",
                "How far the south vendor's labelling guideline is from the reference: "
                "0 = the same, 1 = very different (sarcasm called toxic, mild insults passed).",
                min=0, max=1, step=0.1,
                value=compute_defaults(labels_model.murmur_audit)["divergence"],
                readout_format=".1f"),
        }
        super().__init__(
            labels_model, controls, primary="divergence",
            chart_description=(
                "Left: for each region, Cohen's kappa (hatched blue) and raw agreement "
                "(orange) between the vendor's and the audit's labels. Right: share of "
                "comments labelled toxic by the vendor (hatched red-orange), by the audit (grey) and by a "
                "model trained on the pooled vendor labels (dotted white)."),
            **initial)

    def setup(self, figure):
        agreement, rates = figure.subplots(1, 2)
        figure.subplots_adjust(left=0.065, right=0.985, bottom=0.12, top=0.88, wspace=0.2)
        regions = labels_model.REGIONS
        x = np.arange(len(regions))
        width = 0.38
        style_axes(agreement, "Agreement with the audit, per region", "",
                    "kappa, or share labelled alike")
        self.kappa_bars = agreement.bar(x - width / 2, np.zeros(x.size), width,
                                        color=OKABE_ITO["blue"], hatch="//", edgecolor="white",
                                        label="Cohen's kappa")
        self.agree_bars = agreement.bar(x + width / 2, np.zeros(x.size), width,
                                        color=OKABE_ITO["orange"], label="raw agreement")
        agreement.set_xticks(x, regions)
        agreement.set_ylim(0, 1.22)
        agreement.set_yticks(np.linspace(0, 1, 6))
        agreement.legend(loc="upper left", fontsize=LEGEND_SIZE, frameon=False, ncols=2)
        self.agreement_labels = [agreement.text(0, 0, "", ha="center", va="bottom",
                                                fontsize=LABEL_SIZE - 1)
                                 for _ in range(2 * x.size)]

        style_axes(rates, "Share of comments labelled toxic", "", "share of comments")
        rates.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        third = 0.27
        self.vendor_bars = rates.bar(x - third, np.zeros(x.size), third,
                                     color=OKABE_ITO["vermillion"], hatch="xx",
                                     edgecolor="white", label="vendor")
        self.audit_bars = rates.bar(x, np.zeros(x.size), third,
                                    color=OKABE_ITO["grey"], label="audit (reference)")
        self.model_bars = rates.bar(x + third, np.zeros(x.size), third, color="white",
                                    edgecolor=COLORS["marker"], hatch="..", linewidth=1,
                                    label="model trained on pooled vendor labels")
        rates.set_xticks(x, regions)
        rates.set_ylim(0, 0.3)
        rates.legend(loc="upper left", fontsize=LEGEND_SIZE, frameon=False)
        self.rate_labels = [rates.text(0, 0, "", ha="center", va="bottom",
                                       fontsize=LABEL_SIZE - 1) for _ in range(3 * x.size)]
        for artist in [*self.kappa_bars, *self.agree_bars, *self.vendor_bars, *self.audit_bars,
                       *self.model_bars, *self.agreement_labels, *self.rate_labels]:
            self.animate(artist)

    @staticmethod
    def _set_bars(bars, labels, heights, fmt):
        for bar, label, height in zip(bars, labels, heights, strict=True):
            bar.set_height(height)
            label.set_position((bar.get_x() + bar.get_width() / 2, height + 0.005))
            label.set_text(fmt(height))

    def draw(self, result):
        regions = result.regions
        n = len(regions)
        self._set_bars(self.kappa_bars, self.agreement_labels[:n],
                       [result.kappa[r] for r in regions], lambda v: f"{v:.2f}")
        self._set_bars(self.agree_bars, self.agreement_labels[n:],
                       [result.agreement[r] for r in regions], lambda v: f"{100 * v:.0f}%")
        self._set_bars(self.vendor_bars, self.rate_labels[:n],
                       [result.vendor_rate[r] for r in regions], lambda v: f"{100 * v:.0f}%")
        self._set_bars(self.audit_bars, self.rate_labels[n:2 * n],
                       [result.audit_rate[r] for r in regions], lambda v: f"{100 * v:.0f}%")
        self._set_bars(self.model_bars, self.rate_labels[2 * n:],
                       [result.model_flag_rate[r] for r in regions],
                       lambda v: f"{100 * v:.0f}%")


# --- sampling --------------------------------------------------------------------------------

_PLATFORM_STYLE = {  # colour, and a hatch on the middle one so the mix reads in greyscale
    "desktop": (OKABE_ITO["sky_blue"], ""),
    "ios": (OKABE_ITO["orange"], "//"),
    "android": (OKABE_ITO["green"], ""),
}


class SamplingExplorer(Explorer):
    """Wayfarer: what each sampling design says about the model's error rate."""

    def __init__(self, **initial):
        start = compute_defaults(sampling_model.compute)
        controls = {
            "budget": int_slider(
                "Users checked (budget)",
                "How many users Wayfarer can check by hand before launch.",
                min=100, max=2000, step=100, value=400),
            "design": toggle_buttons(
                "Highlight", "Which design's single sample to ring on the chart and read first.",
                list(sampling_model.DESIGNS), start["design"],
                tooltips=["desktop users in the US only", "simple random sample of all users",
                          "random within each platform, in production's proportions"]),
        }
        super().__init__(
            sampling_model, controls, primary="budget",
            chart_description=(
                "Left: each design's error-rate estimate from one sample (dot) and the range "
                "of 90% of its repeated samples (bar), against the production error rate "
                "(dashed line); the highlighted design is ringed. Right: the share of users "
                "per platform in each design's sample and in production."),
            **initial)

    def setup(self, figure):
        estimates, mix = figure.subplots(1, 2)
        figure.subplots_adjust(left=0.075, right=0.965, bottom=0.16, top=0.9, wspace=0.35)
        designs = sampling_model.DESIGNS
        x = np.arange(len(designs))
        style_axes(estimates, "Estimated error rate: one sample and 90% range",
                    "sampling design", "model error rate")
        estimates.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        self.production_line = estimates.axhline(0, color=COLORS["marker"], linestyle="--",
                                                 linewidth=1.2, label="production error")
        self.ranges = [self.animate(estimates.plot([i, i], [0, 0], color=COLORS["train"],
                                                   linewidth=3, marker="_", markersize=14,
                                                   solid_capstyle="butt")[0]) for i in x]
        self.estimate_points = self.animate(estimates.plot(
            x, np.zeros(x.size), "o", color=COLORS["cost"], markersize=7, linestyle="none",
            label="one sample's estimate")[0])
        self.highlight = self.animate(estimates.plot([], [], "o", markersize=16,
                                                     markerfacecolor="none", markeredgewidth=2,
                                                     markeredgecolor=COLORS["highlight"],
                                                     label="highlighted design")[0])
        self.range_labels = [self.animate(estimates.text(
            i + 0.12, 0, "", fontsize=LABEL_SIZE - 1, va="center",
            bbox=LABEL_BOX))
            for i in x]
        estimates.set_xticks(x, designs)
        estimates.set_xlim(-0.5, x[-1] + 0.7)
        # One scale for every budget (cheap: the population is shared and each budget's
        # repeats are a few hypergeometric draws), with headroom for the legend.
        budget = self.controls["budget"]
        highest = max(max(*r.spread_high.values(), *r.estimate.values(), r.production_error)
                      for r in (sampling_model.compute(b) for b in
                                range(budget.min, budget.max + 1, budget.step)))
        estimates.set_ylim(0, highest * 1.45)
        estimates.legend(loc="upper left", fontsize=LEGEND_SIZE, frameon=False)

        style_axes(mix, "Who is in the sample: share of users per platform", "share of users",
                    "")
        mix.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        rows = ["production", *designs]
        y = np.arange(len(rows))[::-1]
        self.mix_bars = {}
        for platform, (color, hatch) in _PLATFORM_STYLE.items():
            bars = mix.barh(y, np.zeros(y.size), 0.6, color=color, hatch=hatch,
                            edgecolor="white", label=platform)
            self.mix_bars[platform] = [self.animate(bar) for bar in bars]
        self.mix_labels = {platform: [self.animate(mix.text(0, yy, "", ha="center",
                                                            va="center",
                                                            fontsize=LABEL_SIZE - 1))
                                      for yy in y] for platform in _PLATFORM_STYLE}
        mix.set_yticks(y, rows)
        mix.set_xlim(0, 1)
        mix.set_ylim(-0.5, len(rows) + 0.2)      # headroom for the legend
        mix.legend(loc="upper center", ncols=3, fontsize=LEGEND_SIZE, frameon=False)
        mix.grid(False, axis="y")

    def draw(self, result):
        designs = result.designs
        self.production_line.set_ydata([result.production_error] * 2)
        for i, design in enumerate(designs):
            low, high = result.spread_low[design], result.spread_high[design]
            self.ranges[i].set_ydata([low, high])
            self.range_labels[i].set_position((i + 0.14, (low + high) / 2))
            self.range_labels[i].set_text(f"{100 * low:.0f}-{100 * high:.0f}%")
        self.estimate_points.set_ydata([result.estimate[d] for d in designs])
        chosen = designs.index(result.design)
        self.highlight.set_data([chosen], [result.estimate[result.design]])
        mixes = [result.production_mix, *(result.platform_mix[d] for d in designs)]
        left = np.zeros(len(mixes))
        for platform, bars in self.mix_bars.items():
            shares = np.array([m[platform] for m in mixes])
            for bar, start, share, label in zip(bars, left, shares, self.mix_labels[platform],
                                                strict=True):
                bar.set_x(start)
                bar.set_width(share)
                label.set_position((start + share / 2, bar.get_y() + bar.get_height() / 2))
                label.set_text(f"{100 * share:.0f}%" if share >= 0.07 else "")
            left += shares

    def background_key(self, result):
        return result.production_error


def leakage_explorer(**initial) -> LeakageExplorer:
    """Ledgerly's fraud model with a leaky customer-fraud-rate feature. Setting:
    ``horizon_days`` (one of ``course.m2.leakage.HORIZONS``; ``math.inf`` = whole table)."""
    return LeakageExplorer(**initial)


def labels_explorer(**initial) -> LabelsExplorer:
    """Murmur's vendor against audit labels per region. Setting: ``divergence`` (0-1) of the
    south vendor's guideline."""
    return LabelsExplorer(**initial)


def sampling_explorer(**initial) -> SamplingExplorer:
    """Wayfarer's pre-launch error estimate under three sampling designs. Settings:
    ``budget`` (users, 100-2000) and ``design`` (the one to highlight)."""
    return SamplingExplorer(**initial)


EXPLORERS = {
    "leakage": leakage_explorer,
    "labels": labels_explorer,
    "sampling": sampling_explorer,
}
