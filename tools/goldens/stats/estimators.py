"""Goldens for kNN (KNeighborsClassifier), gradient boosting (GradientBoostingClassifier, deterministic settings)
(training-set decision values compare exactly: when two features induce the same partition of a node, sklearn
picks one in its random feature order, which changes test-set predictions but not the training partition)
and a random-forest reference AUC (RandomForestClassifier; compared in distribution only).
Data: UCI HCC complete cases, z-scored features, first 100 rows train / rest test.
Run from the repository root:  /usr/bin/python3 tools/goldens/stats/estimators.py"""
import csv, json
import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import KNeighborsClassifier

rows = list(csv.DictReader(open("libs/stats/fixtures/data/uci-hcc-survival/hcc-data_with_header.csv")))
feat = ["Age", "INR", "Hemoglobin", "MCV", "Leucocytes", "Platelets", "Albumin", "Total_Bil", "ALT", "AST", "GGT", "ALP", "Creatinine"]
data = [r for r in rows if all(r[f] != "" for f in feat + ["Class"])]
X = np.array([[float(r[f]) for f in feat] for r in data])
X = (X - X.mean(0)) / X.std(0)
y = np.array([1 - int(r["Class"]) for r in data])
tr, te = slice(0, 100), slice(100, None)
out = dict(generator="tools/goldens/stats/estimators.py", features=feat, X=X.T.tolist(), y=y.tolist(), nTrain=100)
out["knn"] = {str(k): KNeighborsClassifier(n_neighbors=k).fit(X[tr], y[tr]).predict_proba(X[te])[:, 1].tolist() for k in (1, 5, 15)}
gb = GradientBoostingClassifier(n_estimators=50, learning_rate=0.1, max_depth=3, random_state=0).fit(X[tr], y[tr])
out["gbt"] = dict(nEstimators=50, learningRate=0.1, maxDepth=3, decision=gb.decision_function(X[te]).tolist(), train=gb.decision_function(X[tr]).tolist(), init=float(gb._raw_predict_init(X[:1])[0, 0]))
gb2 = GradientBoostingClassifier(n_estimators=30, learning_rate=0.3, max_depth=2, random_state=0).fit(X[tr], y[tr])
out["gbt2"] = dict(nEstimators=30, learningRate=0.3, maxDepth=2, decision=gb2.decision_function(X[te]).tolist(), train=gb2.decision_function(X[tr]).tolist())
aucs = [roc_auc_score(y[te], RandomForestClassifier(n_estimators=300, random_state=s).fit(X[tr], y[tr]).predict_proba(X[te])[:, 1]) for s in range(5)]
out["rf"] = dict(aucs=aucs, meanAuc=float(np.mean(aucs)))
json.dump(out, open("libs/stats/fixtures/goldens/estimators.json", "w"))
print("wrote estimators.json", X.shape, out["rf"])

# SVM decision functions (libsvm via sklearn SVC, tight tolerance) and Platt's sigmoid on given decision values
from sklearn.svm import SVC
from sklearn.calibration import _sigmoid_calibration
svm = {}
for kernel, C, gamma in [("linear", 0.5, "scale"), ("rbf", 1.0, "scale"), ("rbf", 4.0, 0.05)]:
    m = SVC(kernel=kernel, C=C, gamma=gamma, tol=1e-10).fit(X[tr], y[tr])
    svm[f"{kernel}-{C}-{gamma}"] = dict(kernel=kernel, C=C, gamma=None if gamma == "scale" else gamma,
                                        decision=m.decision_function(X[te]).tolist(), nSupport=int(m.support_.size),
                                        gammaUsed=float(m._gamma))
    d = m.decision_function(X[tr])
    a, b = _sigmoid_calibration(d, y[tr])
    svm[f"{kernel}-{C}-{gamma}"]["platt"] = dict(decision=d.tolist(), a=float(a), b=float(b))
out["svm"] = svm
json.dump(out, open("libs/stats/fixtures/goldens/estimators.json", "w"))
print("svm goldens", list(svm))
