"""Every explorer's chart is laid out so that a learner can read it, at every setting we can
reach by pushing one control to an end.

For each of the 20 explorers, at its start and with each control at each extreme (each option
of a toggle or selection slider, a checkbox flipped), on the figure matplotlib would draw:

- no two text artists overlap (titles, axis labels, tick labels, legend entries, labels);
- no text falls outside the figure;
- no text and no data marker sits on a legend's box (except the legend's own entries).

And for the controls and captions:

- every toggle-button label fits its button: the rule in ``course.widgets`` (buttons sized to
  their labels, the row wide enough for all of them; ``BUTTON_CHAR_EM`` per character), which
  tests/test_browser.py checks again in Chromium (``scrollWidth <= clientWidth``);
- every colour a caption names is a colour the chart really uses.

Extents come from matplotlib itself: each text is recorded with its window extent while the
whole figure (including the artists an explorer normally blits) is drawn.
"""

from __future__ import annotations

import itertools
import re
from importlib import import_module

import ipywidgets
import matplotlib.text as mtext
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgba_array
from matplotlib.legend import Legend

from course import widgets as course_widgets
from course.style import OKABE_ITO

MODULES = ("m1", "m2", "m3", "m4")
EXPLORERS = {f"{m}.{name}": factory for m in MODULES
             for name, factory in import_module(f"course.{m}.explorers").EXPLORERS.items()}
#: Overlaps smaller than this (pixels, in both directions) are anti-aliasing, not collisions.
TOLERANCE_PX = 1.0


def test_every_explorer_is_covered():
    assert len(EXPLORERS) == 20
    assert {"m1.calibration", "m3.llm_eval", "m3.silence"} <= set(EXPLORERS)


# --- what matplotlib draws -----------------------------------------------------------------


def _draw_everything(explorer):
    """Draw the whole figure, blitted artists included; return ``[(text, extent)]`` of every
    text that was drawn (visible, not empty, tick labels only for ticks in view)."""
    drawn = []
    original = mtext.Text.draw

    def recording(self, renderer):
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            drawn.append((self, self.get_window_extent(renderer)))

    for artist in explorer._animated:
        artist.set_animated(False)
    mtext.Text.draw = recording
    try:
        explorer.figure.canvas.draw()
    finally:
        mtext.Text.draw = original
        for artist in explorer._animated:
            artist.set_animated(True)
        explorer._background = None      # the canvas was redrawn: rebuild the blit background
    return drawn


def _overlap(a, b) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > TOLERANCE_PX
            and min(a.y1, b.y1) - max(a.y0, b.y0) > TOLERANCE_PX)


def _marker_boxes(figure):
    """``(label, extent)`` of each data marker drawn inside its axes."""
    from matplotlib.transforms import Bbox

    for ax in figure.axes:
        for line in ax.get_lines():
            if not line.get_visible() or line.get_marker() in (None, "None", "", " ", ","):
                continue
            xy = line.get_xydata()
            if not len(xy):
                continue
            radius = line.get_markersize() * figure.dpi / 72 / 2
            for x, y in line.get_transform().transform(xy):
                if not (np.isfinite(x) and np.isfinite(y)):
                    continue
                inside = (ax.bbox.x0 - 1 <= x <= ax.bbox.x1 + 1
                          and ax.bbox.y0 - 1 <= y <= ax.bbox.y1 + 1)
                if inside:
                    yield line.get_label(), Bbox([[x - radius, y - radius],
                                                  [x + radius, y + radius]])


def layout_problems(explorer) -> list[str]:
    """Every layout rule the explorer's figure breaks, in words (empty when none)."""
    figure = explorer.figure
    texts = _draw_everything(explorer)
    renderer = figure.canvas.get_renderer()
    width, height = figure.bbox.width, figure.bbox.height
    problems = []
    for text, box in texts:
        if text.get_usetex() is False and text._preprocess_math(text.get_text())[1]:
            problems.append(f"text typeset as maths (unescaped $): {text.get_text()!r}")
        if (box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > width + 0.5
                or box.y1 > height + 0.5):
            problems.append(f"text outside the figure: {text.get_text()!r}")
    for (a, box_a), (b, box_b) in itertools.combinations(texts, 2):
        if _overlap(box_a, box_b):
            problems.append(f"texts overlap: {a.get_text()!r} and {b.get_text()!r}")
    legends = [legend for legend in figure.findobj(Legend) if legend.get_visible()]
    for legend in legends:
        box = legend.get_window_extent(renderer)
        own = set(legend.texts) | {legend.get_title()}
        problems += [f"text on the legend: {text.get_text()!r}"
                     for text, extent in texts if text not in own and _overlap(box, extent)]
        problems += sorted({f"marker on the legend: {label!r}"
                            for label, extent in _marker_boxes(figure)
                            if _overlap(box, extent)})
    return problems


def settings(explorer):
    """``(name, {control: value})``: each control at each of its extremes."""
    for name, control in explorer.controls.items():
        if isinstance(control, (ipywidgets.ToggleButtons, ipywidgets.SelectionSlider)):
            for option in control.options:
                value = option[1] if isinstance(option, tuple) else option
                yield f"{name}={value!r}", {name: value}
        elif isinstance(control, ipywidgets.Checkbox):
            yield f"{name}={not control.value}", {name: not control.value}
        elif isinstance(control, ipywidgets.FloatLogSlider):
            yield f"{name}=min", {name: control.base ** control.min}
            yield f"{name}=max", {name: control.base ** control.max}
        else:
            yield f"{name}=min", {name: control.min}
            yield f"{name}=max", {name: control.max}


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_no_text_collides_at_start_or_at_any_extreme(name):
    explorer = EXPLORERS[name]()
    start = explorer.values()
    found = [f"at start: {p}" for p in layout_problems(explorer)]
    for label, values in list(settings(explorer)):
        for control, value in values.items():
            explorer.controls[control].value = value
        assert not explorer.errors.outputs, (label, explorer.errors.outputs)
        found += [f"at {label}: {p}" for p in layout_problems(explorer)]
        for control, value in start.items():
            explorer.controls[control].value = value
    assert not found, "\n".join(found)


def test_the_layout_check_can_fail():
    """The check sees a label pushed off the figure, two texts on each other, a marker on a
    legend."""
    explorer = EXPLORERS["m1.imbalance"]()
    assert layout_problems(explorer) == []
    ax = explorer.figure.axes[0]
    ax.text(0.3, 0.1, "one label")
    ax.text(0.32, 0.11, "another label")
    ax.text(3.5, 0.5, "off the edge", transform=ax.transAxes)
    legend = ax.get_legend()
    ax.plot([0.95], [0.5], "o", markersize=9, label="on the legend")   # loc="center right"
    problems = "\n".join(layout_problems(explorer))
    assert "texts overlap: 'one label' and 'another label'" in problems
    assert "text outside the figure: 'off the edge'" in problems
    assert "marker on the legend: 'on the legend'" in problems
    assert legend.get_visible()


# --- toggle buttons --------------------------------------------------------------------------


def _toggles():
    for name, factory in sorted(EXPLORERS.items()):
        for control_name, control in factory().controls.items():
            if isinstance(control, ipywidgets.ToggleButtons):
                yield f"{name}.{control_name}", control


def _em(size: str) -> float:
    assert size.endswith("em"), f"width {size!r} is not in em"
    return float(size.removesuffix("em"))


def button_problems(control) -> list[str]:
    """How a toggle-button control breaks the fitting rule (empty when it keeps it)."""
    problems = []
    labels = list(control._options_labels)
    width = control.style.button_width
    if width != "auto":
        if not width:
            return ["no button_width: ipywidgets' fixed 148 px cuts long labels"]
        problems += [f"label {label!r} needs {course_widgets.button_width_em(label):.1f}em, "
                     f"button is {width}"
                     for label in labels if course_widgets.button_width_em(label) > _em(width)]
        row = (_em(control.style.description_width)
               + len(labels) * (_em(width) + course_widgets.BUTTON_GAP_EM))
    else:
        row = course_widgets.toggle_row_width_em(labels)
    if not control.layout.width or _em(control.layout.width) < row:
        problems.append(f"the row needs {row:.1f}em, the control is {control.layout.width}: "
                        "its buttons wrap onto two rows")
    return problems


def test_there_are_toggle_buttons_to_check():
    assert {name for name, _ in _toggles()} == {
        "m1.calibration.method", "m2.sampling.design", "m3.latency.model_size",
        "m3.silence.grain", "m4.retraining.policy"}


def test_every_toggle_button_label_fits():
    found = {name: button_problems(control) for name, control in _toggles()}
    assert not any(found.values()), found


def test_the_button_rule_can_fail():
    narrow = ipywidgets.ToggleButtons(options=["never", "performance-triggered"],
                                      description="Retrain",
                                      style={"description_width": "14em",
                                             "button_width": "10.5em"},
                                      layout=ipywidgets.Layout(width="64em"))
    assert any("performance-triggered" in p for p in button_problems(narrow))
    default = ipywidgets.ToggleButtons(options=["small", "medium", "large"])
    assert button_problems(default)
    wrapping = course_widgets.toggle_buttons("Model", "tip", ["small", "medium", "large"],
                                             "small")
    assert button_problems(wrapping) == []
    wrapping.layout.width = "32em"
    assert "wrap" in " ".join(button_problems(wrapping))


# --- captions name the colours the chart uses -----------------------------------------------

#: The words a caption may use for each colour of the palette ("red" alone names none: the
#: course's red is Okabe-Ito's vermillion, which reads as orange-red on screen).
COLOUR_WORDS = {
    "black": OKABE_ITO["black"], "orange": OKABE_ITO["orange"],
    "light blue": OKABE_ITO["sky_blue"], "sky blue": OKABE_ITO["sky_blue"],
    "green": OKABE_ITO["green"], "yellow": OKABE_ITO["yellow"], "blue": OKABE_ITO["blue"],
    "red-orange": OKABE_ITO["vermillion"], "purple": OKABE_ITO["purple"],
    "pink": OKABE_ITO["purple"], "grey": OKABE_ITO["grey"], "white": "#ffffff",
}
_COLOUR_RE = re.compile(r"\b(red-orange|light blue|sky blue|red|orange|blue|green|grey|gray|"
                        r"black|purple|pink|yellow|white)\b")


def caption_colours(caption: str) -> list[str]:
    return _COLOUR_RE.findall(caption.lower())


def figure_colours(figure) -> set[str]:
    """Hex colours of every line, marker, patch, collection and text of the figure."""
    found = set()
    for artist in figure.findobj():
        getters = ("get_color", "get_markerfacecolor", "get_markeredgecolor",
                   "get_facecolor", "get_edgecolor")
        for getter in getters:
            if not hasattr(artist, getter):
                continue
            try:
                colours = to_rgba_array(getattr(artist, getter)())
            except (ValueError, TypeError):
                continue
            found |= {to_hex(c[:3]) for c in colours}
    return found


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_captions_name_colours_the_chart_uses(name):
    explorer = EXPLORERS[name]()
    used = figure_colours(explorer.figure)
    start = explorer.values()
    for _, values in list(settings(explorer)):       # some colours show only at an extreme
        for control, value in values.items():
            explorer.controls[control].value = value
        used |= figure_colours(explorer.figure)
        for control, value in start.items():
            explorer.controls[control].value = value
    caption = explorer.caption.value
    for word in caption_colours(caption):
        assert word in COLOUR_WORDS, f"{name}: the caption says {word!r}, which names no " \
                                     f"chart colour (say one of {sorted(COLOUR_WORDS)})"
        assert COLOUR_WORDS[word].lower() in used, f"{name}: the caption says {word!r} but " \
                                                   "the chart has no such colour"


def test_the_caption_check_can_fail():
    assert caption_colours("the SLA (dashed red)") == ["red"]
    assert caption_colours("the SLA (dashed red-orange), ringed") == ["red-orange"]
    explorer = EXPLORERS["m1.imbalance"]()
    assert OKABE_ITO["yellow"].lower() not in figure_colours(explorer.figure)
