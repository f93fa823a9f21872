"""Module 4's explorers: when to retrain; A/B testing a model whose answers vary.

Each explorer is a view over one pure model (``course.m4.retraining``, ``.abtest``); its
controls are named after that model's ``compute`` keywords. Show one by ending a notebook
cell with it::

    from course.m4.explorers import retraining_explorer
    retraining_explorer(policy="drift-triggered")

Keyword arguments set the starting value of a control (any of the names in ``controls``).
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FuncFormatter, NullLocator, PercentFormatter

from course.m4 import abtest as abtest_model
from course.m4 import retraining as retraining_model
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
    front_legend,
    int_slider,
    log_slider,
    style_axes,
    toggle_buttons,
)

# --- when to retrain -------------------------------------------------------------------------

_POLICY_TIPS = {
    "never": "Keep the model the year starts with.",
    "scheduled": "Retrain every few weeks, whatever happens.",
    "drift-triggered": "Retrain when this week's inputs differ from the training data "
                       "(PSI at or above the threshold).",
    "performance-triggered": "Retrain when the latest labelled week's error is clearly above "
                             "the model's validation error (labels arrive late).",
}
_ERROR_MARK_TOP = 0.6   # markers stop here (a model trained on corrupted data reaches ~0.5)
_ERROR_TOP = 0.8        # the axis goes higher: the legend's two rows sit above the markers
_PSI_TOP = 1.8


class RetrainingExplorer(Explorer):
    """Pantry Dash: four retraining policies over a year with drift and a sudden shift."""

    def __init__(self, **initial):
        start = compute_defaults(retraining_model.compute)
        policies = retraining_model.POLICIES
        controls = {
            "policy": toggle_buttons(
                "Retrain", "When the team trains a new demand model.",
                list(policies), start["policy"],
                tooltips=[_POLICY_TIPS[name] for name in policies]),
            "schedule_weeks": int_slider(
                "Schedule: every (weeks)", "Weeks between retrains of the scheduled policy.",
                min=1, max=13, step=1, value=start["schedule_weeks"]),
            "psi_threshold": float_slider(
                "Retrain at PSI (drift)", "Input PSI (against the deployed model's training "
                "data) at which the drift-triggered policy retrains.",
                min=0.02, max=0.5, step=0.01, value=start["psi_threshold"],
                readout_format=".2f"),
            "label_delay_weeks": int_slider(
                "Label delay (weeks)", "Weeks until a week's actual orders can be used to "
                "train or to measure the model.",
                min=0, max=retraining_model.LABEL_DELAY_MAX, step=1,
                value=start["label_delay_weeks"]),
            "gate": checkbox(
                "Validation gate", "Deploy a retrained model only if it beats the current "
                "one on held-out recent labelled data; otherwise keep the current one.",
                start["gate"]),
        }
        super().__init__(
            retraining_model, controls, primary="label_delay_weeks", figsize=(9.0, 4.3),
            chart_description=(
                "Top left: the weekly error rate of the deployed demand model over 52 weeks "
                "(blue), against never retraining (grey), with the sudden shift in week 30 "
                "as a dashed line. Green triangles mark deployed retrains, red-orange crosses "
                "retrains the validation gate blocked, purple downward triangles bad models "
                "that shipped. Bottom left: the weekly input PSI against the deployed "
                "model's training data, with the drift trigger's threshold dotted. Right: "
                "wrong forecasts over the year for each policy at the same settings, the "
                "selected one in purple."),
            **initial)

    def setup(self, figure):
        grid = figure.add_gridspec(2, 2, width_ratios=[1.75, 1], height_ratios=[1.5, 1],
                                   left=0.075, right=0.975, bottom=0.12, top=0.91,
                                   wspace=0.55, hspace=0.28)
        errors = figure.add_subplot(grid[0, 0])
        psi = figure.add_subplot(grid[1, 0], sharex=errors)
        bars = figure.add_subplot(grid[:, 1])
        weeks = np.arange(retraining_model.N_WEEKS)
        shift = retraining_model.SHIFT_WEEK - 0.5

        style_axes(errors, "", "", "wrong forecasts (share)")
        never = retraining_model.compute("never")
        errors.plot(weeks, never.error, color=COLORS["reference"], linewidth=1.2,
                    label="never retrained")
        errors.axvline(shift, color=COLORS["marker"], linestyle="--", linewidth=1.1,
                       label=f"sudden shift (week {retraining_model.SHIFT_WEEK})")
        self.error_line = self.animate(errors.plot(
            weeks, np.zeros(weeks.size), color=COLORS["train"], linewidth=1.8,
            label="deployed model")[0])
        self.deployed_marks = self.animate(errors.plot(
            [], [], "^", color=OKABE_ITO["green"], markersize=7, linestyle="none",
            markeredgecolor="white", markeredgewidth=0.5, label="retrain deployed")[0])
        self.blocked_marks = self.animate(errors.plot(
            [], [], "X", color=COLORS["cost"], markersize=8, linestyle="none",
            markeredgecolor="white", markeredgewidth=0.5, label="blocked by the gate")[0])
        self.shipped_bad_marks = self.animate(errors.plot(
            [], [], "v", color=COLORS["highlight"], markersize=9, linestyle="none",
            markeredgecolor=COLORS["marker"], markeredgewidth=0.8,
            label="bad model shipped")[0])
        self.error_title = self.animate(dynamic_title(errors))
        errors.set_xlim(-0.5, weeks[-1] + 0.5)
        errors.set_ylim(0, _ERROR_TOP)
        errors.set_yticks(np.arange(0, _ERROR_MARK_TOP + 0.01, 0.2))
        errors.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        errors.tick_params(labelbottom=False)
        front_legend(self, errors, loc="upper left", ncols=3, columnspacing=1.2)

        style_axes(psi, "", "week", "input PSI")
        psi.axvline(shift, color=COLORS["marker"], linestyle="--", linewidth=1.1)
        self.psi_line = self.animate(psi.plot(weeks, np.zeros(weeks.size),
                                              color=COLORS["validation"], linewidth=1.5,
                                              label="PSI vs training data")[0])
        self.threshold_line = self.animate(psi.axhline(
            0.2, color=COLORS["marker"], linestyle=":", linewidth=1.5,
            label="drift-trigger threshold"))
        psi.set_ylim(0, _PSI_TOP)
        psi.set_xticks(np.arange(0, 52, 4))
        front_legend(self, psi, loc="upper left", ncols=2)

        policies = retraining_model.POLICIES
        style_axes(bars, "", "wrong forecasts over the year", "")
        bars.grid(False, axis="y")
        positions = np.arange(len(policies))[::-1]
        self.bars = [self.animate(patch) for patch in bars.barh(
            positions, np.zeros(len(policies)), height=0.6, color=COLORS["reference"])]
        self.bar_labels = [self.animate(bars.text(0, y, "", va="center", ha="left",
                                                  fontsize=LABEL_SIZE - 1))
                           for y in positions]
        bars.set_yticks(positions, [name.replace("-", "-\n") for name in policies],
                        fontsize=LABEL_SIZE - 1)
        self.bars_title = self.animate(dynamic_title(bars))
        bars.set_xlim(0, 14_000)       # the most any setting reaches is about 12,100
        bars.set_xticks(np.arange(0, 14_001, 4_000))
        bars.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e3:.0f}k"))
        bars.xaxis.set_minor_locator(NullLocator())
        self.axes = (errors, psi, bars)

    def draw(self, result):
        self.error_line.set_ydata(result.error)
        weeks = np.arange(result.error.size)
        # A retrain at the end of week t changes (or not) the model of week t + 1.
        after = np.minimum(weeks + 1, weeks[-1])
        shown = np.minimum(result.error[after], _ERROR_MARK_TOP)
        good = result.deployed & ~result.bad
        bad = result.deployed & result.bad
        self.deployed_marks.set_data(after[good], shown[good])
        self.blocked_marks.set_data(after[result.blocked], shown[result.blocked])
        self.shipped_bad_marks.set_data(after[bad], shown[bad])
        self.psi_line.set_ydata(np.minimum(result.psi, _PSI_TOP))
        self.threshold_line.set_ydata([result.psi_threshold] * 2)
        self.error_title.set_text(
            f"{result.policy}: {result.retrains} retrains, "
            f"{result.blocked_retrains} blocked, {result.bad_models_shipped} bad shipped")
        for name, patch, label in zip(retraining_model.POLICIES, self.bars, self.bar_labels,
                                      strict=True):
            wrong = result.policy_wrong_forecasts[name]
            patch.set_width(wrong)
            patch.set_color(COLORS["highlight"] if name == result.policy
                            else COLORS["reference"])
            label.set_position((wrong + 250, label.get_position()[1]))
            label.set_text(count(wrong))
        self.bars_title.set_text(f"Wrong forecasts; cost ${result.cost:,.0f}")


# --- A/B testing a non-deterministic model ---------------------------------------------------


class ABTestExplorer(Explorer):
    """Quillio: power, sample size and peeking for an A/B test of a sampling chatbot."""

    def __init__(self, **initial):
        start = compute_defaults(abtest_model.compute)
        controls = {
            "true_lift": float_slider(
                "True lift (points)", "How many percentage points more conversations the "
                "new model really resolves without a human.",
                min=0, max=abtest_model.LIFT_MAX, step=0.1, value=start["true_lift"],
                readout_format=".1f"),
            "baseline_rate": float_slider(
                "Resolved today (baseline)", "Share of conversations the current model resolves "
                "without a human.",
                min=0.1, max=0.7, step=0.05, value=start["baseline_rate"],
                readout_format=".0%"),
            "run_to_run_sd": float_slider(
                "Answer randomness (0-0.3)", "How much one run's outcome varies around its "
                "input's own rate (0: the model always answers an input the same way).",
                min=0, max=abtest_model.RUN_TO_RUN_SD_MAX, step=0.01,
                value=start["run_to_run_sd"], readout_format=".2f"),
            "samples_per_input": int_slider(
                "Samples per input", "Runs of each test input per model, averaged.",
                min=1, max=abtest_model.SAMPLES_MAX, step=1,
                value=start["samples_per_input"]),
            "inputs_per_arm": log_slider(
                "Inputs per arm", "Test inputs each model answers.",
                low=abtest_model.INPUTS_MIN, high=abtest_model.INPUTS_MAX,
                value=start["inputs_per_arm"], steps_per_decade=20, readout_format=",.0f"),
            "peeks": int_slider(
                "Looks at the results", "1 = one look at the end; more = look at equal "
                "intervals and stop at the first p < 0.05.",
                min=1, max=abtest_model.PEEKS_MAX, step=1, value=start["peeks"]),
            "paired": checkbox(
                "Paired (same inputs)", "Both models answer the same test inputs and are "
                "compared input by input.", start["paired"]),
        }
        super().__init__(
            abtest_model, controls, primary="inputs_per_arm",
            chart_description=(
                "Left: the share of simulated experiments that detect the lift (power) "
                "against inputs per arm, log scale, for the current design (blue) and for "
                "the textbook design of one sample per input, two groups and one look (grey "
                "dashed), with the 80% target dashed, the current size as a black dot and "
                "the size needed for 80% with one look as a dotted green line. Right: the "
                "false-positive rate when there is no real lift against the number of looks, "
                "with the 5% significance level dashed red-orange and the current number of looks "
                "ringed."),
            **initial)

    def setup(self, figure):
        power, peeking = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.5, 1]})
        figure.subplots_adjust(left=0.075, right=0.98, bottom=0.16, top=0.88, wspace=0.25)
        n_grid = abtest_model.N_GRID
        style_axes(power, "", "inputs per arm (log scale)", "power")
        power.set_xscale("log")
        self.target_line = self.animate(power.axhline(
            0.8, color=COLORS["reference"], linestyle="--", linewidth=1.1,
            label="80% target"))
        self.textbook_curve = self.animate(power.plot(
            n_grid, np.zeros(n_grid.size), color=COLORS["reference"], linestyle="--",
            linewidth=1.4, label="1 sample, two groups, 1 look")[0])
        self.power_curve = self.animate(power.plot(
            n_grid, np.zeros(n_grid.size), color=COLORS["train"], linewidth=2.0,
            label="this design")[0])
        self.required_line = self.animate(power.axvline(
            1000, color=OKABE_ITO["green"], linestyle=":", linewidth=1.8,
            label="needed for 80% (1 look)"))
        self.current_point = self.animate(power.plot(
            [], [], "o", color=COLORS["marker"], markersize=7, label="current size")[0])
        self.current_label = self.animate(power.text(0, 0, "", fontsize=LABEL_SIZE - 1,
                                                     ha="left", va="top", bbox=LABEL_BOX))
        self.power_title = self.animate(dynamic_title(power))
        power.set_xlim(n_grid[0], n_grid[-1])
        power.set_ylim(0, 1.02)
        power.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        power.xaxis.set_major_formatter(FuncFormatter(count_tick))
        power.xaxis.set_minor_locator(NullLocator())
        front_legend(self, power, loc="upper left")

        peeks = abtest_model.PEEKS_GRID
        style_axes(peeking, "", "looks at the results", "false positives (no real lift)")
        peeking.axhline(0.05, color=COLORS["cost"], linestyle="--", linewidth=1.3,
                        label="5% significance level")
        self.false_positive_curve = peeking.plot(
            peeks, np.zeros(peeks.size), "o-", color=COLORS["cost"], markersize=3,
            linewidth=1.4, label="simulated")[0]
        self.peeks_point = self.animate(peeking.plot(
            [], [], "o", markersize=12, markerfacecolor="none", markeredgewidth=2.2,
            markeredgecolor=COLORS["highlight"], label="current looks")[0])
        self.peeking_title = self.animate(dynamic_title(peeking))
        peeking.set_xlim(0, peeks[-1] + 1)
        peeking.set_xticks([1, 5, 10, 15, 20])
        peeking.set_ylim(0, 0.3)
        peeking.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        peeking.legend(loc="lower right", fontsize=LEGEND_SIZE, frameon=False)
        self.axes = (power, peeking)

    def draw(self, result):
        self.power_curve.set_ydata(result.power_curve)
        textbook = abtest_model.compute(
            result.true_lift, baseline_rate=result.baseline_rate,
            run_to_run_sd=result.run_to_run_sd, inputs_per_arm=result.inputs_per_arm,
            alpha=result.alpha, power_target=result.power_target, seed=result.seed,
            simulations=result.simulations)
        self.textbook_curve.set_ydata(textbook.power_curve)
        self.target_line.set_ydata([result.power_target] * 2)
        needed = result.n_required
        self.required_line.set_xdata([needed if needed == needed else 1.0] * 2)
        n = result.inputs_per_arm
        self.current_point.set_data([n], [result.power])
        right = n > 6_000
        self.current_label.set_position((n / 1.15 if right else n * 1.15,
                                         max(result.power - (0.14 if right else 0.04), 0.12)))
        self.current_label.set_ha("right" if right else "left")
        self.current_label.set_text(f"power {result.power:.0%}\n"
                                    f"{count(result.model_calls)} model calls")
        if needed == needed:
            where = (f"needs {count(needed)} per arm" if needed <= abtest_model.N_GRID[-1]
                     else f"needs {count(needed)} per arm (off the chart)")
        else:
            where = "no real lift to detect"
        self.power_title.set_text(f"Power {result.power:.0%} at {count(n)} per arm; {where}")
        self.false_positive_curve.set_ydata(result.false_positive_curve)
        self.peeks_point.set_data([result.peeks], [result.false_positive_rate])
        self.peeking_title.set_text(f"False positives: {result.false_positive_rate:.0%} "
                                    f"with {result.peeks} look{'s' if result.peeks > 1 else ''}")

    def background_key(self, result):
        return result.alpha, result.seed, result.simulations    # the false-positive curve


def retraining_explorer(**initial) -> RetrainingExplorer:
    """Pantry Dash's retraining policies. Settings: ``policy`` (one of
    ``retraining.POLICIES``), ``schedule_weeks`` (1-13), ``psi_threshold`` (0.02-0.5),
    ``label_delay_weeks`` (0-6), ``gate`` (True/False)."""
    return RetrainingExplorer(**initial)


def abtest_explorer(**initial) -> ABTestExplorer:
    """Quillio's A/B test of a sampling chatbot. Settings: ``true_lift`` (points, 0-5),
    ``baseline_rate`` (0.1-0.7), ``run_to_run_sd`` (0-0.3), ``samples_per_input`` (1-8),
    ``inputs_per_arm`` (200-20,000), ``peeks`` (1-20), ``paired`` (True/False)."""
    return ABTestExplorer(**initial)


# The humans-in-the-loop and feedback-loop explorers live in their own module.
from course.m4.loop_explorers import feedback_explorer, review_explorer  # noqa: E402

EXPLORERS = {
    "retraining": retraining_explorer,
    "abtest": abtest_explorer,
    "review": review_explorer,
    "feedback": feedback_explorer,
}
