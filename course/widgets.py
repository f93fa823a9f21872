"""Shared view machinery for the course's explorers (interactive trade-off widgets).

An explorer is a view over a pure model module that has ``compute(**settings)`` and
``reading(result)``. The view only wires controls to the model:

- ``controls`` maps each *keyword of the model's* ``compute`` to one keyboard-operable
  control, so the current settings are always ``compute(**explorer.values())``;
- ``figure`` is a plain ``matplotlib.figure.Figure`` made once (no pyplot, no global style);
  each update moves its artists and re-renders it as a PNG into ``image``, which displays the
  same way in classic Jupyter, JupyterLab and Voila without a matplotlib widget backend;
- rendering blits: axes, ticks, legends and slow-changing curves are drawn once into a
  background; an update restores that background and draws only the artists registered
  with ``animate`` (the ones the primary control moves). Ticks and legends are most of
  matplotlib's drawing time, so this keeps a slider step to a few milliseconds of drawing.
  The background is redrawn whenever an axis range or ``background_key(result)`` changes;
- ``reading`` is the model's one-line reading, announced politely to screen readers;
- ``errors`` receives the traceback if an update fails; the callback itself never raises.

Constructors never call ``display()``: a notebook shows an explorer by ending a cell with it.
"""

from __future__ import annotations

import html
import inspect
import math
import traceback
from io import BytesIO
from typing import Any

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from PIL import Image as PILImage

from course.style import COLORS

#: Default chart size (inches) and resolution (dots per inch); about 770 x 290 pixels.
FIGSIZE = (9.0, 3.4)
DPI = 85
#: zlib level for the PNG: 1 is several times faster than the default 6 for a few KB more.
PNG_COMPRESS_LEVEL = 1
#: Every control's ``style`` (the width of its description column) and ``layout`` (its
#: width); pass copies, e.g. ``style=dict(DESCRIPTION_STYLE)``, ``Layout(**CONTROL_LAYOUT)``.
DESCRIPTION_STYLE = {"description_width": "14em"}
CONTROL_LAYOUT = {"width": "32em"}
#: Font sizes (points) of a chart's titles, axis labels (tick labels are one smaller) and
#: legends.
TITLE_SIZE = 10
LABEL_SIZE = 9
LEGEND_SIZE = 8
#: ``bbox`` of a label drawn over lines or bars: a light white box (``pad`` in points).
LABEL_BOX = {"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1.0}


def compute_defaults(function) -> dict[str, Any]:
    """Keyword defaults of a model's ``compute`` (or any function), so views start where the
    model does."""
    return {name: p.default for name, p in inspect.signature(function).parameters.items()
            if p.default is not inspect.Parameter.empty}


def _styled(control_class, description: str, tooltip: str, **options) -> widgets.Widget:
    options.setdefault("style", dict(DESCRIPTION_STYLE))
    options.setdefault("layout", widgets.Layout(**CONTROL_LAYOUT))
    return control_class(description=description, tooltip=tooltip, **options)


def float_slider(description: str, tooltip: str, **options) -> widgets.FloatSlider:
    """A float slider that updates on release (or on each arrow-key step)."""
    return _styled(widgets.FloatSlider, description, tooltip, continuous_update=False, **options)


def int_slider(description: str, tooltip: str, **options) -> widgets.IntSlider:
    """An integer slider that updates on release (or on each arrow-key step)."""
    return _styled(widgets.IntSlider, description, tooltip, continuous_update=False, **options)


def log_slider(description: str, tooltip: str, *, low: float, high: float, value: float,
               steps_per_decade: int = 10, readout_format: str = ".1%") -> widgets.FloatLogSlider:
    """A base-10 log slider from ``low`` to ``high`` (values, not exponents)."""
    return _styled(widgets.FloatLogSlider, description, tooltip, continuous_update=False,
                   base=10, min=math.log10(low), max=math.log10(high),
                   step=1 / steps_per_decade, value=value, readout_format=readout_format)


#: The rule that keeps a toggle button's label whole (widgets have no layout engine to ask
#: headless, so the width is computed): JupyterLab draws button labels in its 13 px UI font,
#: whose characters average about 0.55 em (a hyphen or an "i" less, an "m" more), so a label
#: of n characters fits a button ``n * BUTTON_CHAR_EM + BUTTON_PADDING_EM`` em wide (padding
#: and border on both sides included). ``tests/test_layout.py`` checks the rule for every
#: toggle button and ``tests/test_browser.py`` checks, in Chromium, that no label is cut.
BUTTON_CHAR_EM = 0.62
BUTTON_PADDING_EM = 2.6
#: Space between two toggle buttons (their margins), in em.
BUTTON_GAP_EM = 0.4


def button_width_em(label) -> float:
    """The width (em) a toggle button needs to show ``label`` whole."""
    return len(str(label)) * BUTTON_CHAR_EM + BUTTON_PADDING_EM


def toggle_row_width_em(labels) -> float:
    """The width (em) of a toggle-button control with a description column and one button
    per label, all on one row."""
    description_em = float(DESCRIPTION_STYLE["description_width"].removesuffix("em"))
    return description_em + sum(button_width_em(label) + BUTTON_GAP_EM for label in labels)


def toggle_buttons(description: str, tooltip: str, options, value,
                   tooltips=None) -> widgets.ToggleButtons:
    """A row of toggle buttons (Tab to it, arrow keys or Space pick) whose labels always fit.

    ``options`` are values or ``(label, value)`` pairs, as for ``ipywidgets.ToggleButtons``.
    Each button is as wide as its label (``button_width="auto"``: ipywidgets' default is a
    fixed 148 px that cuts long labels short), and the control is wide enough to hold its
    description and every button on one row (``toggle_row_width_em``), so they never wrap.
    """
    options = list(options)
    labels = [option[0] if isinstance(option, tuple) else option for option in options]
    width = max(math.ceil(toggle_row_width_em(labels) + 1), 32)
    return widgets.ToggleButtons(
        description=description, tooltip=tooltip, options=options, value=value,
        tooltips=list(tooltips or []),
        style=dict(DESCRIPTION_STYLE, button_width="auto"),
        layout=widgets.Layout(width=f"{width}em"))


def checkbox(description: str, tooltip: str, value: bool) -> widgets.Checkbox:
    """An indented checkbox laid out like the sliders."""
    return widgets.Checkbox(value=bool(value), description=description, tooltip=tooltip,
                            indent=True, style=dict(DESCRIPTION_STYLE),
                            layout=widgets.Layout(**CONTROL_LAYOUT))


def selection_slider(description: str, tooltip: str, options, value) -> widgets.SelectionSlider:
    """A keyboard-operable slider over labelled choices, updating on release."""
    return widgets.SelectionSlider(
        description=description, tooltip=tooltip, options=options, value=value,
        continuous_update=False, style=dict(DESCRIPTION_STYLE),
        layout=widgets.Layout(**CONTROL_LAYOUT))


# -- chart helpers (plain matplotlib; no model code) ------------------------------------------


def style_axes(ax, title: str | None, xlabel: str, ylabel: str, *,
               axis_below: bool = True) -> None:
    """The course's look for one axes: a left-aligned title (none when ``title`` is None, so
    the axes' own title stays untouched), axis labels, a light grid and no top/right spines.

    ``axis_below`` puts the grid behind bars and patches (``Axes.set_axisbelow(True)``);
    with False the axes keep matplotlib's default order.
    """
    if title is not None:
        ax.set_title(title, fontsize=TITLE_SIZE, loc="left")
    ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=LABEL_SIZE - 1)
    ax.grid(True, color=COLORS["reference"], alpha=0.25, linewidth=0.6)
    if axis_below:
        ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def dynamic_title(ax, y: float = 1.03):
    """A text artist in the title's place, for titles that change on every update.

    ``y`` is its baseline in axes fractions (1 = the top of the axes).
    """
    return ax.text(0, y, "", transform=ax.transAxes, fontsize=TITLE_SIZE, ha="left",
                   va="baseline")


def front_legend(explorer: Explorer, ax, **options):
    """A legend on a white box, on top of the moving lines on every update (so a line
    crossing it never runs through its text). Register it after those lines.

    Drawing a legend is slow (tens of milliseconds), so it is drawn once per background and
    its pixels are pasted over the moving artists on each update (``Explorer.render_png``).
    """
    legend = ax.legend(fontsize=LEGEND_SIZE - 1, frameon=True, facecolor="white",
                       edgecolor="none", framealpha=0.9, **options)
    explorer._pasted.append(legend)
    return explorer.animate(legend)


def short_money(amount: float, _position=None, *, millions: bool = True,
                cents: bool = False) -> str:
    """Axis-tick dollars (usable with ``FuncFormatter``): $950, $12k, $1.2M.

    ``millions=False`` keeps amounts of $1M and more in thousands ($1,200k); ``cents=True``
    shows non-zero amounts under $1 with cents ($0.05) instead of rounding them to $0 or $1.
    """
    if millions and abs(amount) >= 1e6:
        return f"${amount / 1e6:.1f}M"
    if abs(amount) >= 1e3:
        return f"${amount / 1e3:,.0f}k"
    if cents and amount != 0 and abs(amount) < 1:
        return f"${amount:.2f}"
    return f"${amount:,.0f}"


def count_tick(value: float, _position=None) -> str:
    """Axis-tick whole numbers with thousands separators (``FuncFormatter``): 1,200."""
    return f"{value:,.0f}"


def reading_html(text: str) -> str:
    """Wrap a plain-text reading as a live region that screen readers announce."""
    return f'<p role="status" aria-live="polite">{html.escape(text)}</p>'


class Explorer(widgets.VBox):
    """Base class: controls on top, the chart as a PNG, the reading, then an error area.

    Subclasses pass the model module, the controls and the name of the ``primary`` control
    (the slider a benchmark or browser test moves), and implement ``setup(figure)`` (create
    axes and artists once, registering the fast-moving ones with ``animate``),
    ``draw(result)`` (move the artists) and, if any non-animated artist changes,
    ``background_key(result)`` (a value that changes whenever such an artist does).
    """

    def __init__(self, model: Any, controls: dict[str, widgets.Widget], *, primary: str,
                 figsize: tuple[float, float] = FIGSIZE, dpi: int = DPI,
                 chart_description: str = "", **initial: Any):
        unknown = sorted(set(initial) - set(controls))
        if unknown:
            raise TypeError(f"unknown setting(s) {unknown}; this explorer has {list(controls)}")
        if primary not in controls:
            raise ValueError(f"primary control {primary!r} is not one of {list(controls)}")
        for name, value in initial.items():
            controls[name].value = value
        self.model = model
        self.controls = controls
        self.primary = primary
        self.dpi = dpi
        self.result = None
        self.reading_text = ""
        self.figure = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(self.figure)
        self._animated: list = []
        self._pasted: list = []          # animated artists drawn once, then pasted as pixels
        self._pasted_regions: list = []
        self._pending = None             # a deferred update while a key is held
        self._background = None
        self._drawn_key = None
        self.setup(self.figure)
        # No tooltip on Image: ipywidgets 8.1.9 fails to render an Image view that has one.
        self.image = widgets.Image(format="png",
                                   layout=widgets.Layout(max_width="100%", height="auto"))
        self.image.add_class("course-chart")
        # What the chart shows, in words, for screen readers and for anyone skimming.
        self.caption = widgets.HTML(
            f'<small>{html.escape(chart_description)}</small>' if chart_description else "")
        self.caption.add_class("course-caption")
        self.reading = widgets.HTML()
        self.reading.add_class("course-reading")
        self.errors = widgets.Output()
        control_box = widgets.Box(list(controls.values()),
                                  layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__(children=[control_box, self.image, self.caption, self.reading,
                                   self.errors])
        self.add_class("course-explorer")
        controls[primary].add_class("course-primary")   # what browser tests and benches move
        for control in controls.values():
            control.observe(self._changed, names="value")
        self.update()

    # -- for subclasses -------------------------------------------------------------------
    def setup(self, figure: Figure) -> None:
        """Create the axes and every artist that ``draw`` will later move. Called once."""
        raise NotImplementedError

    def draw(self, result: Any) -> None:
        """Move the artists made in ``setup`` to show ``result``."""
        raise NotImplementedError

    def background_key(self, result: Any) -> Any:
        """A value that changes whenever a non-animated artist changes (default: never)."""
        return None

    def animate(self, artist):
        """Register ``artist`` as redrawn on every update (drawn in registration order)."""
        artist.set_animated(True)
        self._animated.append(artist)
        return artist

    # -- the update path ------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """Current control values, keyed by the model's ``compute`` keywords."""
        return {name: control.value for name, control in self.controls.items()}

    def render_png(self, key: Any = None) -> bytes:
        """The figure as PNG bytes (at the figure's dpi), redrawing the background if needed.

        ``key`` is the current ``background_key``; the background is redrawn when it or any
        axis range differs from the last drawn one.
        """
        canvas = self.figure.canvas
        key = (key, [(ax.get_xlim(), ax.get_ylim()) for ax in self.figure.axes])
        if self._background is None or key != self._drawn_key:
            canvas.draw()                      # everything except the animated artists
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._pasted_regions = []
            renderer = canvas.get_renderer()
            for artist in self._pasted:        # front legends: their pixels, once
                self.figure.draw_artist(artist)
                box = artist.get_window_extent(renderer)
                self._pasted_regions.append(canvas.copy_from_bbox(Bbox.from_extents(
                    box.x0 - 1, box.y0 - 1, box.x1 + 1, box.y1 + 1)))
            self._drawn_key = key
        canvas.restore_region(self._background)
        for artist in self._animated:
            if artist not in self._pasted:
                self.figure.draw_artist(artist)
        for region in self._pasted_regions:
            canvas.restore_region(region)
        rgba = canvas.buffer_rgba()
        height, width = rgba.shape[:2]
        picture = PILImage.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1)
        buffer = BytesIO()
        picture.convert("RGB").save(buffer, format="png", compress_level=PNG_COMPRESS_LEVEL)
        return buffer.getvalue()

    def savefig_png(self) -> bytes:
        """The whole figure through ``Figure.savefig`` (slower; for exporting a chart)."""
        buffer = BytesIO()
        for artist in self._animated:
            artist.set_animated(False)
        try:
            self.figure.savefig(buffer, format="png", dpi=self.dpi)
        finally:
            for artist in self._animated:
                artist.set_animated(True)
        self._background = None   # savefig redraws the canvas; rebuild the background next time
        return buffer.getvalue()

    #: How long (seconds) an update waits in a running kernel for the next change of a held
    #: key before drawing: changes that arrive while a chart is being drawn queue up in the
    #: kernel, and are then taken in one go, so only the latest setting is drawn.
    DEFER_S = 0.004

    def _changed(self, change: Any = None) -> None:
        """A control moved. Inside a running event loop (a live kernel) the update is
        deferred by ``DEFER_S`` and restarted by every further change, so a held key draws
        the final setting once instead of every step on the way; outside a kernel (scripts,
        tests) it updates at once. Either way the last update reads
        the controls' current values, so the final reading always matches them."""
        import asyncio
        import sys

        app = sys.modules.get("ipykernel.kernelapp")
        try:
            if app is None or not app.IPKernelApp.initialized():
                raise RuntimeError("not in a kernel")
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.update()
            return
        if self._pending is not None:
            self._pending.cancel()
        self._pending = loop.call_later(self.DEFER_S, self._flush)

    def _flush(self) -> None:
        self._pending = None
        self.update()

    def _show_reading(self, text: str) -> None:
        self.reading_text = text
        self.reading.value = reading_html(text)

    def update(self, change: Any = None) -> None:
        """Recompute from the controls, move the artists, re-render the chart and the reading.

        Never raises: a failure leaves the last good chart in place, says so in the reading
        and puts the traceback in ``errors``.
        """
        try:
            # Looked up on each call, so a replaced (e.g. monkeypatched) compute is honoured.
            result = self.model.compute(**self.values())
            text = self.model.reading(result)
            self.draw(result)
            png = self.render_png(self.background_key(result))
        except Exception as exc:  # a callback must report, never raise
            message = str(exc) or type(exc).__name__
            self.errors.outputs = ()
            self.errors.append_stderr(traceback.format_exc())
            self._show_reading(f"Could not update the chart: {message}. "
                               "Try another value; the error is shown below.")
            return
        self.result = result
        self.image.value = png
        self._show_reading(text)
        if self.errors.outputs:
            self.errors.outputs = ()
