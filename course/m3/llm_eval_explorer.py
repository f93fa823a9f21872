"""The LLM-evaluation explorer: a view over ``course.m3.llm_eval`` (Quillio's chatbot,
version A against version B, rated by humans and by a model judge).

Its controls are named after ``llm_eval.compute``'s keywords. Show it by ending a notebook
cell with it::

    from course.m3 import llm_eval_explorer as explorers
    explorers.llm_eval_explorer(n_per_version=400)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

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


#: The widths (percentage points) the two panels' x axes may take: the rates panel runs from
#: 0 to one of these, the difference panel from minus to plus one of these.
RATE_AXIS_WIDTHS = (20, 40, 60, 100)
DIFFERENCE_AXIS_REACHES = (5, 10, 20, 50, 100)


def _fit(extent: float, widths) -> float:
    """The smallest of ``widths`` that holds ``extent`` with 5% to spare."""
    return float(next((w for w in widths if extent * 1.05 <= w), widths[-1]))


class LlmEvalExplorer(Explorer):
    """Quillio: what an evaluation set of a given size, rated by a given judge, can decide."""

    def __init__(self, **initial):
        start = compute_defaults(eval_model.compute)
        controls = {
            "n_per_version": log_slider(
                "Conversations (per version)", "How many conversations each "
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
                "Judge strictness (0-3)", "The judge's cut-off: a strict "
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
        # Every size the slider stops at (as ``compute`` rounds it), for the axes' envelope.
        sizes = self.controls["n_per_version"]
        stops = [*np.arange(sizes.min, sizes.max, sizes.step), sizes.max]
        self._sizes = tuple(sorted({int(round(sizes.base ** x)) for x in stops}))

    def draw(self, result):
        top = 0.0
        for line, point, (_, name, _, _) in zip(self.rate_lines, self.rate_points, _ROWS,
                                               strict=True):
            rate, low, high = (100 * x for x in getattr(result, name))
            line.set_xdata([low, high])
            point.set_xdata([rate])
            top = max(top, high)
        reach = 0.0
        for line, point, name in zip(self.diff_lines, self.diff_points,
                                     ("human_difference", "judge_difference"), strict=True):
            d, low, high = (100 * x for x in getattr(result, name))
            line.set_xdata([low, high])
            point.set_xdata([d])
            reach = max(reach, abs(low), abs(high))
        # Each eval-set size is its own simulation, so the intervals' ends jitter from one
        # size to the next; axes fitted to them would jump back and forth (and redraw the
        # whole figure) on each key press. Instead each axis holds everything the sizes from
        # here up to the slider's end show: it only narrows as the eval set grows (showing
        # the intervals shrink), and the envelope is computed once per setting of the other
        # controls.
        sizes, tops, reaches = envelope(result.rate_b - result.rate_a, result.judge_skill,
                                        result.strictness, self._sizes)
        at = int(np.searchsorted(sizes, result.n_per_version))
        if at < len(sizes):
            top, reach = max(top, tops[at]), max(reach, reaches[at])
        self.rates_axes.set_xlim(0, _fit(top, RATE_AXIS_WIDTHS))
        self.diff_axes.set_xlim(-_fit(reach, DIFFERENCE_AXIS_REACHES),
                                _fit(reach, DIFFERENCE_AXIS_REACHES))
        self.rates_title.set_text(f"Rates, {result.n_per_version:,} conversations each "
                                  f"(judge kappa {result.kappa:.2f})")
        self.diff_title.set_text(f"Humans say: {result.verdict}")


@lru_cache(maxsize=64)
def envelope(rate_difference: float, judge_skill: float, strictness: float,
             sizes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(sizes, tops, reaches)``: for each eval-set size (conversations per version,
    ascending), the highest rate interval end (points) and the widest difference interval
    end (absolute points) that this size or any larger one in ``sizes`` shows."""
    tops, reaches = [], []
    for n in sizes:
        r = eval_model.compute(n, rate_b_points=round(100 * rate_difference, 9),
                               judge_skill=judge_skill, strictness=strictness)
        tops.append(100 * max(getattr(r, name)[2] for _, name, _, _ in _ROWS))
        reaches.append(100 * max(max(abs(x) for x in r.human_difference[1:]),
                                 max(abs(x) for x in r.judge_difference[1:])))
    suffix = np.maximum.accumulate
    return (np.array(sizes), suffix(np.array(tops)[::-1])[::-1],
            suffix(np.array(reaches)[::-1])[::-1])


def llm_eval_explorer(**initial) -> LlmEvalExplorer:
    """Quillio's evaluation of version B against A. Settings: ``n_per_version`` (20-10,000
    conversations), ``rate_b_points`` (-4 to +4 points), ``judge_skill`` (0-3) and
    ``strictness`` (0-3)."""
    return LlmEvalExplorer(**initial)


EXPLORERS = {"llm_eval": llm_eval_explorer}
