"""Module 3, system awareness: latency, cost, caching, cascades and monitoring."""
