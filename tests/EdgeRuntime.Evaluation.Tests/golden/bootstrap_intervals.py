#!/usr/bin/python3
"""Golden bootstrap intervals from scikit-learn (Debian python3-sklearn) and numpy: given samples' truth and
predictions and the resamples (index sets) to use, each metric is computed by scikit-learn on every resample and its
2.5 and 97.5 percentiles taken by numpy (linear interpolation). Reads one JSON document from the file named by the
first argument; prints one."""
import json
import sys
import warnings

import numpy as np
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, precision_score, recall_score

warnings.simplefilter("ignore")  # a resample without some class: scikit-learn warns, and scores it as we do
case = json.load(open(sys.argv[1]))
truth, predicted, classes = np.array(case["truth"]), np.array(case["predicted"]), case["classes"]
labels = list(range(classes))
values = {"accuracy": [], "balancedAccuracy": [], "macroF1": [], "precision": [], "recall": [], "f1": []}
for ix in case["resamples"]:
    t, p = truth[ix], predicted[ix]
    values["accuracy"].append(accuracy_score(t, p))
    values["balancedAccuracy"].append(balanced_accuracy_score(t, p))
    values["macroF1"].append(f1_score(t, p, average="macro", zero_division=0))
    values["precision"].append(precision_score(t, p, labels=labels, average=None, zero_division=0))
    values["recall"].append(recall_score(t, p, labels=labels, average=None, zero_division=0))
    values["f1"].append(f1_score(t, p, labels=labels, average=None, zero_division=0))
out = {}
for name, v in values.items():
    # Headline metrics: [low, high]; per class: a [low, high] per class.
    out[name] = np.percentile(np.array(v), [2.5, 97.5], axis=0).T.tolist()
print(json.dumps(out))
