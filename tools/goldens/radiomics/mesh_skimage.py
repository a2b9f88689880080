#!/usr/bin/env python3
"""Golden mesh volume/area from scikit-image's marching cubes (Debian python3-skimage 0.19).

Writes libs/radiomics/src/features/__goldens__/mesh-skimage.json: for a few deterministic masks (the IBSI
phantom mask, ellipsoids with anisotropic spacing, a torus, and a random blob), the mesh volume and area
that scikit-image's `marching_cubes` (Lewiner, level 0.5, zero-padded) gives. Masks are stored as '0'/'1'
strings in x-fastest order (index = x + nx*(y + ny*z)).

Run: /usr/bin/python3 tools/goldens/radiomics/mesh_skimage.py   (from the repository root)
"""
import json, os
import numpy as np
import skimage
from skimage.measure import marching_cubes, mesh_surface_area

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, 'libs/radiomics/src/features/__goldens__/mesh-skimage.json')


def mesh(mask_zyx, spacing_xyz):
    m = np.pad(mask_zyx.astype(np.float64), 1)
    v, f, _, _ = marching_cubes(m, 0.5, spacing=tuple(spacing_xyz[::-1]), method='lewiner')
    t = v[f].astype(np.float64)
    vol = abs(float(np.sum(np.einsum('ij,ij->i', t[:, 0], np.cross(t[:, 1], t[:, 2])))) / 6)
    return vol, float(mesh_surface_area(v.astype(np.float64), f))


def case(name, mask_zyx, spacing):
    nz, ny, nx = mask_zyx.shape
    vol, area = mesh(mask_zyx, spacing)
    bits = ''.join('1' if b else '0' for b in mask_zyx.astype(bool).ravel())  # C order zyx == x fastest
    return {'name': name, 'dims': [nx, ny, nz], 'spacing': list(spacing), 'mask': bits, 'volume': vol, 'area': area}


def ellipsoid(dims, centre, radii):
    nx, ny, nz = dims
    z, y, x = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing='ij')
    return ((x - centre[0]) / radii[0]) ** 2 + ((y - centre[1]) / radii[1]) ** 2 + ((z - centre[2]) / radii[2]) ** 2 <= 1.0


def main():
    cases = []
    grid = json.load(open(os.path.join(ROOT, 'libs/radiomics/fixtures/ibsi1/ibsi_1_digital_phantom/phantom-grid.json')))
    cases.append(case('ibsi-phantom', np.array(grid['mask']) > 0, [2.0, 2.0, 2.0]))
    cases.append(case('sphere-r5', ellipsoid((13, 13, 13), (6, 6, 6), (5, 5, 5)), [1.0, 1.0, 1.0]))
    cases.append(case('ellipsoid-aniso', ellipsoid((17, 13, 9), (8.3, 6.1, 4.2), (7.2, 5.1, 3.3)), [0.8, 0.9, 2.5]))
    cases.append(case('single-voxel', ellipsoid((3, 3, 3), (1, 1, 1), (0.5, 0.5, 0.5)), [1.0, 2.0, 3.0]))
    nx, ny, nz = 20, 20, 10
    z, y, x = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing='ij')
    rxy = np.sqrt((x - 9.5) ** 2 + (y - 9.5) ** 2)
    torus = (rxy - 6) ** 2 + (z - 4.5) ** 2 <= 2.6 ** 2
    cases.append(case('torus', torus, [1.0, 1.0, 1.5]))
    rng = np.random.default_rng(7)
    blob = rng.random((8, 10, 12)) < 0.45
    cases.append(case('random-blob', blob, [1.0, 1.0, 1.0]))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    json.dump({'generator': 'tools/goldens/radiomics/mesh_skimage.py', 'skimage': skimage.__version__, 'cases': cases}, open(OUT, 'w'))
    print('wrote', OUT, [(c['name'], round(c['volume'], 4), round(c['area'], 4)) for c in cases])


main()
