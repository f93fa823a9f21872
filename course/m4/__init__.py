"""Module 4, deployment judgment: retraining, experiments, rollouts, humans in the loop."""
