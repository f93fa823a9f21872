"""The silence explorer: a view over ``course.m3.silence`` (Ledgerly's four-week event log).

Its controls are named after ``silence.compute``'s keywords. Show it by ending a notebook
cell with it::

    from course.m3.silence_explorer import silence_explorer
    silence_explorer(grain="per merchant")
"""

from __future__ import annotations

import numpy as np

from course.m3 import silence as silence_model
from course.style import COLORS, OKABE_ITO
from course.widgets import (
    LABEL_SIZE,
    LEGEND_SIZE,
    Explorer,
    compute_defaults,
    dynamic_title,
    selection_slider,
    style_axes,
    toggle_buttons,
)

_CAUGHT = OKABE_ITO["blue"]
_MISSED = OKABE_ITO["vermillion"]
_FALSE = OKABE_ITO["orange"]
#: Marker per monitor, so a catch reads without colour.
MARKERS = {"freshness": "^", "row count": "o", "drift": "s"}


def timeline_rows(result) -> list[str]:
    """The timeline's rows, top to bottom: each incident, then the false pages."""
    return [o.name for o in result.incidents] + ["false pages"]


def page_points(result) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per monitor, the (day, row) of each page that catches an incident (on that incident's
    row) and of each false page (on the last row). Days are hours / 24."""
    rows = {name: i for i, name in enumerate(timeline_rows(result))}
    points: dict[str, tuple[list, list]] = {m: ([], []) for m in silence_model.MONITORS}
    for page in result.pages:
        xs, ys = points[page.monitor]
        for name in page.catches or ("false pages",):
            xs.append(page.start / 24)
            ys.append(rows[name])
    return {m: (np.array(x, dtype=float), np.array(y, dtype=float))
            for m, (x, y) in points.items()}


class SilenceExplorer(Explorer):
    """Ledgerly: which incidents the monitors catch, how late, and the false pages."""

    def __init__(self, **initial):
        m = silence_model
        start = compute_defaults(m.compute)
        controls = {
            "grain": toggle_buttons(
                "Watch at grain", "Which groups every monitor is computed for: all data at "
                "once, each source, each merchant or each app version.", list(m.GRAINS),
                start["grain"]),
            "freshness_slack_hours": selection_slider(
                "Freshness slack (hours)", "Freshness: page when a group's newest data is "
                "older than its schedule (1 hour for streams, 24 for the nightly job, 168 for "
                "the weekly deploy) plus this many hours.",
                options=list(m.SLACK_GRID), value=start["freshness_slack_hours"]),
            "row_drop_pct": selection_slider(
                "Row drop that pages (%)", "Row count: page when the last 3 hours brought this "
                "many percent fewer rows than a normal week at those hours.",
                options=list(m.DROP_GRID), value=start["row_drop_pct"]),
            "drift_threshold": selection_slider(
                "Drift: PSI that pages", "Drift: page when a day's device-feature PSI against "
                "the baseline week reaches this (0.1 'changed', 0.25 'major').",
                options=list(m.DRIFT_GRID), value=start["drift_threshold"]),
        }
        super().__init__(
            m, controls, primary="row_drop_pct", figsize=(10.0, 3.8),
            chart_description=(
                "Left: a timeline of Ledgerly's four weeks (days 0 to 28; the first week, "
                "shaded, is the baseline the monitors learn from). Each of the six incidents "
                "has a row, with its duration as a hatched grey bar. A page that catches it "
                "is drawn on its row at the hour it fired: a triangle for freshness, a circle "
                "for row count, a square for drift. Pages that catch nothing are drawn on "
                "the bottom row as orange crosses. Right: the table of incidents with whether "
                "each was caught (blue) or missed (red-orange) and how many hours late."),
            **initial)

    def setup(self, figure):
        m = silence_model
        timeline, table = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.55, 1.0]})
        figure.subplots_adjust(left=0.17, right=0.99, bottom=0.15, top=0.88, wspace=0.05)
        first = m.compute()
        rows = timeline_rows(first)
        style_axes(timeline, None, "day of the log (0 = Monday of the baseline week)", "")
        timeline.set_yticks(range(len(rows)), rows)
        timeline.tick_params(axis="y", length=0, labelsize=LABEL_SIZE - 1)
        # Both panels share the rows (and an empty band at the bottom for labels).
        timeline.set_ylim(len(rows) + 0.2, -0.6)
        timeline.set_xlim(0, m.HOURS / 24)
        timeline.set_xticks(range(0, 29, 7))
        timeline.axvspan(0, m.BASELINE_HOURS / 24, color=COLORS["reference"], alpha=0.15,
                         linewidth=0)
        timeline.text(3.5, len(rows) - 0.2, "baseline week", ha="center", va="bottom",
                      fontsize=LABEL_SIZE - 2, color="#333333")
        for i, o in enumerate(first.incidents):
            timeline.broken_barh([(o.start / 24, max(o.end - o.start, 4) / 24)],
                                 (i - 0.3, 0.6), facecolor="none", hatch="///",
                                 edgecolor=COLORS["reference"], linewidth=0.8)
        self.page_lines = {}
        for monitor, marker in MARKERS.items():
            self.page_lines[monitor] = self.animate(timeline.plot(
                [], [], linestyle="none", marker=marker, markersize=7,
                markerfacecolor=_CAUGHT, markeredgecolor="white", label=monitor)[0])
        self.false_line = self.animate(timeline.plot(
            [], [], linestyle="none", marker="x", markersize=6, color=_FALSE,
            label="false page")[0])
        handles, labels = timeline.get_legend_handles_labels()

        table.axis("off")
        table.set_xlim(0, 1)
        table.set_ylim(len(rows) + 0.2, -0.6)
        # Under the table, beside the timeline's axis label: inside, it sat on the false
        # pages' count.
        table.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.0, -0.02), ncols=4,
                     fontsize=LEGEND_SIZE - 1, frameon=False, handletextpad=0.2, columnspacing=0.8,
                     title="pages, by monitor", title_fontsize=LEGEND_SIZE - 1,
                     alignment="left")
        table.text(0.08, -0.55, "caught?", fontsize=LABEL_SIZE - 1, fontweight="bold")
        table.text(0.36, -0.55, "hours late, by", fontsize=LABEL_SIZE - 1, fontweight="bold")
        self.status_texts = [self.animate(table.text(0.08, i, "", va="center",
                                                     fontsize=LABEL_SIZE - 1))
                             for i in range(len(rows) - 1)]
        self.delay_texts = [self.animate(table.text(0.36, i, "", va="center",
                                                    fontsize=LABEL_SIZE - 1))
                            for i in range(len(rows) - 1)]
        self.false_text = self.animate(table.text(0.08, len(rows) - 1, "", va="center",
                                                  fontsize=LABEL_SIZE - 1, color="#333333"))
        self.title = self.animate(dynamic_title(timeline))

    def draw(self, result):
        points = page_points(result)
        false_x, false_y = [], []
        last_row = len(result.incidents)
        for monitor, (xs, ys) in points.items():
            caught = ys < last_row
            self.page_lines[monitor].set_data(xs[caught], ys[caught])
            false_x += list(xs[~caught])
            false_y += list(ys[~caught])
        self.false_line.set_data(false_x, false_y)
        for status, delay, o in zip(self.status_texts, self.delay_texts, result.incidents,
                                    strict=True):
            status.set_text("yes" if o.caught else "MISSED")
            status.set_color(_CAUGHT if o.caught else _MISSED)
            status.set_fontweight("normal" if o.caught else "bold")
            delay.set_text(f"{o.delay_hours} h, {o.caught_by}" if o.caught else "-")
        self.false_text.set_text(f"{sum(result.false_alarms.values())} in 3 weeks "
                                 f"({result.false_alarms_per_week:.1f} a week)")
        self.title.set_text(f"{len(result.caught)} of {len(result.incidents)} incidents "
                            f"caught; {result.false_alarms_per_week:.1f} false pages a week")


def silence_explorer(**initial) -> SilenceExplorer:
    """Ledgerly's monitors on a four-week log with six incidents. Settings: ``grain`` (one of
    ``silence.GRAINS``), ``freshness_slack_hours`` (1-24), ``row_drop_pct`` (10-90) and
    ``drift_threshold`` (0.02-0.25)."""
    return SilenceExplorer(**initial)
