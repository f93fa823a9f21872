"""The LLM-evaluation explorer: a view over ``course.m3.llm_eval`` (Quillio's chatbot,
version A against version B, rated by humans and by a model judge).

Its controls are named after ``llm_eval.compute``'s keywords. Show it by ending a notebook
cell with it::

    from course.m3 import llm_eval_explorer as explorers
    explorers.llm_eval_explorer(n_per_version=400)
"""

from __future__ import annotations

import math

from course.m3 import llm_eval as eval_model
from course.style import COLORS
from course.widgets import (
    LEGEND_SIZE,
    Explorer,
    compute_defaults,
    dynamic_title,
    float_slider,
    log_slider,
    style_axes,
)

_HUMAN = {"color": COLORS["train"], "linestyle": "-"}
_JUDGE = {"color": COLORS["validation"], "linestyle": "--"}
_ROWS = (("A, humans", "human_a", _HUMAN, "o"), ("B, humans", "human_b", _HUMAN, "s"),
         ("A, judge", "judge_a", _JUDGE, "o"), ("B, judge", "judge_b", _JUDGE, "s"))


class LlmEvalExplorer(Explorer):
    """Quillio: what an evaluation set of a given size, rated by a given judge, can decide."""

    def __init__(self, **initial):
        start = compute_defaults(eval_model.compute)
        controls = {
            "n_per_version": log_slider(
                "Eval set (conversations per version)", "How many conversations each "
                "version is run on and rated (log scale).",
                low=20, high=10_000, value=start["n_per_version"], readout_format=",.0f"),
            "rate_b_points": float_slider(
                "True B minus A (points)", "How much B's real unsupported-claim rate differs "
                "from A's 8%, in percentage points (-2 = 6%).",
                min=-4, max=4, step=0.5, value=start["rate_b_points"], readout_format="+.1f"),
            "judge_skill": float_slider(
                "Judge skill (0 = guessing)", "How well the model judge separates answers "
                "with an unsupported claim from clean ones (0 = coin flip, 3 = sharp).",
                min=0, max=3, step=0.25, value=start["judge_skill"], readout_format=".2f"),
            "strictness": float_slider(
                "Judge strictness (higher = flags less)", "The judge's cut-off: a strict "
                "judge flags fewer answers, missing more real problems but raising fewer "
                "false alarms.",
                min=0, max=3, step=0.25, value=start["strictness"], readout_format=".2f"),
        }
        super().__init__(
            eval_model, controls, primary="n_per_version",
            chart_description=(
                "Left: the unsupported-claim rate of version A (circles) and B (squares) as "
                "measured by humans (blue, solid interval lines) and by the model judge "
                "(orange, dashed), each with its 95% interval. Right: B minus A in "
                "percentage points with its 95% interval, by humans and by the judge; the "
                "grey dashed line is no difference and the dotted line the 2-point "
                "improvement Quillio would act on. An interval that crosses the grey line "
                "cannot say which version is better."),
            **initial)

    def setup(self, figure):
        rates, difference = figure.subplots(1, 2)
        figure.subplots_adjust(left=0.1, right=0.985, bottom=0.16, top=0.88, wspace=0.38)
        style_axes(rates, None, "unsupported-claim rate (%)", "")
        rates.grid(False, axis="y")
        self.rate_lines, self.rate_points = [], []
        for row, (label, _, style, marker) in enumerate(_ROWS):
            self.rate_lines.append(self.animate(rates.plot([0, 0], [row, row], linewidth=2,
                                                           **style)[0]))
            self.rate_points.append(self.animate(rates.plot(
                [0], [row], marker=marker, color=style["color"], markersize=6,
                linestyle="none", label=label)[0]))
        rates.set_yticks(range(len(_ROWS)), [row[0] for row in _ROWS])
        rates.set_ylim(len(_ROWS) - 0.5, -0.5)
        self.rates_axes = rates
        self.rates_title = self.animate(dynamic_title(rates))

        style_axes(difference, None, "B minus A (percentage points)", "")
        difference.grid(False, axis="y")
        difference.axvline(0, color=COLORS["reference"], linestyle="--", linewidth=1.2,
                           label="no difference")
        difference.axvline(-2, color=COLORS["marker"], linestyle=":", linewidth=1.4,
                           label="2 points better")
        self.diff_lines, self.diff_points = [], []
        for row, style in enumerate((_HUMAN, _JUDGE)):
            self.diff_lines.append(self.animate(difference.plot([0, 0], [row, row],
                                                                linewidth=2.2, **style)[0]))
            self.diff_points.append(self.animate(difference.plot(
                [0], [row], marker="D", color=style["color"], markersize=6,
                linestyle="none")[0]))
        difference.set_yticks([0, 1], ["humans", "judge"])
        difference.set_ylim(1.6, -0.6)
        difference.legend(loc="lower right", fontsize=LEGEND_SIZE - 1, frameon=False)
        self.diff_axes = difference
        self.diff_title = self.animate(dynamic_title(difference))

    def draw(self, result):
        top = 0.0
        for line, point, (_, name, _, _) in zip(self.rate_lines, self.rate_points, _ROWS,
                                               strict=True):
            rate, low, high = (100 * x for x in getattr(result, name))
            line.set_xdata([low, high])
            point.set_xdata([rate])
            top = max(top, high)
        # Steps of 5 points keep the axis still while the numbers move a little.
        self.rates_axes.set_xlim(0, max(20.0, 5 * math.ceil(top * 1.05 / 5)))
        self.rates_title.set_text(f"Rates, {result.n_per_version:,} conversations each "
                                  f"(judge kappa {result.kappa:.2f})")
        reach = 4.0
        for line, point, name in zip(self.diff_lines, self.diff_points,
                                     ("human_difference", "judge_difference"), strict=True):
            d, low, high = (100 * x for x in getattr(result, name))
            line.set_xdata([low, high])
            point.set_xdata([d])
            reach = max(reach, abs(low), abs(high))
        reach = 5 * math.ceil(reach * 1.05 / 5)
        self.diff_axes.set_xlim(-reach, reach)
        self.diff_title.set_text(f"Humans say: {result.verdict}")



def llm_eval_explorer(**initial) -> LlmEvalExplorer:
    """Quillio's evaluation of version B against A. Settings: ``n_per_version`` (20-10,000
    conversations), ``rate_b_points`` (-4 to +4 points), ``judge_skill`` (0-3) and
    ``strictness`` (0-3)."""
    return LlmEvalExplorer(**initial)


EXPLORERS = {"llm_eval": llm_eval_explorer}
