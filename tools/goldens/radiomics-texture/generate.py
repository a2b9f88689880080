#!/usr/bin/python3
"""Independent references for the texture matrices on a seeded random ROI (beyond the IBSI phantom):
* 2D GLCMs per slice and direction: scikit-image `graycomatrix` (symmetric), with grey level 0 marking
  voxels outside the ROI (its row and column are dropped, so pairs touching the outside do not count),
  and `graycoprops` (contrast, dissimilarity, homogeneity = IDM, ASM, correlation) of those matrices;
* zones (GLSZM/GLDZM): `scipy.ndimage.label` per grey level with 8- (2D) / 26- (3D) connectivity, and the
  ROI border distance from `scipy.ndimage.distance_transform_cdt(metric='taxicab')` on the ROI padded
  with one outside voxel (the image border counts as outside).
Output: libs/radiomics/fixtures/texture/texture-goldens.json
Run: /usr/bin/python3 tools/goldens/radiomics-texture/generate.py (Debian python3-skimage, python3-scipy)
"""
import json
import os

import numpy as np
import scipy
import scipy.ndimage as ndi
import skimage
from skimage.feature import graycomatrix, graycoprops

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
OUT = os.path.join(ROOT, 'libs', 'radiomics', 'fixtures', 'texture', 'texture-goldens.json')


def zones(levels, mode):
    """Sorted [level, size, min border distance] of every zone; levels indexed [x, y, z]."""
    roi = levels > 0
    if mode == '3D':
        dist = ndi.distance_transform_cdt(np.pad(roi, 1), metric='taxicab')[1:-1, 1:-1, 1:-1]
        structure = np.ones((3, 3, 3))
        out = []
        for g in range(1, levels.max() + 1):
            lab, n = ndi.label(levels == g, structure=structure)
            for k in range(1, n + 1):
                sel = lab == k
                out.append([g, int(sel.sum()), int(dist[sel].min())])
        return sorted(out)
    out = []
    for z in range(levels.shape[2]):
        sl = levels[:, :, z]
        dist = ndi.distance_transform_cdt(np.pad(sl > 0, 1), metric='taxicab')[1:-1, 1:-1]
        for g in range(1, levels.max() + 1):
            lab, n = ndi.label(sl == g, structure=np.ones((3, 3)))
            for k in range(1, n + 1):
                sel = lab == k
                out.append([g, int(sel.sum()), int(dist[sel].min())])
    return sorted(out)


def main():
    rng = np.random.default_rng(7)
    shape = (10, 9, 7)  # x, y, z
    ng = 5
    # blobby levels: smoothed noise quantised, plus an irregular ROI with holes
    v = ndi.uniform_filter(rng.random(shape), size=3, mode='reflect')
    levels = 1 + np.minimum(ng - 1, np.floor((v - v.min()) / (v.max() - v.min() + 1e-12) * ng)).astype(int)
    roi = ndi.uniform_filter(rng.random(shape), size=2) > 0.35
    levels[~roi] = 0
    glcm2d = []
    props = []
    for z in range(shape[2]):
        img = levels[:, :, z].T.astype(np.uint8)  # rows = y, columns = x
        # skimage angles 0, pi/4, pi/2, 3pi/4 (rows = y, columns = x)
        m = graycomatrix(img, distances=[1], angles=[0, np.pi / 4, np.pi / 2, 3 * np.pi / 4], levels=ng + 1, symmetric=True)
        glcm2d.append([[int(c) for c in m[1:, 1:, 0, a].flatten()] for a in range(4)])
        sub = m[1:, 1:, :, :].astype(float)
        props.append({p: [float(v) for v in graycoprops(sub, p)[0]] for p in
                      ['contrast', 'dissimilarity', 'homogeneity', 'ASM', 'correlation']})
    out = {
        'generator': 'tools/goldens/radiomics-texture/generate.py',
        'versions': {'numpy': np.__version__, 'scipy': scipy.__version__, 'skimage': skimage.__version__},
        'dims': list(shape),
        'ng': ng,
        'levels': [int(x) for x in levels.flatten(order='F')],
        'glcm2d': glcm2d,
        'glcmProps': props,
        'zones3D': zones(levels, '3D'),
        'zones2D': zones(levels, '2D'),
    }
    with open(OUT, 'w') as f:
        json.dump(out, f, separators=(',', ':'))


if __name__ == '__main__':
    main()
