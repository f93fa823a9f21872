"""The monitoring explorer: a view over ``course.m3.monitoring`` (Ledgerly's fraud model).

Its controls are named after ``monitoring.compute``'s keywords. Show it by ending a notebook
cell with it::

    from course.m3.monitoring_explorer import monitoring_explorer
    monitoring_explorer(concept=0.5, label_delay_days=45)
"""

from __future__ import annotations

import numpy as np

from course.m3 import monitoring as monitoring_model
from course.style import COLORS, OKABE_ITO
from course.widgets import (
    LABEL_BOX,
    LABEL_SIZE,
    LEGEND_SIZE,
    Explorer,
    compute_defaults,
    dynamic_title,
    float_slider,
    int_slider,
    log_slider,
    style_axes,
)

#: The statistics panel's right edge, in multiples of a threshold; longer bars are cut here.
_STAT_MAX = 4.0
_STAT_ROWS = ("inputs: PSI", "KS", "Wasserstein", "JS", "scores: PSI")
_NO_DRIFT_COLOR = OKABE_ITO["sky_blue"]
_DRIFT_COLOR = OKABE_ITO["vermillion"]


def statistic_ratios(result) -> list[tuple[float, bool, str]]:
    """Each statistic as a multiple of its drift threshold (1 = at the threshold), whether it
    flags drift, and its value as text. The KS p-value becomes ``log(p) / log(KS_ALPHA)``,
    which is 0 at p = 1, 1 at p = 0.05 and grows as p shrinks."""
    m, r = monitoring_model, result.inputs
    p = max(r.ks_pvalue, 1e-300)
    return [
        (r.psi / m.PSI_CHANGED, r.psi_drift, f"{r.psi:.2f}"),
        (float(np.log(p) / np.log(m.KS_ALPHA)), r.ks_drift, m.p_text(r.ks_pvalue)),
        (r.wasserstein / m.WASSERSTEIN_THRESHOLD, r.wasserstein_drift,
         f"{r.wasserstein:.2f} sd"),
        (r.js / m.JS_THRESHOLD, r.js_drift, f"{r.js:.2f}"),
        (result.prediction_psi / m.PSI_CHANGED, result.predictions_moved,
         f"{result.prediction_psi:.2f}"),
    ]


class MonitoringExplorer(Explorer):
    """Ledgerly: data drift, prediction drift and performance that waits for labels."""

    def __init__(self, **initial):
        start = compute_defaults(monitoring_model.compute)
        controls = {
            "shift": float_slider(
                "Amounts move (× spread)", "Data drift: how far the mean payment amount moved "
                "in production, in multiples of the training amounts' spread (standard "
                "deviation).",
                min=0, max=2, step=0.05, value=start["shift"], readout_format=".2f"),
            "spread": float_slider(
                "Amounts widen (× as wide)", "Factor on the spread of production amounts: a change "
                "of shape with the mean left where it was (1 = as in training).",
                min=0.5, max=2, step=0.05, value=start["spread"], readout_format=".2f"),
            "concept": float_slider(
                "Fraud pattern change (0-1)", "Concept drift: how far the link between amount and fraud "
                "moved (0 = as in training, 0.5 = amount says nothing, 1 = reversed: small "
                "payments are now the risky ones).",
                min=0, max=1, step=0.05, value=start["concept"], readout_format=".2f"),
            "label_delay_days": int_slider(
                "Label delay (days)", "Days until a payment's fraud label (a chargeback) "
                "arrives; performance can only be measured on older payments.",
                min=0, max=monitoring_model.PRODUCTION_DAYS, step=1,
                value=start["label_delay_days"]),
            "n_production": log_slider(
                "Production payments", "How many production payments the monitors compare "
                "with the training period (log scale).",
                low=200, high=monitoring_model.N_PRODUCTION_MAX, value=start["n_production"],
                readout_format=",.0f"),
        }
        super().__init__(
            monitoring_model, controls, primary="shift", figsize=(10.0, 3.8),
            chart_description=(
                "Left: histograms of payment amounts in the training period (filled blue) "
                "and in production (hatched orange outline), with each mean as a vertical "
                "line; no labels needed. Middle: five drift statistics as multiples of their "
                "drift thresholds (the dashed line at 1); bars past the line are red-orange and "
                "hatched and flag drift, and each bar gives the statistic's value. Right: the "
                "share of fraud the model blocked, per 10-day block of production (hatched "
                "orange bars), against the training period (dashed blue line); the most "
                "recent days, whose labels have not arrived, are shaded grey."),
            **initial)

    def setup(self, figure):
        m = monitoring_model
        amounts, stats, performance = figure.subplots(
            1, 3, gridspec_kw={"width_ratios": [1.1, 1.0, 1.0]})
        figure.subplots_adjust(left=0.05, right=0.99, bottom=0.15, top=0.88, wspace=0.42)
        train_color, prod_color = COLORS["train"], COLORS["validation"]

        # Left: the monitored input.
        edges = m.CHART_EDGES
        style_axes(amounts, None, "payment amount (training sd)", "density")
        self.reference_hist = amounts.stairs(np.zeros(edges.size - 1), edges, fill=True,
                                             color=train_color, alpha=0.35, label="training")
        self.production_hist = self.animate(amounts.stairs(
            np.zeros(edges.size - 1), edges, fill=True, facecolor="none",
            edgecolor=prod_color, hatch="///", linewidth=1.3, label="production"))
        self.reference_mean = amounts.axvline(0, color=train_color, linewidth=1.2)
        self.production_mean = self.animate(amounts.axvline(
            0, color=prod_color, linestyle="--", linewidth=1.2))
        self.amounts_title = self.animate(dynamic_title(amounts))
        amounts.set_xlim(edges[0], edges[-1])
        amounts.set_ylim(0, 0.9)
        amounts.legend(loc="upper right", fontsize=LEGEND_SIZE, frameon=False)

        # Middle: the statistics against their thresholds.
        style_axes(stats, None, "multiple of the drift threshold (red-orange = drift)", "")
        stats.grid(False, axis="y")
        y = np.arange(len(_STAT_ROWS))
        stats.set_yticks(y, _STAT_ROWS)
        stats.tick_params(axis="y", length=0)
        stats.set_ylim(len(_STAT_ROWS) - 0.4, -0.6)
        stats.set_xlim(0, _STAT_MAX)
        stats.set_xticks([0, 1, 2, 3, 4], ["0", "1\nthreshold", "2", "3", "4+"])
        stats.axvline(1, color=COLORS["marker"], linestyle="--", linewidth=1.2)
        # PSI's second threshold, "major change" (0.25 = 2.5 x 0.1), on the two PSI rows.
        # Rows 0-3 compare the input (amounts); row 4 the model's output scores.
        stats.axhline(3.5, color=COLORS["reference"], linewidth=0.8)
        self.stat_bars = [self.animate(bar) for bar in stats.barh(
            y, np.zeros(y.size), height=0.55, edgecolor="white", linewidth=0.5)]
        # PSI's second threshold, "major change" (0.25 = 2.5 x 0.1), on the two PSI rows;
        # animated only so that it is drawn over the bars.
        major = m.PSI_MAJOR / m.PSI_CHANGED
        for row in (0, 4):
            self.animate(stats.plot([major, major], [row - 0.36, row + 0.36],
                                    color=COLORS["marker"], linestyle=":", linewidth=1.4)[0])
        stats.text(major + 0.06, -0.36, "PSI major", fontsize=LABEL_SIZE - 2, ha="left",
                   va="bottom", color=COLORS["marker"])
        self.stat_labels = [self.animate(stats.text(
            0, row, "", va="center", fontsize=LABEL_SIZE - 1,
            bbox=dict(LABEL_BOX, pad=0.8)))
            for row in y]
        # Changes only when the verdict does: part of the background (see background_key).
        self.stats_title = dynamic_title(stats)

        # Right: performance, which needs labels.
        style_axes(performance, None, f"production day ({m.PRODUCTION_DAYS} = today)",
                   "share of fraud blocked")
        days = m.PRODUCTION_DAYS
        self.reference_recall = performance.axhline(0, color=train_color, linestyle="--",
                                                    linewidth=1.4, label="training")
        # The unmeasurable days move only with the label delay: background, not animated.
        self.unmeasured = performance.axvspan(days, days, color=COLORS["reference"],
                                              alpha=0.3, linewidth=0)
        self.unmeasured_label = performance.text(
            days, 0.5, "", ha="center", va="center", fontsize=LABEL_SIZE - 1,
            color="#333333")
        starts = np.arange(days // m.BLOCK_DAYS) * m.BLOCK_DAYS
        self.block_bars = [self.animate(bar) for bar in performance.bar(
            starts, np.zeros(starts.size), width=m.BLOCK_DAYS, align="edge",
            facecolor="none", edgecolor=prod_color, hatch="///", linewidth=1.3,
            label="production")]
        self.performance_title = self.animate(dynamic_title(performance))
        performance.set_xlim(0, days)
        performance.set_xticks(np.arange(0, days + 1, 10))
        performance.set_ylim(0, 1.25)
        performance.set_yticks(np.linspace(0, 1, 6))
        performance.legend(loc="upper left", fontsize=LEGEND_SIZE, frameon=False, ncols=2)

    def draw(self, result):
        self.reference_hist.set_data(result.reference_hist)
        self.reference_mean.set_xdata([result.reference_mean] * 2)
        self.production_hist.set_data(result.production_hist)
        self.production_mean.set_xdata([result.production_mean] * 2)
        self.amounts_title.set_text(
            f"Amounts: production mean {result.production_mean:+.2f} sd")

        for bar, label, (ratio, drift, text) in zip(self.stat_bars, self.stat_labels,
                                                    statistic_ratios(result), strict=True):
            width = min(ratio, _STAT_MAX)
            bar.set_width(width)
            bar.set_facecolor(_DRIFT_COLOR if drift else _NO_DRIFT_COLOR)
            bar.set_hatch("xx" if drift else "")
            y = bar.get_y() + bar.get_height() / 2
            if width > _STAT_MAX - 1.3:      # no room to the right: write inside the bar
                label.set_position((width - 0.06, y))
                label.set_horizontalalignment("right")
            else:
                label.set_position((width + 0.06, y))
                label.set_horizontalalignment("left")
            label.set_text(text)
        decides = "KS test" if result.inputs.headline == "ks" else "Wasserstein"
        verdict = "drift" if result.inputs.drift else "no drift"
        self.stats_title.set_text(f"Monitors (no labels): {decides} says {verdict}")

        self.reference_recall.set_ydata([result.reference_recall] * 2)
        measured = result.measurable_days
        self.unmeasured.set_x(measured)
        self.unmeasured.set_width(result.production_days - measured)
        delay = result.label_delay_days
        if delay >= 25:
            words = f"no labels yet\n({delay}-day delay)"
        elif delay >= 9:
            words = "no\nlabels"
        else:
            words = ""
        self.unmeasured_label.set_position(((measured + result.production_days) / 2, 0.5))
        self.unmeasured_label.set_text(words)
        for bar, days, recall in zip(self.block_bars, result.block_measured_days,
                                     result.block_recall, strict=True):
            bar.set_width(days)
            bar.set_height(0.0 if np.isnan(recall) else recall)
        if result.production_recall is None:
            self.performance_title.set_text(f"Fraud blocked: {result.performance}")
        else:
            self.performance_title.set_text(
                f"Fraud blocked: {result.production_recall:.2f} vs "
                f"{result.reference_recall:.2f}, {result.performance}")

    def background_key(self, result):
        # The training histogram and recall (seed), the grey days (delay), the verdict title.
        return result.seed, result.label_delay_days, self.stats_title.get_text()


def monitoring_explorer(**initial) -> MonitoringExplorer:
    """Ledgerly's fraud-model monitoring: input drift, prediction drift and performance.
    Settings: ``shift`` (0-2 sd), ``spread`` (0.5-2 x), ``concept`` (0-1),
    ``label_delay_days`` (0-60) and ``n_production`` (200-50,000 payments)."""
    return MonitoringExplorer(**initial)
