#!/usr/bin/env python3
"""Reference values for the PyRadiomics-compatible first-order and shape features, computed with NumPy/SciPy
following the PyRadiomics 3.1 source (radiomics/firstorder.py, radiomics/shape.py, src/cshape.c) line by line:
np.histogram with PyRadiomics getBinEdges, np.percentile, population-covariance PCA (np.linalg.eigvals),
and the border-voxel diameters as an O(B^2) brute-force pair loop (26-neighbourhood border, as cshape.c).
PyRadiomics itself is not installable here (no PyPI); this is an independent re-implementation of its
definitions, used to check the TypeScript port (which uses hulls instead of the pair loop).
Writes libs/radiomics/src/features/__goldens__/pyradiomics-numpy.json.

Run: /usr/bin/python3 tools/goldens/radiomics/pyradiomics_numpy.py   (from the repository root)
"""
import json, os
import numpy as np
from scipy import ndimage

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, 'libs/radiomics/src/features/__goldens__/pyradiomics-numpy.json')
rng = np.random.default_rng(5)


def get_bin_edges(x, bin_width):  # radiomics.imageoperations.getBinEdges (binWidth branch)
    lo, hi = x.min(), x.max()
    low = lo - (lo % bin_width)
    edges = np.arange(low, hi + bin_width * 2, bin_width)
    if len(edges) == 1:
        edges = [edges[0] - .5, edges[0] + .5]
    return edges


def firstorder(x, bin_width, voxel_volume):
    eps = np.spacing(1)
    bins = np.histogram(x, get_bin_edges(x, bin_width))[0].astype(float)
    n = bins.sum()
    p = (bins + eps) / n
    m2 = np.mean((x - x.mean()) ** 2); m3 = np.mean((x - x.mean()) ** 3); m4 = np.mean((x - x.mean()) ** 4)
    p10, p90 = np.percentile(x, 10), np.percentile(x, 90)
    r = x[(x >= p10) & (x <= p90)]
    return {
        'Energy': float(np.sum(x ** 2)), 'TotalEnergy': float(voxel_volume * np.sum(x ** 2)), 'Entropy': float(-np.sum(p * np.log2(p))),
        'Minimum': float(x.min()), '10Percentile': float(p10), '90Percentile': float(p90), 'Maximum': float(x.max()), 'Mean': float(x.mean()),
        'Median': float(np.median(x)), 'InterquartileRange': float(np.percentile(x, 75) - np.percentile(x, 25)), 'Range': float(x.max() - x.min()),
        'MeanAbsoluteDeviation': float(np.mean(np.abs(x.mean() - x))), 'RobustMeanAbsoluteDeviation': float(np.mean(np.abs(r - r.mean()))),
        'RootMeanSquared': float(np.sqrt(np.sum(x ** 2) / x.size)), 'StandardDeviation': float(np.std(x)),
        'Skewness': float(m3 / m2 ** 1.5) if m2 else 0.0, 'Kurtosis': float(m4 / m2 ** 2) if m2 else 0.0, 'Variance': float(np.std(x) ** 2),
        'Uniformity': float(np.sum((bins / (n + eps)) ** 2)),
    }


def shape(m, spacing_zyx):
    coords = np.array(np.where(m)).T.astype(float) * spacing_zyx
    c = coords - coords.mean(axis=0)
    c /= np.sqrt(len(c))
    ev = np.sort(np.real(np.linalg.eigvals(c.T @ c)))
    eroded = ndimage.binary_erosion(np.pad(m, 1), structure=np.ones((3, 3, 3)))[1:-1, 1:-1, 1:-1]
    border = np.array(np.where(m & ~eroded)).T
    d = [0.0, 0.0, 0.0, 0.0]
    for i in range(len(border)):
        diff = (border[i + 1:] - border[i]) * spacing_zyx
        dist = np.sum(diff ** 2, axis=1)
        same = border[i + 1:] == border[i]
        for k in range(3):
            if np.any(same[:, k]):
                d[k] = max(d[k], float(dist[same[:, k]].max()))
        if len(dist):
            d[3] = max(d[3], float(dist.max()))
    return {
        'VoxelVolume': float(m.sum() * np.prod(spacing_zyx)),
        'Maximum2DDiameterSlice': float(np.sqrt(d[0])), 'Maximum2DDiameterColumn': float(np.sqrt(d[1])),
        'Maximum2DDiameterRow': float(np.sqrt(d[2])), 'Maximum3DDiameter': float(np.sqrt(d[3])),
        'MajorAxisLength': float(4 * np.sqrt(ev[2])), 'MinorAxisLength': float(4 * np.sqrt(ev[1])), 'LeastAxisLength': float(4 * np.sqrt(ev[0])),
        'Elongation': float(np.sqrt(ev[1] / ev[2])), 'Flatness': float(np.sqrt(ev[0] / ev[2])),
    }


cases = []
for k, (shape_zyx, spacing_xyz, bw) in enumerate([((7, 12, 11), [0.8, 0.9, 2.5], 25), ((9, 9, 14), [1.0, 1.0, 1.0], 10), ((6, 10, 10), [1.5, 0.7, 3.0], 5)]):
    f = rng.random(shape_zyx)
    f = ndimage.uniform_filter(f, 3)
    m = f > np.quantile(f, 0.55)
    img = np.round(rng.normal(40, 30, size=shape_zyx))
    x = img[m].astype(float)
    sz = np.array(spacing_xyz[::-1])
    cases.append({
        'dims': [shape_zyx[2], shape_zyx[1], shape_zyx[0]], 'spacing': spacing_xyz, 'binWidth': bw,
        'mask': ''.join('1' if b else '0' for b in m.ravel()), 'image': [float(v) for v in img.ravel()],
        'firstorder': firstorder(x, bw, float(np.prod(spacing_xyz))), 'shape': shape(m, sz),
    })
os.makedirs(os.path.dirname(OUT), exist_ok=True)
json.dump({'generator': 'tools/goldens/radiomics/pyradiomics_numpy.py', 'cases': cases}, open(OUT, 'w'))
print('wrote', OUT, len(cases))
