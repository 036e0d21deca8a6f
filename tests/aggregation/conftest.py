"""Shared fixtures: the real crowd datasets in ../shared/datasets/crowd, integer-coded."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest


def _find_datasets() -> Path:
    """LABELPOOL_CROWD_DATASETS, else ../shared/datasets/crowd beside the checkout, else the
    workplace's /work/shared copy (a clone elsewhere, e.g. in /tmp, still finds it)."""
    candidates = [
        os.environ.get("LABELPOOL_CROWD_DATASETS", ""),
        str(Path(__file__).resolve().parents[3] / "shared" / "datasets" / "crowd"),
        "/work/shared/datasets/crowd",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "rte" / "labels.csv").is_file():
            return Path(candidate)
    return Path(candidates[1])


DATASETS = _find_datasets()
CATEGORICAL = ["d_possent", "d_product", "dog", "rte", "s_rel"]


@dataclass
class Coded:
    df: Any  # pandas.DataFrame with worker, task, label (what Crowd-Kit takes)
    workers: np.ndarray
    tasks: np.ndarray
    labels: np.ndarray
    task_names: np.ndarray
    classes: np.ndarray
    gold_mask: np.ndarray
    gold: np.ndarray

    def accuracy(self, codes: np.ndarray) -> float:
        return float((self.classes[codes][self.gold_mask] == self.gold).mean())

    def accuracy_of_series(self, series: Any) -> float:  # a pandas.Series by task name
        values = series.reindex(self.task_names).to_numpy()
        return float((values[self.gold_mask] == self.gold).mean())


_cache: dict[str, Coded] = {}


def load(name: str) -> Coded:
    if name not in _cache:
        pd = pytest.importorskip("pandas")
        df = pd.read_csv(DATASETS / name / "labels.csv")
        gold = pd.read_csv(DATASETS / name / "gold.csv").set_index("task")["label"]
        workers, _ = pd.factorize(df["worker"])
        task_names, tasks = np.unique(df["task"].to_numpy(), return_inverse=True)
        labels, classes = pd.factorize(df["label"])  # first-appearance order, like Crowd-Kit
        mask = np.isin(task_names, gold.index)
        _cache[name] = Coded(
            df=df,
            workers=np.asarray(workers),
            tasks=np.asarray(tasks).reshape(-1),
            labels=np.asarray(labels),
            task_names=task_names,
            classes=np.asarray(classes),
            gold_mask=mask,
            gold=gold.reindex(task_names[mask]).to_numpy(),
        )
    return _cache[name]


@pytest.fixture(scope="session")
def datasets_dir() -> Path:
    if not DATASETS.is_dir():
        pytest.skip("shared crowd datasets not available")
    return DATASETS
