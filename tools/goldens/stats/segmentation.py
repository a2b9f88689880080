"""Goldens for segmentation agreement metrics.
Run from the repository root:  /usr/bin/python3 tools/goldens/stats/segmentation.py
MedPy and MONAI are not packaged in Debian, so their formulas are re-implemented here on scipy exactly as the
libraries do (MedPy 0.4 medpy.metric.binary: __surface_distances, hd, hd95, assd, dc, jc, ravd;
MONAI 1.x: get_mask_edges = mask XOR binary_erosion, get_surface_distance = distance_transform_edt(~edges_gt,
sampling) at edges_pred, compute_hausdorff_distance(percentile=95) = max of directed percentiles,
compute_average_surface_distance(symmetric=True) = mean of the concatenated distances).
Masks: deterministic ellipsoids / blobs, anisotropic spacing. Arrays are indexed [z, y, x]; written x-fastest."""
import json
import numpy as np
from scipy.ndimage import binary_erosion, distance_transform_edt, generate_binary_structure
from sklearn.metrics import cohen_kappa_score


def surface(m):
    fp = generate_binary_structure(m.ndim, 1)
    return m ^ binary_erosion(m, structure=fp, iterations=1)


def directed(a, b, spacing):
    dt = distance_transform_edt(~surface(b), sampling=spacing)
    return dt[surface(a)]


def metrics(ref, pred, spacing):
    d_pr = directed(pred, ref, spacing)
    d_rp = directed(ref, pred, spacing)
    both = np.hstack((d_pr, d_rp))
    vox = float(np.prod(spacing))
    vr, vp = ref.sum() * vox, pred.sum() * vox
    return dict(
        dice=2.0 * (ref & pred).sum() / (ref.sum() + pred.sum()),
        jaccard=float((ref & pred).sum()) / float((ref | pred).sum()),
        referenceVolume=vr, predictionVolume=vp, volumeDifference=vp - vr, arvd=abs(vp - vr) / vr,
        hausdorff=float(max(d_pr.max(), d_rp.max())),
        medpy=dict(hd95=float(np.percentile(both, 95)), assd=float(np.mean((d_pr.mean(), d_rp.mean())))),
        monai=dict(hd95=float(max(np.percentile(d_pr, 95), np.percentile(d_rp, 95))), assd=float(both.mean())),
        kappa=float(cohen_kappa_score(ref.ravel().astype(int), pred.ravel().astype(int))),
    )


def ellipsoid(shape, centre, radii):
    zz, yy, xx = np.indices(shape)
    return ((xx - centre[0]) / radii[0]) ** 2 + ((yy - centre[1]) / radii[1]) ** 2 + ((zz - centre[2]) / radii[2]) ** 2 <= 1


cases = []
shape = (12, 20, 24)  # z, y, x
ref = ellipsoid(shape, (11, 9, 5.5), (7, 6, 4))
pred = ellipsoid(shape, (12.5, 10, 6), (6, 6.5, 3.5))
pred[2:4, 2:4, 18:21] = True  # a false-positive island
for spacing_xyz in [(0.8, 0.8, 2.5), (1.0, 1.0, 1.0)]:
    sp = spacing_xyz[::-1]
    cases.append(dict(name=f"3d ellipsoids {spacing_xyz}", shape=[shape[2], shape[1], shape[0]], spacing=list(spacing_xyz),
                      reference=ref.transpose(2, 1, 0).ravel(order="F").astype(int).tolist(),
                      prediction=pred.transpose(2, 1, 0).ravel(order="F").astype(int).tolist(), **metrics(ref, pred, sp)))
# 2-D slice touching the image border
r2 = np.zeros((15, 17), bool); r2[0:9, 3:12] = True
p2 = np.zeros((15, 17), bool); p2[2:11, 5:15] = True; p2[6, 9] = False
cases.append(dict(name="2d squares at border", shape=[17, 15, 1], spacing=[0.7, 1.3, 1.0],
                  reference=r2.T.ravel(order="F").astype(int).tolist(), prediction=p2.T.ravel(order="F").astype(int).tolist(),
                  **metrics(r2, p2, (1.3, 0.7))))
json.dump(dict(generator="tools/goldens/stats/segmentation.py", cases=cases), open("libs/stats/fixtures/goldens/segmentation.json", "w"))
print("wrote segmentation.json", len(cases))
