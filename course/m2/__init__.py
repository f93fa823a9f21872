"""Module 2, data fluency: leakage through a groupby, label consistency, sampling."""
