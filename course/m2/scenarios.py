"""Seeded synthetic data for Module 2's exercises (the explorers' data lives beside them).

- Pantry Dash's feature store: daily feature rows per store, fed by four sources, one of
  which stops sending values and one of which starts sending a default that looks like data.
- Pantry Dash's delivery events and the monitoring script that cleans them: one of its
  filters drops a large share of rows at peak hours.
- Pantry Dash's rider-churn table, with a feature whose missing values mean "zero".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FEATURE_STORE_SEED = 51
EVENTS_SEED = 61
RIDERS_SEED = 71

#: Which upstream source fills each feature of the store table.
FEATURE_SOURCES = {
    "basket_size": "app_events",
    "coupon_share": "app_events",
    "temp_c": "weather_api",
    "promo_active": "marketing_feed",
    "stock_level": "inventory_feed",
}

_WEATHER_OUTAGE = "2025-03-18"    # the weather feed stops answering for the east region
_INVENTORY_DEFAULT = "2025-04-07"  # the inventory feed starts writing its default, 0.0


def pantry_dash_feature_store(seed: int = FEATURE_STORE_SEED) -> pd.DataFrame:
    """Pantry Dash's daily feature rows: one row per store and day, Feb-Apr 2025.

    Columns: ``date``, ``store_id``, ``region`` (north, south, east), then one column per
    feature of :data:`FEATURE_SOURCES`. ``coupon_share`` is empty for stores outside the
    coupon programme (about half of them) by design.
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2025-02-01", "2025-04-30", freq="D")
    stores = np.arange(1, 41)
    region_of = dict(zip(stores, np.repeat(["north", "south", "east"], [14, 13, 13]),
                         strict=True))
    in_coupons = dict(zip(stores, rng.random(stores.size) < 0.5, strict=True))
    grid = pd.MultiIndex.from_product([dates, stores], names=["date", "store_id"])
    df = grid.to_frame(index=False)
    n = len(df)
    df["region"] = df["store_id"].map(region_of)
    doy = df["date"].dt.day_of_year.to_numpy()
    df["basket_size"] = rng.gamma(9, 3.2, n).round(2)
    df["coupon_share"] = np.where(df["store_id"].map(in_coupons), rng.beta(2, 8, n).round(3),
                                  np.nan)
    df["temp_c"] = (4 + 0.12 * (doy - 32) + rng.normal(0, 3, n)).round(1)
    df["promo_active"] = (rng.random(n) < 0.15).astype(int)
    df["stock_level"] = rng.normal(0.72, 0.12, n).clip(0.05, 1).round(3)
    # Everyday noise: a few values go missing at random.
    for col, rate in (("basket_size", 0.01), ("temp_c", 0.004)):
        df.loc[rng.random(n) < rate, col] = np.nan
    # The weather feed stops answering for the east region (visible as nulls).
    outage = (df["date"] >= _WEATHER_OUTAGE) & (df["region"] == "east")
    df.loc[outage, "temp_c"] = np.nan
    # The inventory feed stops updating and the loader writes its default (not visible as nulls).
    df.loc[df["date"] >= _INVENTORY_DEFAULT, "stock_level"] = 0.0
    return df


# The monitoring script, as the data team wrote it. The text is what the notebook shows and
# exactly what runs: clean_events below is compiled from it.
MONITOR_SCRIPT = '''\
def clean_events(raw):
    """One row per finished delivery, ready for the hourly dashboard."""
    events = raw.drop_duplicates(subset="event_id")
    events = events[events["status"].isin(["delivered", "cancelled"])]
    events = events.dropna(subset=["eta_minutes"])
    events = events[events["order_value"] > 0]
    return events
'''
_namespace: dict = {}
exec(compile(MONITOR_SCRIPT, "monitor_script.py", "exec"), _namespace)  # noqa: S102
clean_events = _namespace["clean_events"]

PEAK_HOURS = range(18, 22)   # 18:00-21:59


def numbered(script: str = MONITOR_SCRIPT) -> str:
    """The script with line numbers, as a code reviewer would quote it."""
    return "\n".join(f"{i:>2}  {line}" for i, line in enumerate(script.splitlines(), 1))


def pantry_dash_events(seed: int = EVENTS_SEED, days: int = 7) -> pd.DataFrame:
    """A week of Pantry Dash delivery events (1-7 April 2025) as the warehouse delivers them.

    Columns: ``event_id``, ``timestamp``, ``hour`` (0-23), ``status`` (delivered, cancelled,
    in_progress), ``eta_minutes`` (the ETA service's estimate; empty when the service timed
    out, which happens more under load), ``order_value`` (dollars; 0 for internal test
    orders). About 1% of events arrive twice.
    """
    rng = np.random.default_rng(seed)
    hourly = np.array([2, 1, 1, 1, 1, 2, 5, 9, 12, 13, 14, 18, 26, 22, 14, 12, 15, 24,
                       42, 48, 44, 30, 12, 5], dtype=float)
    frames = []
    for day in range(days):
        counts = rng.poisson(hourly * 9)
        for hour, k in enumerate(counts):
            start = pd.Timestamp("2025-04-01") + pd.Timedelta(days=day, hours=hour)
            load = hourly[hour] / hourly.max()
            frames.append(pd.DataFrame({
                "timestamp": start + pd.to_timedelta(np.sort(rng.random(k)) * 3600, unit="s"),
                "hour": hour,
                "status": rng.choice(["delivered", "cancelled", "in_progress"], size=k,
                                     p=[0.86, 0.06, 0.08]),
                "eta_minutes": np.where(rng.random(k) < 0.01 + 0.5 * load ** 3, np.nan,
                                        rng.gamma(6, 5, k).round(1)),
                "order_value": np.where(rng.random(k) < 0.01, 0.0,
                                        rng.gamma(5, 9, k).round(2)),
            }))
    events = pd.concat(frames, ignore_index=True)
    events.insert(0, "event_id", np.arange(100_001, 100_001 + len(events)))
    dupes = events.sample(frac=0.01, random_state=seed)
    return pd.concat([events, dupes]).sort_values("timestamp", kind="stable").reset_index(
        drop=True)


def pantry_dash_riders(seed: int = RIDERS_SEED, n: int = 4_000) -> pd.DataFrame:
    """Pantry Dash's riders and whether they left within the next month.

    Columns: ``rider_id``, ``orders_last_30d`` (empty when the rider delivered nothing in
    the last 30 days: the source table has no row for them, so a join leaves a gap that
    means zero), ``avg_rating`` (1-5), ``tenure_days``, ``churned`` (0/1).
    """
    rng = np.random.default_rng(seed)
    active = rng.random(n) < 0.75
    orders = np.where(active, rng.poisson(rng.gamma(3, 9, n)) + 1, 0)
    rating = (4.6 - 0.5 * rng.random(n) ** 2 + rng.normal(0, 0.15, n)).clip(1, 5).round(2)
    tenure = rng.integers(5, 900, n)
    logit = -0.6 - 0.05 * orders + 1.4 * (~active) - 0.9 * (rating - 4.4) - 0.001 * tenure
    churned = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame({
        "rider_id": np.arange(1, n + 1),
        "orders_last_30d": np.where(active, orders, np.nan),
        "avg_rating": rating,
        "tenure_days": tenure,
        "churned": churned,
    })


RIDER_FEATURES = ["orders_last_30d", "avg_rating", "tenure_days"]


def riders_split(riders: pd.DataFrame | None = None):
    """The fixed train/test split of the riders (75/25, stratified by churn, seed 0)."""
    from sklearn.model_selection import train_test_split

    riders = pantry_dash_riders() if riders is None else riders
    return train_test_split(riders, test_size=0.25, random_state=0,
                            stratify=riders["churned"])
