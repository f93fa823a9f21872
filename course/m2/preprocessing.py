"""Three ways Pantry Dash's team might prepare the rider-churn features (one is right).

Each snippet is a short function a PM can read. The notebook prints their source with
:func:`source` and runs them; the exercise asks which one to trust and what the others did.
All three fill the gaps in ``orders_last_30d`` with 0, because a gap there means the rider
delivered nothing; they differ in the order of the steps and in what the steps are fitted on.
"""

from __future__ import annotations

import inspect

import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from course.m2.scenarios import RIDER_FEATURES


def snippet_a(train: pd.DataFrame, test: pd.DataFrame):
    model = make_pipeline(
        StandardScaler(),
        SimpleImputer(strategy="constant", fill_value=0),
        LogisticRegression(),
    )
    model.fit(train[RIDER_FEATURES], train["churned"])
    return model


def snippet_b(train: pd.DataFrame, test: pd.DataFrame):
    model = make_pipeline(
        SimpleImputer(strategy="constant", fill_value=0),
        StandardScaler(),
        LogisticRegression(),
    )
    model.fit(train[RIDER_FEATURES], train["churned"])
    return model


def snippet_c(train: pd.DataFrame, test: pd.DataFrame):
    everything = pd.concat([train, test])
    imputer = SimpleImputer(strategy="constant", fill_value=0).fit(everything[RIDER_FEATURES])
    scaler = StandardScaler().fit(imputer.transform(everything[RIDER_FEATURES]))
    model = make_pipeline(imputer, scaler, LogisticRegression())
    model[-1].fit(scaler.transform(imputer.transform(train[RIDER_FEATURES])), train["churned"])
    return model


SNIPPETS = {"A": snippet_a, "B": snippet_b, "C": snippet_c}


def source(name: str) -> str:
    """The source code of snippet ``name`` ("A", "B" or "C")."""
    return inspect.getsource(SNIPPETS[name])


def test_auc(model, test: pd.DataFrame) -> float:
    """ROC-AUC of a fitted snippet's churn scores on the test riders."""
    return float(roc_auc_score(test["churned"], model.predict_proba(test[RIDER_FEATURES])[:, 1]))
