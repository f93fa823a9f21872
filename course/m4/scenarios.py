"""Seeded synthetic data for Module 4's exercises (the explorers simulate their own).

- Quillio's A/B experiments: four tests of new chatbot versions, as counts.
- Quillio's conversations on the night complaints doubled: platform, app and OS version,
  region and model version per conversation, and whether the customer complained that the
  answer was wrong.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

INCIDENT_SEED = 91

#: Planned conversations per arm for every experiment below: the power analysis for a
#: 2-point lift on a 30% resolution rate, 80% power, two-sided alpha 0.05 (statsmodels'
#: NormalIndPower with proportion_effectsize, rounded up; tests/test_m4_exercises.py
#: recomputes it).
PLANNED_PER_ARM = 8_393


def quillio_experiments() -> pd.DataFrame:
    """Four live A/B tests of new chatbot versions: conversations resolved without a human.

    Columns: ``experiment``, ``planned_per_arm``, ``control_n``, ``control_resolved``,
    ``treatment_n``, ``treatment_resolved``. Customers were meant to be split 50/50. Test C
    is still running; test D's arms are of unequal size (a sample-ratio mismatch: a crash in
    the new version's chat window sent some customers, those with the hardest questions,
    back to the current version).
    """
    rows = [
        ("A", PLANNED_PER_ARM, 8_393, 2_518, 8_393, 2_719),
        ("B", PLANNED_PER_ARM, 8_393, 2_529, 8_393, 2_576),
        ("C", PLANNED_PER_ARM, 2_600, 775, 2_600, 852),
        ("D", PLANNED_PER_ARM, 8_900, 2_670, 8_393, 2_853),
    ]
    return pd.DataFrame(rows, columns=["experiment", "planned_per_arm", "control_n",
                                       "control_resolved", "treatment_n",
                                       "treatment_resolved"]).set_index("experiment")


def quillio_incident(seed: int = INCIDENT_SEED) -> pd.DataFrame:
    """Conversations on the night before and the night after complaints doubled.

    Columns: ``night`` ("before", "after"), ``platform`` (ios, android, web), ``app_version``,
    ``os_version``, ``region`` (americas, europe, asia), ``model_version`` (v14 everywhere
    before; after, v15 serves a 20% canary), ``complained`` (0/1: the customer reported a
    wrong answer).

    What happened (the exercise's answer, kept out of the notebook): overnight, Android 15
    reached half of the Android phones (none had it the night before), and the app's text input on Android 15 drops everything after the
    first line break, so the model answers a truncated question. The new model version that
    went out the same night is not involved.
    """
    rng = np.random.default_rng(seed)
    frames = []
    for night, n in (("before", 24_000), ("after", 24_500)):
        platform = rng.choice(["ios", "android", "web"], size=n, p=[0.5, 0.32, 0.18])
        region = rng.choice(["americas", "europe", "asia"], size=n, p=[0.45, 0.35, 0.2])
        # The OS update started reaching phones after the "before" night: nobody had it yet.
        android15_share = 0.0 if night == "before" else 0.5
        os_version = np.where(
            platform == "android",
            np.where(rng.random(n) < android15_share, "android 15", "android 14"),
            np.where(platform == "ios", rng.choice(["ios 18", "ios 17"], size=n, p=[0.7, 0.3]),
                     "web"))
        app_version = np.where(platform == "web", "web",
                               rng.choice(["5.2", "5.1"], size=n, p=[0.8, 0.2]))
        model_version = np.where((night == "after") & (rng.random(n) < 0.2), "v15", "v14")
        base = 0.022 + 0.004 * (region == "asia")
        broken = (os_version == "android 15") & (night == "after")
        p = np.where(broken, 0.16, base)
        frames.append(pd.DataFrame({
            "night": night, "platform": platform, "app_version": app_version,
            "os_version": os_version, "region": region, "model_version": model_version,
            "complained": (rng.random(n) < p).astype(int),
        }))
    return pd.concat(frames, ignore_index=True)
