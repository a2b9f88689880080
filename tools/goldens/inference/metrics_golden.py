#!/usr/bin/python3
"""Golden values for distanceTransform / hd95 / dice in libs/inference/src/postprocess.ts, from scipy
(ndimage.distance_transform_edt) and the numpy evaluation code of tools/models/train_seg.py. Run:
    /usr/bin/python3 tools/goldens/inference/metrics_golden.py > libs/inference/src/__fixtures__/metrics.json
"""
import json
import os
import sys

import numpy as np
from scipy import ndimage

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models"))
import train_seg as ts  # noqa: E402

rng = np.random.default_rng(7)
nz, ny, nx = 6, 9, 11
spacing_xyz = (0.8, 1.3, 2.5)
sp_zyx = spacing_xyz[::-1]


def blob(seed):
    r = np.random.default_rng(seed)
    m = ndimage.gaussian_filter(r.uniform(size=(nz, ny, nx)), 1.2) > 0.5
    return m


a, b = blob(1), blob(2)
sparse = np.zeros((nz, ny, nx), bool)
sparse[1, 2, 3] = sparse[4, 7, 9] = True
edt = ndimage.distance_transform_edt(~sparse, sampling=sp_zyx)
edt_a = ndimage.distance_transform_edt(~a, sampling=sp_zyx)
print(json.dumps(dict(
    dims=[nx, ny, nz], spacing=list(spacing_xyz),
    a=a.astype(int).ravel().tolist(), b=b.astype(int).ravel().tolist(), sparse=sparse.astype(int).ravel().tolist(),
    edtSparse=edt.ravel().tolist(), edtA=edt_a.ravel().tolist(),
    dice=ts.dice(a, b), hd95=ts.hd95(a, b, sp_zyx),
)))
