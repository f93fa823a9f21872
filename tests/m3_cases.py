"""Module 3's exercises as grading cases (see tests/m1_cases.py for the shape)."""

MODULE = "m3_system_awareness"

CASES = {
    "q1": {
        "notebook": "01_latency_and_cost",
        "misconceptions": {
            "reads the mean as the SLA number": (
                'ms = log["latency_ms"]\n'
                "p50_ms = ms.mean()\np95_ms = ms.quantile(0.95)\np99_ms = ms.mean()\n"
                'meets_sla = "yes"'),
            "judges the SLA by the slowest message": (
                'ms = log["latency_ms"]\n'
                "p50_ms = ms.quantile(0.5)\np95_ms = ms.quantile(0.95)\np99_ms = ms.max()\n"
                'meets_sla = "no"'),
        },
    },
    "q2": {
        "notebook": "01_latency_and_cost",
        "misconceptions": {
            "adds 300 ms to the old p99": (
                'p99_with_filter_ms = log["latency_ms"].quantile(0.99) + 300\n'
                'still_meets_sla = "no"'),
            "adds the two p99s": (
                "import numpy as np\n"
                'p99_with_filter_ms = log["latency_ms"].quantile(0.99) + '
                "np.percentile(filter_ms, 99)\n"
                'still_meets_sla = "no"'),
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
            "escalates everything for quality": (
                "threshold = 1.0\nquality = cascade.compute(1.0).quality\n"
                'meets_sla = "no"'),
            "keeps the starting threshold": (
                "threshold = 0.7\nquality = cascade.compute(0.7).quality\n"
                'meets_sla = "yes"'),
        },
    },
    "q5": {
        "notebook": "02_cascades_and_caching",
        "misconceptions": {
            "picks the cheapest TTL": (
                "ttl_days = 30\n"
                "monthly_cost = cache.cache_tradeoff(30, retrain_every_days=10)"
                ".monthly_recompute_cost\n"
                "stale_share_at_30 = 0.0"),
            "keeps the old weekly cadence": (
                "ttl_days = 7\n"
                "monthly_cost = cache.cache_tradeoff(7).monthly_recompute_cost\n"
                "stale_share_at_30 = cache.cache_tradeoff(30).stale_share"),
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
                'verdict = "changed"'),
            "uses a base-10 logarithm": (
                "import numpy as np\n"
                "edges = monitoring.quantile_edges(reference)\n"
                "r = np.maximum(monitoring.binned_shares(reference, edges), 1e-4)\n"
                "c = np.maximum(monitoring.binned_shares(current, edges), 1e-4)\n"
                "psi_value = float(np.sum((c - r) * np.log10(c / r)))\n"
                'verdict = "no change"'),
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
           "p50_ms = p95_ms = p99_ms = 1.0\nmeets_sla = \"yes\""),
    "q6": ("class Anything(float):\n"
           "    def __eq__(self, other):\n"
           "        return True\n"
           "    __hash__ = float.__hash__\n"
           "q6.check = lambda **answers: None\n"
           'psi_value = Anything(0.9)\nverdict = "major change"'),
}
