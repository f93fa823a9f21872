"""Module 3's exercises as grading cases (see tests/m1_cases.py for the shape)."""

MODULE = "m3_system_awareness"

CASES = {
    "q1": {
        "notebook": "01_latency_and_cost",
        "misconceptions": {
            "declares the SLA met from the point estimate": (
                'p99_ms = log["latency_ms"].quantile(0.99)\n'
                'low, p99_upper_ms = latency.percentile_interval(samples_ms=log["latency_ms"])\n'
                'sla_verdict = "meets"'),
            "judges the SLA by the slowest message": (
                'p99_ms = log["latency_ms"].max()\n'
                'low, p99_upper_ms = latency.percentile_interval(samples_ms=log["latency_ms"])\n'
                'sla_verdict = "does not meet"'),
            "reads the mean as the SLA number": (
                'p99_ms = log["latency_ms"].mean()\n'
                'low, p99_upper_ms = latency.percentile_interval(samples_ms=log["latency_ms"])\n'
                'sla_verdict = "cannot tell yet"'),
        },
    },
    "q2": {
        "notebook": "01_latency_and_cost",
        "misconceptions": {
            "adds the two p99s and holds the filter": (
                "import numpy as np\n"
                'p99_with_filter_ms = fast_log["latency_ms"].quantile(0.99) + '
                "np.percentile(filter_ms, 99)\n"
                'estimate = "about right"\ndecision = "hold the filter"'),
            "adds 300 ms to the old p99": (
                'p99_with_filter_ms = fast_log["latency_ms"].quantile(0.99) + 300\n'
                'estimate = "too high"\ndecision = "ship the filter now"'),
            "adds per message but waits for more traffic": (
                "import numpy as np\n"
                'total = fast_log["latency_ms"].to_numpy() + filter_ms\n'
                "p99_with_filter_ms = np.percentile(total, 99)\n"
                'estimate = "too high"\ndecision = "collect more traffic first"'),
        },
    },
    "q3": {
        "notebook": "01_latency_and_cost",
        "misconceptions": {
            "drops the quality floor": (
                'ok = configs[configs["safety_filter"] & (configs["p99_ms"] <= 1200)]\n'
                'best = ok.sort_values("cost_per_1k").iloc[0]\n'
                'model_size = best["model_size"]\ncost_per_1k = float(best["cost_per_1k"])'),
            "checks the median instead of p99": (
                'ok = configs[configs["safety_filter"] & (configs["quality"] >= 80)\n'
                '             & (configs["p50_ms"] <= 1200)]\n'
                'best = ok.sort_values("cost_per_1k").iloc[0]\n'
                'model_size = best["model_size"]\ncost_per_1k = float(best["cost_per_1k"])'),
            "forgets the safety filter": (
                'ok = configs[(configs["quality"] >= 80) & (configs["p99_ms"] <= 1200)]\n'
                'best = ok.sort_values("cost_per_1k").iloc[0]\n'
                'model_size = "large"\ncost_per_1k = float(best["cost_per_1k"])'),
        },
    },
    "q4": {
        "notebook": "02_cascades_and_caching",
        "misconceptions": {
            "builds the cascade because it fits the budget": (
                "threshold = cascade.best_threshold_within(budget_per_month=3000)\n"
                "quality = cascade.compute(threshold, budget_per_month=3000).quality\n"
                'deploy = "the cascade"'),
            "escalates everything for quality": (
                "threshold = 1.0\nquality = cascade.compute(1.0).quality\n"
                'deploy = "the large model alone"'),
            "keeps the starting threshold": (
                "threshold = 0.7\nquality = cascade.compute(0.7).quality\n"
                'deploy = "the medium model alone"'),
            "picks the cheapest model": (
                "threshold = cascade.best_threshold_within(budget_per_month=3000)\n"
                "quality = cascade.compute(threshold, budget_per_month=3000).quality\n"
                'deploy = "the small model alone"'),
        },
    },
    "q5": {
        "notebook": "02_cascades_and_caching",
        "misconceptions": {
            "takes finance's saving": (
                "at_30 = cache.cache_tradeoff(ttl_days=30, retrain_every_days=10)\n"
                "at_10 = cache.cache_tradeoff(ttl_days=10, retrain_every_days=10)\n"
                "stale_share_at_30 = at_30.stale_share\n"
                "monthly_saving = at_10.monthly_recompute_cost - at_30.monthly_recompute_cost\n"
                'decision = "30-day ttl"'),
            "keeps the old weekly cadence": (
                "stale_share_at_30 = cache.cache_tradeoff(30).stale_share\n"
                "monthly_saving = (cache.cache_tradeoff(7).monthly_recompute_cost\n"
                "                  - cache.cache_tradeoff(30).monthly_recompute_cost)\n"
                'decision = "recompute on every retrain"'),
            "flushes daily to be safe": (
                "at_30 = cache.cache_tradeoff(ttl_days=30, retrain_every_days=10)\n"
                "stale_share_at_30 = at_30.stale_share\n"
                "monthly_saving = (cache.cache_tradeoff(1, retrain_every_days=10)"
                ".monthly_recompute_cost\n"
                "                  - at_30.monthly_recompute_cost)\n"
                'decision = "daily ttl"'),
        },
    },
    "q6": {
        "notebook": "03_monitoring",
        "misconceptions": {
            "bins by equal widths": (
                "import numpy as np\n"
                "edges = np.linspace(min(reference.min(), current.min()),\n"
                "                    max(reference.max(), current.max()), 11)\n"
                "r = np.maximum(np.histogram(reference, edges)[0] / len(reference), 1e-4)\n"
                "c = np.maximum(np.histogram(current, edges)[0] / len(current), 1e-4)\n"
                "psi_value = float(np.sum((c - r) * np.log(c / r)))\n"
                'verdict = "changed"\naction = "label a sample and measure"'),
            "uses a base-10 logarithm": (
                "import numpy as np\n"
                "edges = monitoring.quantile_edges(reference)\n"
                "r = np.maximum(monitoring.binned_shares(reference, edges), 1e-4)\n"
                "c = np.maximum(monitoring.binned_shares(current, edges), 1e-4)\n"
                "psi_value = float(np.sum((c - r) * np.log10(c / r)))\n"
                'verdict = "no change"\naction = "no action"'),
            "retrains at the alarm": (
                "psi_value = monitoring.psi(reference=reference, current=current)\n"
                'verdict = "changed"\naction = "retrain now"'),
        },
    },
    "q7": {
        "notebook": "03_monitoring",
        "misconceptions": {
            "trusts the p-value on a huge sample": (
                'case_a = "data drift"\ncase_b = "concept drift"\ncase_c = "data drift"\n'
                'first_action_a = "find what changed upstream"'),
            "retrains at the first alarm": (
                'case_a = "data drift"\ncase_b = "concept drift"\n'
                'case_c = "no meaningful drift"\nfirst_action_a = "retrain now"'),
            "looks only at the input monitors": (
                'case_a = "data drift"\ncase_b = "no meaningful drift"\n'
                'case_c = "no meaningful drift"\nfirst_action_a = "find what changed upstream"'),
        },
    },
    "q8": {
        "notebook": "02_cascades_and_caching",
        "misconceptions": {
            "runs everything in real time": (
                'case_a = case_b = "real time"\ncase_c = "server"\n'
                'case_d = "log the model version with every prediction"'),
            "keeps only the latest model": (
                'case_a = "batch"\ncase_b = "real time"\ncase_c = "edge"\n'
                'case_d = "keep only the latest model"'),
        },
    },
}

WRITTEN = {"w1_answer": "03_monitoring"}

CHEATS = {
    "q1": ("q1.check = lambda **answers: None\n"
           "p99_ms = p99_upper_ms = 1.0\nsla_verdict = \"meets\""),
    "q6": ("class Anything(float):\n"
           "    def __eq__(self, other):\n"
           "        return True\n"
           "    __hash__ = float.__hash__\n"
           "q6.check = lambda **answers: None\n"
           'psi_value = Anything(0.9)\nverdict = "major change"'),
}
