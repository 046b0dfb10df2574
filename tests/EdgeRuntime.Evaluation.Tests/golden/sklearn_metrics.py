#!/usr/bin/python3
"""Golden values for EdgeRuntime.Evaluation's metrics, from scikit-learn (Debian python3-sklearn), on fixed random
predictions. Prints one JSON document: each case's inputs and scikit-learn's answers. The C# tests feed the same
inputs to our code and compare to 1e-9 (the linear probe: its solution, to the solvers' tolerance)."""
import json

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (accuracy_score, balanced_accuracy_score, cohen_kappa_score, confusion_matrix,
                             f1_score, precision_score, recall_score, roc_auc_score)

rng = np.random.default_rng(20261202)


def classification_case(name, n, classes, priors, right, never_predicted=None):
    truth = rng.choice(classes, size=n, p=priors)
    predicted = np.where(rng.random(n) < right, truth, rng.integers(0, classes, size=n))
    if never_predicted is not None:
        # A class the model never predicts: its samples go to the next class.
        predicted = np.where(predicted == never_predicted, (never_predicted + 1) % classes, predicted)
    return {
        "name": name, "classes": classes, "truth": truth.tolist(), "predicted": predicted.tolist(),
        "accuracy": accuracy_score(truth, predicted),
        "balancedAccuracy": balanced_accuracy_score(truth, predicted),
        "macroF1": f1_score(truth, predicted, average="macro", zero_division=0),
        "weightedF1": f1_score(truth, predicted, average="weighted", zero_division=0),
        "precision": precision_score(truth, predicted, average=None, labels=list(range(classes)), zero_division=0).tolist(),
        "recall": recall_score(truth, predicted, average=None, labels=list(range(classes)), zero_division=0).tolist(),
        "f1": f1_score(truth, predicted, average=None, labels=list(range(classes)), zero_division=0).tolist(),
        "kappa": cohen_kappa_score(truth, predicted),
        "kappaLinear": cohen_kappa_score(truth, predicted, weights="linear"),
        "kappaQuadratic": cohen_kappa_score(truth, predicted, weights="quadratic"),
        "confusion": confusion_matrix(truth, predicted, labels=list(range(classes))).tolist(),
    }


cases = [
    classification_case("balanced, 4 classes", 200, 4, [0.25] * 4, 0.7),
    classification_case("imbalanced, 5 classes, one never predicted", 300, 5, [0.5, 0.25, 0.15, 0.07, 0.03], 0.6, never_predicted=3),
    classification_case("ordered grades, 4 classes", 150, 4, [0.4, 0.3, 0.2, 0.1], 0.5),
]

# ROC AUC, one vs rest: scores rounded to two decimals so that ties occur.
n, classes = 240, 4
truth = rng.choice(classes, size=n, p=[0.4, 0.3, 0.2, 0.1])
logits = rng.normal(size=(n, classes)) + 1.5 * np.eye(classes)[truth]
probabilities = np.round(np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True), 2)
probabilities = probabilities / probabilities.sum(axis=1, keepdims=True)
auc = {
    "truth": truth.tolist(), "probabilities": probabilities.tolist(),
    "macro": roc_auc_score(truth, probabilities, multi_class="ovr", average="macro"),
    "weighted": roc_auc_score(truth, probabilities, multi_class="ovr", average="weighted"),
    "perClass": [roc_auc_score(truth == c, probabilities[:, c]) for c in range(classes)],
}

# Linear probe: three Gaussian blobs in 5 dimensions, C = 0.5; the solver run to a tight tolerance.
centres = rng.normal(scale=2.0, size=(3, 5))
labels = rng.integers(0, 3, size=90)
features = (centres[labels] + rng.normal(size=(90, 5))).astype(np.float32)
# Fitted in float64 on the float32 values (which our probe reads exactly): given float32, scikit-learn would compute
# its loss in float32 and stop about 1e-4 from the optimum.
model = LogisticRegression(C=0.5, tol=1e-12, max_iter=100000).fit(features.astype(np.float64), labels)
# scikit-learn stops where the objective changes by less than 64 machine epsilons (its ftol), with a gradient of about
# 1e-4 here; the same objective (C · summed cross-entropy + ½‖W‖², intercepts free) minimised by SciPy to a gradient
# of about 1e-8 gives the optimum to compare with closely.
from scipy.optimize import minimize

X, Y, K, d = features.astype(np.float64), np.eye(3)[labels], 3, 5


def objective(theta):
    W, b = theta[:K * d].reshape(K, d), theta[K * d:]
    logits = X @ W.T + b
    top = logits.max(axis=1, keepdims=True)
    log_sum = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
    residual = np.exp(logits - log_sum[:, None]) - Y
    value = 0.5 * (W ** 2).sum() + C * (log_sum - logits[np.arange(len(labels)), labels]).sum()
    return value, np.concatenate([(C * residual.T @ X + W).ravel(), C * residual.sum(axis=0)])


C = 0.5
tight = minimize(objective, np.zeros(K * (d + 1)), jac=True, method="L-BFGS-B", options={"gtol": 1e-14, "ftol": 1e-16, "maxiter": 100000}).x
probe = {
    "c": C, "features": features.tolist(), "labels": labels.tolist(),
    "coef": model.coef_.tolist(), "intercept": model.intercept_.tolist(),
    "tightCoef": tight[:K * d].reshape(K, d).tolist(), "tightIntercept": tight[K * d:].tolist(),
    "probabilities": model.predict_proba(features[:10].astype(np.float64)).tolist(),
}

print(json.dumps({"sklearn": __import__("sklearn").__version__, "classification": cases, "auc": auc, "probe": probe}))
