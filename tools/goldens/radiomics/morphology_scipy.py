#!/usr/bin/env python3
"""Golden morphology and statistics values from trusted libraries (Debian python3-scipy, -numpy, -skimage).

For deterministic random blob masks with anisotropic spacing:
  * convex hull volume / area of the marching-cubes vertices: scipy.spatial.ConvexHull (Qhull)
  * maximum 3D diameter: scipy.spatial.distance.pdist over the mesh vertices
  * PCA eigenvalues of the voxel-centre coordinates: numpy.linalg.eigvalsh(numpy.cov(coords))
  * centre-of-mass shift (geometric vs intensity-weighted), numpy
For random intensity samples: scipy.stats skew / kurtosis (biased, excess), numpy percentiles (linear),
mean, variance (ddof 0), median absolute deviation about the median (mean form), energy.
Writes libs/radiomics/src/features/__goldens__/morphology-scipy.json.

Run: /usr/bin/python3 tools/goldens/radiomics/morphology_scipy.py   (from the repository root)
"""
import json, os
import numpy as np
import scipy
from scipy import stats
from scipy.spatial import ConvexHull
from scipy.spatial.distance import pdist
from skimage.measure import marching_cubes

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, 'libs/radiomics/src/features/__goldens__/morphology-scipy.json')
rng = np.random.default_rng(11)


def blob(shape_zyx, p):
    """Random field smoothed by a 3x3x3 box, thresholded: connected-ish irregular blobs."""
    f = rng.random(shape_zyx)
    g = np.zeros_like(f)
    for dz in (-1, 0, 1):
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                g += np.roll(np.roll(np.roll(f, dz, 0), dy, 1), dx, 2)
    m = g / 27 > p
    m[0], m[-1], m[:, 0], m[:, -1], m[:, :, 0], m[:, :, -1] = False, False, False, False, False, False
    return m


cases = []
for k, (shape, p, spacing) in enumerate([((6, 9, 10), 0.5, [1.0, 1.0, 1.0]), ((8, 12, 11), 0.48, [0.7, 0.9, 2.5]), ((10, 10, 10), 0.52, [2.0, 1.5, 1.0])]):
    m = blob(shape, p)
    img = np.round(rng.normal(50, 20, size=shape), 0)
    sx, sy, sz = spacing
    v, f, _, _ = marching_cubes(np.pad(m.astype(float), 1), 0.5, spacing=(sz, sy, sx), method='lewiner')
    v = v.astype(np.float64)  # (z, y, x) mm, offset by the padding
    hull = ConvexHull(v)
    zz, yy, xx = np.nonzero(m)
    coords = np.stack([xx * sx, yy * sy, zz * sz], axis=1)
    ev = np.sort(np.linalg.eigvalsh(np.cov(coords.T)))[::-1]
    w = img[m]
    com_geom = coords.mean(axis=0)
    com_gl = (coords * w[:, None]).sum(axis=0) / w.sum()
    cases.append({
        'name': f'blob-{k}', 'dims': [shape[2], shape[1], shape[0]], 'spacing': spacing,
        'mask': ''.join('1' if b else '0' for b in m.ravel()),
        'image': [float(x) for x in img.ravel()],
        'hullVolume': float(hull.volume), 'hullArea': float(hull.area),
        'maxDiameter': float(pdist(v).max()),
        'pcaEigenvalues': [float(x) for x in ev],
        'comShift': float(np.linalg.norm(com_geom - com_gl)),
        'voxels': int(m.sum()),
    })

samples = []
for k, n in enumerate([7, 50, 333]):
    x = np.round(rng.gamma(2.0, 30.0, size=n) - 20, 1)
    s = np.sort(x)
    samples.append({
        'values': [float(t) for t in x],
        'mean': float(x.mean()), 'var': float(x.var()), 'skew': float(stats.skew(x)), 'kurt': float(stats.kurtosis(x)),
        'median': float(np.median(x)), 'p10': float(np.percentile(x, 10)), 'p90': float(np.percentile(x, 90)),
        'iqr': float(np.percentile(x, 75) - np.percentile(x, 25)), 'mad': float(np.mean(np.abs(x - x.mean()))),
        'medad': float(np.mean(np.abs(x - np.median(x)))), 'energy': float(np.sum(x * x)), 'rms': float(np.sqrt(np.mean(x * x))),
    })

os.makedirs(os.path.dirname(OUT), exist_ok=True)
json.dump({'generator': 'tools/goldens/radiomics/morphology_scipy.py', 'scipy': scipy.__version__, 'numpy': np.__version__,
           'cases': cases, 'samples': samples}, open(OUT, 'w'))
print('wrote', OUT, [(c['name'], c['voxels'], round(c['hullVolume'], 3)) for c in cases])
