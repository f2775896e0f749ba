#!/usr/bin/python3
"""Generates digits_hi.csv for examples/offload/digits_hi.cpp (run once by hand; CI never runs it).

Needs Debian's python3-sklearn (apt-get install python3-sklearn); no network: the UCI optical
digits ship inside scikit-learn. 1,797 8x8 images, 10 classes, shuffled with a fixed seed.
5-fold stratified cross-validation gives out-of-fold outputs for every row from
  - a LOCAL multinomial logistic regression on 2x2-average-pooled 4x4 images (16 features), and
  - a REMOTE RBF support-vector classifier on all 64 pixels.
Columns: label, local_pred, remote_pred, z0..z9 (local logits, %.6g).
"""
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC

SEED = 20240611
digits = load_digits()
X, y = digits.data, digits.target
rng = np.random.default_rng(SEED)
order = rng.permutation(len(y))
X, y = X[order], y[order]
pooled = X.reshape(-1, 4, 2, 4, 2).mean(axis=(2, 4)).reshape(-1, 16)  # 2x2 average pooling -> 4x4

logits = np.zeros((len(y), 10))
local_pred = np.zeros(len(y), dtype=int)
remote_pred = np.zeros(len(y), dtype=int)
for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED).split(X, y):
    local = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=5000))
    local.fit(pooled[train], y[train])
    logits[test] = local.decision_function(pooled[test])
    local_pred[test] = local.predict(pooled[test])
    remote = make_pipeline(StandardScaler(), SVC(kernel="rbf", C=10.0, gamma="scale"))
    remote.fit(X[train], y[train])
    remote_pred[test] = remote.predict(X[test])

with open("digits_hi.csv", "w") as f:
    f.write(f"# UCI optical recognition of handwritten digits as shipped by scikit-learn "
            f"(load_digits, 1797 rows); shuffle seed {SEED}; 5-fold stratified out-of-fold outputs; "
            f"local: logistic regression on 2x2-pooled 4x4 images; remote: RBF SVC on 8x8\n")
    f.write("label,local_pred,remote_pred," + ",".join(f"z{k}" for k in range(10)) + "\n")
    for i in range(len(y)):
        f.write(f"{y[i]},{local_pred[i]},{remote_pred[i]}," + ",".join(f"{v:.6g}" for v in logits[i]) + "\n")
print("local accuracy", (local_pred == y).mean(), "remote accuracy", (remote_pred == y).mean())
