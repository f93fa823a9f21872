"""Module 1, model literacy: thresholds and costs, imbalance, validation, drift, segments."""
