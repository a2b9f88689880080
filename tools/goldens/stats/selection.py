"""Goldens for variance threshold, ANOVA F (f_classif), mRMR (FCQ written out as mrmr_selection does), greedy
correlation filter and RFE (sklearn RFE around unpenalised LogisticRegression on standardised columns).
Run from the repository root:  /usr/bin/python3 tools/goldens/stats/selection.py"""
import csv, json
import numpy as np
from sklearn.feature_selection import VarianceThreshold, f_classif, RFE
from sklearn.linear_model import LogisticRegression

rows = list(csv.DictReader(open("libs/stats/fixtures/data/uci-hcc-survival/hcc-data_with_header.csv")))
feat = ["Gender", "Alcohol", "Cirrhosis", "Age", "PS", "Encephalopathy", "Ascites", "INR", "Hemoglobin", "MCV",
        "Leucocytes", "Platelets", "Albumin", "Total_Bil", "ALT", "AST", "GGT", "ALP", "Creatinine", "Nodules"]
data = [r for r in rows if all(r[f] != "" for f in feat + ["Class"])]
X = np.array([[float(r[f]) for f in feat] for r in data])
y = np.array([1 - int(r["Class"]) for r in data])
var = VarianceThreshold(0.5).fit(X)
F, p = f_classif(X, y)
# mRMR FCQ: relevance F, redundancy mean |corr| with selected, score = F / redundancy (first pick = max F)
corr = np.abs(np.corrcoef(X, rowvar=False))
sel, scores = [], []
for step in range(8):
    best, bs = None, -np.inf
    for j in range(X.shape[1]):
        if j in sel:
            continue
        s = F[j] if step == 0 else F[j] / max(np.mean(corr[j, sel]), 1e-5)
        if s > bs:
            best, bs = j, s
    sel.append(best); scores.append(float(bs))
# greedy correlation filter |r| > 0.6
kept = []
for j in range(X.shape[1]):
    if all(abs(np.corrcoef(X[:, j], X[:, k])[0, 1]) <= 0.6 for k in kept):
        kept.append(j)
Xs = (X - X.mean(0)) / X.std(0)
rfe = RFE(LogisticRegression(penalty=None, max_iter=10000, tol=1e-12), n_features_to_select=5, step=2).fit(Xs, y)
json.dump(dict(generator="tools/goldens/stats/selection.py", features=feat, X=X.T.tolist(), y=y.tolist(),
               varianceKept=var.get_support(indices=True).tolist(), variances=var.variances_.tolist(),
               f=F.tolist(), p=p.tolist(), mrmr=sel, mrmrScores=scores, corrKept=kept,
               rfeRanking=rfe.ranking_.tolist()), open("libs/stats/fixtures/goldens/selection_sklearn.json", "w"))
print("wrote selection_sklearn.json", X.shape)
