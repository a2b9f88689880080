#!/usr/bin/env python3
"""Golden resampling values from SciPy (Debian python3-scipy) for libs/radiomics processing/resample.ts.

A deterministic 7x6x5 (x, y, z) image is resampled to the IBSI centre-aligned grid for new spacings, with
scipy.ndimage.map_coordinates (order 1 = trilinear, order 3 = cubic B-spline with prefilter, mode 'mirror'),
after clipping the sample positions to [0, n-1] (IBSI nearest-value extrapolation). Also records the grid
geometry. Writes libs/radiomics/src/processing/__goldens__/resample-scipy.json.

Run: /usr/bin/python3 tools/goldens/radiomics/resample_scipy.py   (from the repository root)
"""
import json, math, os
import numpy as np
import scipy
from scipy.ndimage import map_coordinates

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, 'libs/radiomics/src/processing/__goldens__/resample-scipy.json')

dims = [7, 6, 5]
spacing = [1.0, 1.2, 2.5]
origin = [-10.0, 4.0, 30.0]
rng = np.random.default_rng(3)
img_zyx = np.round(rng.normal(40, 25, size=(dims[2], dims[1], dims[0])), 1)


def grid(new_spacing):
    nd, st, sp, org = [], [], [], []
    for a in range(3):
        n, s, t = dims[a], spacing[a], new_spacing[a]
        n2 = math.ceil(n * s / t - 1e-9)
        start = ((n - 1) - (t / s) * (n2 - 1)) / 2
        nd.append(n2); st.append(start); sp.append(t); org.append(origin[a] + start * s)
    return nd, st, org


cases = []
for new_spacing in ([0.7, 0.7, 0.7], [2.0, 2.0, 2.0], [1.0, 1.0, 1.0]):
    nd, st, org = grid(new_spacing)
    axes = [np.clip(st[a] + np.arange(nd[a]) * new_spacing[a] / spacing[a], 0, dims[a] - 1) for a in range(3)]
    Z, Y, X = np.meshgrid(axes[2], axes[1], axes[0], indexing='ij')
    coords = np.array([Z.ravel(), Y.ravel(), X.ravel()])
    for order, name in ((1, 'linear'), (3, 'bspline')):
        v = map_coordinates(img_zyx, coords, order=order, mode='mirror', prefilter=True)
        cases.append({'newSpacing': new_spacing, 'method': name, 'dims': nd, 'origin': org, 'values': [round(float(x), 10) for x in v]})

os.makedirs(os.path.dirname(OUT), exist_ok=True)
json.dump({'generator': 'tools/goldens/radiomics/resample_scipy.py', 'scipy': scipy.__version__, 'dims': dims, 'spacing': spacing,
           'origin': origin, 'image': [float(x) for x in img_zyx.ravel()], 'cases': cases}, open(OUT, 'w'))
print('wrote', OUT, len(cases))
