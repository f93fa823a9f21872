"""Colours and number formats shared by every explorer.

The palette is Okabe & Ito's colour-blind-safe set. Nothing here changes global matplotlib
state: explorers pass colours to each artist explicitly.
"""

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}

# Roles, so that every chart in the course uses one colour for one meaning.
COLORS = {
    "precision": OKABE_ITO["blue"],
    "recall": OKABE_ITO["orange"],
    "f1": OKABE_ITO["green"],
    "cost": OKABE_ITO["vermillion"],
    "marker": OKABE_ITO["black"],
    "train": OKABE_ITO["blue"],
    "validation": OKABE_ITO["orange"],
    "holdout": OKABE_ITO["vermillion"],
    "reference": OKABE_ITO["grey"],
    "highlight": OKABE_ITO["purple"],
}

# Line styles double-encode the series so a chart still reads in greyscale.
LINESTYLES = {"precision": "-", "recall": "--", "f1": ":", "cost": "-.",
              "train": "-", "validation": "--", "holdout": "-."}


def money(amount: float) -> str:
    """Format dollars for a reading: ``$18,400`` (whole dollars, thousands separators)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.0f}"


def count(n: float) -> str:
    """Format a count of things for a reading: ``1,240``."""
    return f"{n:,.0f}"


def pct(fraction: float, places: int = 1) -> str:
    """Format a fraction (0.0123) as a percentage (``1.2%``)."""
    return f"{100 * fraction:.{places}f}%"
