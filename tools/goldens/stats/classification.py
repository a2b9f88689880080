"""Goldens for threshold metrics and (weighted) Cohen's kappa from scikit-learn.
Run from the repository root with Debian's python:  /usr/bin/python3 tools/goldens/stats/classification.py
Positive = score >= threshold. Writes libs/stats/fixtures/goldens/classification.json."""
import csv, json, math
import numpy as np
import sklearn
from sklearn import metrics as M

rows = list(csv.DictReader(open("libs/stats/fixtures/data/uci-hcc-survival/hcc-data_with_header.csv")))
cases = []
for col, thr in [("AFP", 100.0), ("Total_Bil", 1.5), ("Age", 65.0), ("Albumin", 3.0), ("AFP", 1e9)]:
    ys, ss = [], []
    for r in rows:
        if r[col] == "":
            continue
        ys.append(1 - int(r["Class"]))
        ss.append(float(r[col]))
    y = np.array(ys); s = np.array(ss); pred = (s >= thr).astype(int)
    tn, fp, fn, tp = M.confusion_matrix(y, pred, labels=[0, 1]).ravel()
    def safe(f):
        try:
            with np.errstate(all="ignore"):
                v = float(f())
            return None if math.isnan(v) else v
        except Exception:
            return None
    cases.append(dict(column=col, threshold=thr, labels=ys, scores=ss, tp=int(tp), fp=int(fp), tn=int(tn), fn=int(fn),
        accuracy=safe(lambda: M.accuracy_score(y, pred)),
        sensitivity=safe(lambda: M.recall_score(y, pred)) if tp + fn else None,
        specificity=safe(lambda: M.recall_score(1 - y, 1 - pred)) if tn + fp else None,
        ppv=safe(lambda: M.precision_score(y, pred)) if tp + fp else None,
        npv=safe(lambda: M.precision_score(1 - y, 1 - pred)) if tn + fn else None,
        f1=safe(lambda: M.f1_score(y, pred)) if 2 * tp + fp + fn else None,
        balancedAccuracy=safe(lambda: M.balanced_accuracy_score(y, pred)),
        kappa=safe(lambda: M.cohen_kappa_score(y, pred)),
        # sklearn returns 0 for MCC when a margin is 0; we return null there (documented)
        mcc=safe(lambda: M.matthews_corrcoef(y, pred)) if (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn) else None))

# weighted kappa on ordinal grades: PS (0-4) vs Encephalopathy-derived grade and a shifted PS
kap = []
pairs = []
ps = [int(r["PS"]) for r in rows]
asc = [int(r["Ascites"]) - 1 if r["Ascites"] else 0 for r in rows]
enc = [int(r["Encephalopathy"]) - 1 if r["Encephalopathy"] else 0 for r in rows]
rng = np.random.RandomState(3)
noisy = [min(4, max(0, p + int(rng.choice([-1, 0, 0, 0, 1, 2])))) for p in ps]
for a, b, name in [(ps, noisy, "PS vs noisy PS"), (asc, enc, "Ascites vs Encephalopathy grade")]:
    for w in [None, "linear", "quadratic"]:
        kap.append(dict(name=name, weights=w or "none", r1=a, r2=b, kappa=float(M.cohen_kappa_score(a, b, weights=w))))
json.dump(dict(generator="tools/goldens/stats/classification.py", sklearn=sklearn.__version__, threshold=cases, kappa=kap),
          open("libs/stats/fixtures/goldens/classification.json", "w"))
print("wrote classification.json", len(cases), len(kap))
