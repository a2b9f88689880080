#!/usr/bin/python3
"""Golden values for libs/radiomics/src/filters (IBSI 2 filters and PyRadiomics image types).

PyRadiomics' LoG and Gradient image types are SimpleITK wrappers of ITK filters; their goldens come
from ITK 5.2 itself (itk_filters.cxx, compiled here against Debian's libinsighttoolkit5-dev).

Independent references: SciPy ndimage (mean = uniform_filter, LoG = gaussian_laplace, 1D
convolutions), PyWavelets (swtn, as PyRadiomics 3.1 _swt3 uses it), scikit-image
(local_binary_pattern, as PyRadiomics getLBP2DImage uses it), NumPy FFT convolution with full-size
Gabor kernels (MIRP convention). Laws / à-trous wavelet responses are re-implemented here with
scipy.ndimage.convolve1d following IBSI 2 / MIRP.

Inputs: the IBSI 2 phase-1 digital phantoms (libs/radiomics/fixtures/ibsi2/...) and a small
seeded random volume. Output: libs/radiomics/fixtures/ibsi2/filter-goldens.json
Run: /usr/bin/python3 tools/goldens/radiomics-filters/generate.py   (Debian python3-scipy,
python3-pywt, python3-skimage, python3-nibabel)
"""
import itertools
import json
import os

import nibabel as nib
import numpy as np
import pywt
import scipy
import scipy.ndimage as ndi
import scipy.signal
import skimage
from skimage.feature import local_binary_pattern

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
FIX = os.path.join(ROOT, 'libs', 'radiomics', 'fixtures', 'ibsi2')
MODE = {'zero': 'constant', 'nearest': 'nearest', 'periodic': 'wrap', 'mirror': 'reflect'}
NPMODE = {'zero': 'constant', 'nearest': 'edge', 'periodic': 'wrap', 'mirror': 'symmetric'}


def phantom(name):
    """Array indexed [x, y, z] (NIfTI i, j, k order)."""
    p = os.path.join(FIX, 'ibsi_2_digital_phantom', 'nifti', name, 'image', name + '.nii.gz')
    return np.asanyarray(nib.load(p).dataobj).astype(np.float64)


def odd(k):
    k = np.asarray(k, dtype=float)
    return np.append(k, 0.0) if len(k) % 2 == 0 else k


def rotations(d):
    out = []
    for perm in itertools.permutations(range(d)):
        for signs in itertools.product([1, -1], repeat=d):
            m = np.zeros((d, d))
            for a in range(d):
                m[perm[a], a] = signs[a]
            if round(np.linalg.det(m)) == 1:
                out.append((perm, signs))
    return out


def rotated_sets(kernels, companion=None):
    d = len(kernels)
    companion = companion if companion is not None else kernels
    ks = [odd(k) for k in kernels]
    cs = [odd(k) for k in companion]
    seen, out = set(), []
    for perm, signs in rotations(d):
        k = [None] * d
        c = [None] * d
        for a in range(d):
            k[perm[a]] = ks[a][::-1] if signs[a] < 0 else ks[a]
            c[perm[a]] = cs[a][::-1] if signs[a] < 0 else cs[a]
        key = tuple(tuple(x) for x in k) + tuple(tuple(x) for x in c)
        if key not in seen:
            seen.add(key)
            out.append((k, c))
    return out


def sep(a, kernels, boundary):
    for axis in reversed(range(len(kernels))):
        a = ndi.convolve1d(a, odd(kernels[axis]), axis=axis, mode=MODE[boundary])
    return a


def pool(maps, how):
    if how == 'max':
        return np.max(maps, axis=0)
    if how == 'min':
        return np.min(maps, axis=0)
    return np.mean(maps, axis=0)


LAWS = {'L3': [1, 2, 1], 'E3': [-1, 0, 1], 'S3': [-1, 2, -1], 'L5': [1, 4, 6, 4, 1], 'E5': [-1, -2, 0, 2, 1],
        'S5': [-1, 0, 2, 0, -1], 'W5': [-1, 2, 0, -2, 1], 'R5': [1, -4, 6, -4, 1]}


def laws(a, kernels, boundary, rot=False, pooling='max', energy=None):
    names = [kernels[i:i + 2] for i in range(0, len(kernels), 2)]
    ks = [np.array(LAWS[n], float) / np.sqrt(np.sum(np.square(LAWS[n]))) for n in names]
    sets = [k for k, _ in rotated_sets(ks)] if rot else [ks]
    r = pool([sep(a, k, boundary) for k in sets], pooling)
    if energy is not None:
        size = [2 * energy + 1] * len(names) + [1] * (3 - len(names))
        r = ndi.uniform_filter(np.abs(r), size=size, mode=MODE[boundary])
    return r


def wavelet(a, name, band, level, boundary, rot=False):
    w = pywt.Wavelet(name)
    ks = [np.array(w.dec_lo if b == 'L' else w.dec_hi) for b in band]
    pre = [np.array(w.dec_lo)] * len(band)
    sets = rotated_sets(ks, pre) if rot else [([odd(k) for k in ks], [odd(k) for k in pre])]
    maps = []
    for k, p in sets:
        cur = a
        for _ in range(1, level):
            cur = sep(cur, p, boundary)
            k = [dil(x) for x in k]
            p = [dil(x) for x in p]
        maps.append(sep(cur, k, boundary))
    return np.mean(maps, axis=0)


def dil(x):
    y = np.zeros(2 * len(x) - 1)
    y[::2] = x
    return y


def gabor(a, spacing, sigma, lam, gamma, theta, boundary, step=None, planes='2D'):
    thetas = [theta] if step is None else [theta + k * step for k in range(int(np.ceil(2 * np.pi / step - 1e-9)))]
    plane_axes = [(0, 1)] if planes == '2D' else [(0, 1), (0, 2), (1, 2)]
    maps = []
    for au, av in plane_axes:
        for t in thetas:
            maps.append(gabor_plane(a, spacing, au, av, sigma, lam, gamma, t, boundary))
    return np.mean(maps, axis=0)


def gabor_plane(a, spacing, au, av, sigma, lam, gamma, theta, boundary):
    # full-size kernel (MIRP): odd size ≥ the largest in-plane dimension, coordinates in mm
    aw = 3 - au - av
    arr = np.moveaxis(a, (au, av, aw), (0, 1, 2))  # [u, v, w]
    n = max(arr.shape[0], arr.shape[1])
    size = int(1 + 2 * np.floor(n / 2.0))
    # at least the whole envelope down to exp(-8) (MIRP's image-sized kernel truncates it on small images)
    r = max((size - 1) // 2, int(np.ceil(4 * sigma * max(1, 1 / gamma) / min(spacing[au], spacing[av]))))
    du, dv = np.meshgrid(np.arange(-r, r + 1), np.arange(-r, r + 1), indexing='ij')
    x = du * spacing[au]
    y = dv * spacing[av]
    xt = x * np.cos(theta) + y * np.sin(theta)
    yt = -x * np.sin(theta) + y * np.cos(theta)
    g = np.exp(-(xt ** 2 + gamma ** 2 * yt ** 2) / (2 * sigma ** 2) + 1j * 2 * np.pi * xt / lam)
    out = np.zeros(arr.shape)
    for w in range(arr.shape[2]):
        pad = np.pad(arr[:, :, w], ((r, r), (r, r)), mode=NPMODE[boundary])
        out[:, :, w] = np.abs(scipy.signal.fftconvolve(pad, g, mode='valid'))
    return np.moveaxis(out, (0, 1, 2), (au, av, aw))


def pyradiomics_wavelet(a, name='coif1', level=1, start_level=0, axes=(0, 1, 2)):
    """PyRadiomics 3.1 _swt3 on an [x, y, z] array (PyRadiomics' axes (2, 1, 0) on [z, y, x] = x, y, z)."""
    shape = a.shape
    padding = tuple((0, 1 if d % 2 != 0 else 0) for d in shape)
    data = np.pad(a.copy(), padding, 'wrap')
    w = pywt.Wavelet(name)
    approx = 'a' * len(axes)
    for _ in range(start_level):
        data = pywt.swtn(data, w, level=1, start_level=0, axes=axes)[0][approx].copy()
    crop = tuple(slice(None, -1 if d % 2 != 0 else None) for d in shape)
    levels = []
    for _ in range(level):
        dec = pywt.swtn(data, w, level=1, start_level=0, axes=axes)[0]
        data = dec[approx].copy()
        levels.append({k.replace('a', 'L').replace('d', 'H'): v[crop] for k, v in dec.items() if k != approx})
    return levels, data[crop]


def pr_square(a):
    c = 1 / np.sqrt(np.max(np.abs(a)))
    return (c * a) ** 2


def pr_sqrt(a):
    a = a.copy()
    c = np.max(np.abs(a))
    a[a > 0] = np.sqrt(a[a > 0] * c)
    a[a < 0] = -np.sqrt(-a[a < 0] * c)
    return a


def pr_log(a):
    a = a.copy()
    m = np.max(np.abs(a))
    a[a > 0] = np.log(a[a > 0] + 1)
    a[a < 0] = -np.log(-(a[a < 0] - 1))
    return a * (m / np.max(np.abs(a)))


def pr_exp(a):
    m = np.max(np.abs(a))
    c = np.log(m) / m
    return np.exp(c * a)


def lbp2d(a, radius=1, samples=8, axis=0):
    """PyRadiomics getLBP2DImage on the [z, y, x] array with force2Ddimension = axis; returns [x, y, z]."""
    im = a.transpose(2, 1, 0).copy().swapaxes(0, axis)
    for idx in range(im.shape[0]):
        im[idx, ...] = local_binary_pattern(im[idx, ...].copy(), P=samples, R=radius, method='uniform')
    return im.swapaxes(0, axis).transpose(2, 1, 0)


ITK_BIN = '/tmp/itk_filters'


def itk(a, spacing, *args):
    """Runs the ITK reference (itk_filters.cxx, built here with Debian's libinsighttoolkit5-dev)."""
    import subprocess
    if not os.path.exists(ITK_BIN):
        src = os.path.join(os.path.dirname(__file__), 'itk_filters.cxx')
        subprocess.run(['g++', '-O2', '-std=c++17', '-I/usr/include/ITK-5.2', src, '-o', ITK_BIN, '-L/usr/lib', '-lITKCommon-5.2',
                        '-litksys-5.2', '-litkvnl-5.2', '-litkvnl_algo-5.2', '-lITKSmoothing-5.2'], check=True)
    nx, ny, nz = a.shape
    out = subprocess.run([ITK_BIN, str(nx), str(ny), str(nz), *[repr(float(v)) for v in spacing], *[str(v) for v in args]],
                         input=np.asarray(a, dtype='<f8').flatten(order='F').tobytes(), capture_output=True, check=True).stdout
    return np.frombuffer(out, '<f8').reshape(a.shape, order='F')


def icosphere_vertices(subdivisions, radius):
    """trimesh.creation.icosphere vertex set (trimesh is not in Debian): icosahedron, subdivided, pushed to radius."""
    t = (1.0 + 5.0 ** .5) / 2.0
    v = np.array([[-1, t, 0], [1, t, 0], [-1, -t, 0], [1, -t, 0], [0, -1, t], [0, 1, t],
                  [0, -1, -t], [0, 1, -t], [t, 0, -1], [t, 0, 1], [-t, 0, -1], [-t, 0, 1]], float) / np.sqrt(2.0 + t)
    faces = np.array([[0, 11, 5], [0, 5, 1], [0, 1, 7], [0, 7, 10], [0, 10, 11], [1, 5, 9], [5, 11, 4], [11, 10, 2],
                      [10, 7, 6], [7, 1, 8], [3, 9, 4], [3, 4, 2], [3, 2, 6], [3, 6, 8], [3, 8, 9], [4, 9, 5],
                      [2, 4, 11], [6, 2, 10], [8, 6, 7], [9, 8, 1]])
    for _ in range(subdivisions):
        verts = list(v)
        mids = {}
        nf = []

        def mid(a, b):
            key = (min(a, b), max(a, b))
            if key not in mids:
                mids[key] = len(verts)
                verts.append((v[a] + v[b]) / 2.0)
            return mids[key]
        for a, b, c in faces:
            ab, bc, ca = mid(a, b), mid(b, c), mid(c, a)
            nf += [[a, ab, ca], [b, bc, ab], [c, ca, bc], [ab, bc, ca]]
        v = np.array(verts)
        v = v / np.linalg.norm(v, axis=1)[:, None] * radius
        faces = np.array(nf)
    return v


def lbp3d(im_xyz, ma_xyz, levels=2, radius=1, subdivision=1):
    """PyRadiomics 3.1 getLBP3DImage on [z, y, x] arrays (as SimpleITK gives them); returns [x, y, z] arrays."""
    from scipy.ndimage import map_coordinates
    from scipy.special import sph_harm
    from scipy.stats import kurtosis
    im_arr = im_xyz.transpose(2, 1, 0).copy()
    ma_arr = ma_xyz.transpose(2, 1, 0).copy()
    coords_ico = icosphere_vertices(subdivision, radius)
    theta = np.arccos(np.true_divide(coords_ico[:, 2], radius))
    phi = np.arctan2(coords_ico[:, 1], coords_ico[:, 0])
    Y = sph_harm(0, 0, theta, phi)
    n_ix = np.array(0)
    for n in range(1, levels):
        for m in range(-n, n + 1):
            n_ix = np.append(n_ix, n)
            Y = np.column_stack((Y, sph_harm(m, n, theta, phi)))
    roi = np.where(ma_arr == 1)
    coords = np.array(roi).T[None, :, :] + coords_ico[:, None, :]
    f = map_coordinates(im_arr, coords.T, order=3)
    k = kurtosis(f, axis=1)
    f = np.greater_equal(f, im_arr[roi][:, None]).astype(int)
    c = np.multiply(f[:, :, None], Y[None, :, :]).sum(axis=1)
    f = np.multiply(c[:, None, n_ix == 0], Y[None, :, n_ix == 0])
    for n in range(1, levels):
        f = np.concatenate((f, np.sum(np.multiply(c[:, None, n_ix == n], Y[None, :, n_ix == n]), axis=2, keepdims=True)), axis=2)
    f = np.real(np.sqrt(np.sum(f ** 2, axis=1)))
    out = []
    for l_idx in range(levels):
        r = np.zeros(im_arr.shape)
        r[roi] = f[:, l_idx]
        out.append(r.transpose(2, 1, 0))
    r = np.zeros(im_arr.shape)
    r[roi] = np.real(k)
    return out, r.transpose(2, 1, 0)


def flat(a):
    """x fastest, as the TypeScript grid."""
    return [None if np.isnan(v) else float(v) for v in np.asarray(a).flatten(order='F')]


def summary(a, samples):
    return {
        'min': float(a.min()), 'max': float(a.max()), 'mean': float(a.mean()), 'sumSquares': float(np.sum(a * a)),
        'samples': [float(a[x, y, z]) for x, y, z in samples],
    }


def main():
    rng = np.random.default_rng(20261127)
    small_shape = (9, 7, 6)
    small = rng.integers(0, 100, size=small_shape).astype(np.float64)
    small_sp = (1.0, 1.25, 2.0)
    small_signed = small - 40.0
    cases = []
    dec_cases = []

    def add(name, image, fn_desc, out):
        cases.append({'name': name, 'image': image, 'filter': fn_desc, 'values': flat(out)})

    for b in MODE:
        add(f'mean-3D-{b}', 'small', {'type': 'mean', 'support': 3, 'boundary': b, 'dimensionality': '3D'},
            ndi.uniform_filter(small, size=3, mode=MODE[b]))
        add(f'mean-2D-{b}', 'small', {'type': 'mean', 'support': 5, 'boundary': b, 'dimensionality': '2D'},
            ndi.uniform_filter(small, size=(5, 5, 1), mode=MODE[b]))
    s = [1.5 / sp for sp in small_sp]
    add('log-3D-mirror', 'small', {'type': 'log', 'sigmaMm': 1.5, 'boundary': 'mirror', 'dimensionality': '3D'},
        ndi.gaussian_laplace(small, sigma=s, mode='reflect', truncate=4.0))
    log2d = np.stack([ndi.gaussian_laplace(small[:, :, z], sigma=s[:2], mode='nearest', truncate=4.0)
                      for z in range(small_shape[2])], axis=2)
    add('log-2D-nearest', 'small', {'type': 'log', 'sigmaMm': 1.5, 'boundary': 'nearest', 'dimensionality': '2D'}, log2d)
    add('laws-E5L5S5-zero-rot-energy', 'small',
        {'type': 'laws', 'kernels': 'E5L5S5', 'boundary': 'zero', 'rotationInvariant': True, 'pooling': 'max', 'energyDistance': 1},
        laws(small, 'E5L5S5', 'zero', True, 'max', 1))
    add('laws-L3E5-periodic-rot-mean', 'small',
        {'type': 'laws', 'kernels': 'L3E5', 'boundary': 'periodic', 'rotationInvariant': True, 'pooling': 'mean'},
        laws(small, 'L3E5', 'periodic', True, 'mean'))
    add('wavelet-db2-LHL-2-rot', 'small',
        {'type': 'wavelet', 'wavelet': 'db2', 'subband': 'LHL', 'level': 2, 'boundary': 'mirror', 'rotationInvariant': True},
        wavelet(small, 'db2', 'LHL', 2, 'mirror', True))
    add('wavelet-coif1-HHH-1-nearest', 'small',
        {'type': 'wavelet', 'wavelet': 'coif1', 'subband': 'HHH', 'level': 1, 'boundary': 'nearest'},
        wavelet(small, 'coif1', 'HHH', 1, 'nearest'))
    add('wavelet-haar-HL-3-zero', 'small',
        {'type': 'wavelet', 'wavelet': 'haar', 'subband': 'HL', 'level': 3, 'boundary': 'zero'},
        wavelet(small, 'haar', 'HL', 3, 'zero'))
    add('gabor-3D-rot-mirror', 'small',
        {'type': 'gabor', 'sigmaMm': 2.0, 'lambdaMm': 3.0, 'gamma': 0.7, 'theta': 0.4, 'thetaStep': np.pi / 2,
         'planes': '3D', 'boundary': 'mirror'},
        gabor(small, small_sp, 2.0, 3.0, 0.7, 0.4, 'mirror', np.pi / 2, '3D'))
    levels, approx = pyradiomics_wavelet(small, 'coif1', level=2)
    for li, bands in enumerate(levels):
        for band, v in bands.items():
            add(f'pyradiomics-wavelet-coif1-L{li + 1}-{band}', 'small',
                {'type': 'pyradiomicsWavelet', 'wavelet': 'coif1', 'level': 2, 'pick': [li, band]}, v)
    add('pyradiomics-wavelet-coif1-approx', 'small', {'type': 'pyradiomicsWavelet', 'wavelet': 'coif1', 'level': 2, 'pick': 'approximation'}, approx)
    levels, _ = pyradiomics_wavelet(small, 'haar', level=1, start_level=1)
    add('pyradiomics-wavelet-haar-start1-HLH', 'small',
        {'type': 'pyradiomicsWavelet', 'wavelet': 'haar', 'level': 1, 'startLevel': 1, 'pick': [0, 'HLH']}, levels[0]['HLH'])
    levels, approx2 = pyradiomics_wavelet(small, 'coif1', level=2, axes=(0, 1))
    add('pyradiomics-wavelet-2D-L2-HL', 'small', {'type': 'pyradiomicsWavelet', 'wavelet': 'coif1', 'level': 2, 'force2D': True, 'pick': [1, 'HL']},
        levels[1]['HL'])
    add('pyradiomics-wavelet-2D-approx', 'small', {'type': 'pyradiomicsWavelet', 'wavelet': 'coif1', 'level': 2, 'force2D': True, 'pick': 'approximation'},
        approx2)
    add('square', 'small_signed', {'type': 'square'}, pr_square(small_signed))
    add('squareRoot', 'small_signed', {'type': 'squareRoot'}, pr_sqrt(small_signed))
    add('logarithm', 'small_signed', {'type': 'logarithm'}, pr_log(small_signed))
    add('exponential', 'small_signed', {'type': 'exponential'}, pr_exp(small_signed))
    # decimated wavelets = PyWavelets dwtn / wavedecn with mode 'periodization' (even sizes)
    even = small[:8, :6, :4].copy()
    dec_cases.append(('dwt-db2-LHL-1', even, {'type': 'waveletDecimated', 'wavelet': 'db2', 'subband': 'LHL', 'level': 1, 'boundary': 'periodic'},
                      pywt.dwtn(even, 'db2', mode='periodization')['ada']))
    dec_cases.append(('dwt-coif1-HHL-2', even, {'type': 'waveletDecimated', 'wavelet': 'coif1', 'subband': 'HHL', 'level': 2, 'boundary': 'periodic'},
                      pywt.wavedecn(even, 'coif1', mode='periodization', level=2)[1]['dda']))
    dec_cases.append(('dwt-haar-LL-2', even, {'type': 'waveletDecimated', 'wavelet': 'haar', 'subband': 'LL', 'level': 2, 'boundary': 'periodic'},
                      np.stack([pywt.wavedec2(even[:, :, z], 'haar', mode='periodization', level=2)[0] for z in range(even.shape[2])], axis=2)))
    for sigma in [1.0, 1.5, 3.0]:
        add(f'itk-log-{sigma}', 'small', {'type': 'recursiveLog', 'sigmaMm': sigma}, itk(small, small_sp, 'log', sigma))
    add('itk-gradient', 'small', {'type': 'gradient'}, itk(small, small_sp, 'gradient'))
    lbp_mask = np.zeros(small_shape)
    lbp_mask[1:8, 1:6, 1:5] = 1
    lbp_mask[0, 0, 0] = lbp_mask[8, 6, 5] = lbp_mask[4, 0, 2] = 1
    # continuous values: no exact ties between a voxel and its neighbours (ties are rounding-dependent in SciPy)
    small_float = small + rng.random(small_shape)
    lv, kk = lbp3d(small_float, lbp_mask)
    for i, v in enumerate(lv):
        add(f'lbp3D-m{i + 1}', 'small_float', {'type': 'lbp3D', 'pick': i, 'mask': flat(lbp_mask)}, v)
    add('lbp3D-k', 'small_float', {'type': 'lbp3D', 'pick': 'kurtosis', 'mask': flat(lbp_mask)}, kk)
    lv, kk = lbp3d(small, lbp_mask)
    add('lbp3D-k-integer', 'small', {'type': 'lbp3D', 'pick': 'kurtosis', 'mask': flat(lbp_mask)}, kk)
    lv, kk = lbp3d(small, lbp_mask, levels=3, radius=1.5, subdivision=2)
    add('lbp3D-L3-r1.5-s2-m3', 'small', {'type': 'lbp3D', 'pick': 2, 'levels': 3, 'icosphereRadius': 1.5, 'icosphereSubdivision': 2,
                                        'mask': flat(lbp_mask)}, lv[2])
    steps_mask = np.ones(small_shape)
    lv, kk = lbp3d(np.where(small > 50, 7.0, 3.0), steps_mask)
    add('lbp3D-steps-k', 'small_steps', {'type': 'lbp3D', 'pick': 'kurtosis', 'mask': flat(steps_mask)}, kk)
    add('lbp2D-R1-P8', 'small', {'type': 'lbp2D', 'radius': 1, 'samples': 8}, lbp2d(small))
    add('lbp2D-R2-P16', 'small', {'type': 'lbp2D', 'radius': 2, 'samples': 16}, lbp2d(small, 2, 16))
    add('lbp2D-dim1', 'small', {'type': 'lbp2D', 'force2Ddimension': 1}, lbp2d(small, axis=1))
    add('lbp2D-dim2', 'small', {'type': 'lbp2D', 'force2Ddimension': 2}, lbp2d(small, axis=2))
    step_levels = np.where(small > 50, 7.0, 3.0)
    add('lbp2D-flat-R1-P8', 'small_steps', {'type': 'lbp2D', 'radius': 1, 'samples': 8}, lbp2d(step_levels))

    # IBSI 2 phase-1 configurations on the phantoms (summaries + sampled voxels)
    samples = [tuple(int(v) for v in rng.integers(0, 64, size=3)) for _ in range(24)] + [(0, 0, 0), (63, 63, 63), (32, 32, 32), (31, 0, 63)]
    ph = {}
    sp = (2.0, 2.0, 2.0)

    def ibsi(test_id, name, desc, out, crop=False):
        smp = [(x % 32, y % 32, z % 32) for x, y, z in samples] if crop else samples
        ph[test_id] = {'phantom': name, 'filter': desc, **summary(out, smp)}

    cb, imp, sph = phantom('checkerboard'), phantom('impulse'), phantom('sphere')
    for tid, b in [('1a1', 'zero'), ('1a2', 'nearest'), ('1a3', 'periodic'), ('1a4', 'mirror')]:
        ibsi(tid, 'checkerboard', {'type': 'mean', 'support': 15, 'boundary': b, 'dimensionality': '3D'},
             ndi.uniform_filter(cb, size=15, mode=MODE[b]))
    ibsi('1b1', 'impulse', {'type': 'mean', 'support': 15, 'boundary': 'zero', 'dimensionality': '2D'},
         ndi.uniform_filter(imp, size=(15, 15, 1), mode='constant'))
    ibsi('2a', 'impulse', {'type': 'log', 'sigmaMm': 3.0, 'boundary': 'zero', 'dimensionality': '3D'},
         ndi.gaussian_laplace(imp, sigma=1.5, mode='constant', truncate=4.0))
    ibsi('2b', 'checkerboard', {'type': 'log', 'sigmaMm': 5.0, 'boundary': 'mirror', 'dimensionality': '3D'},
         ndi.gaussian_laplace(cb, sigma=2.5, mode='reflect', truncate=4.0))
    ibsi('2c', 'checkerboard', {'type': 'log', 'sigmaMm': 5.0, 'boundary': 'mirror', 'dimensionality': '2D'},
         np.stack([ndi.gaussian_laplace(cb[:, :, z], sigma=2.5, mode='reflect', truncate=4.0) for z in range(64)], axis=2))
    ibsi('3a1', 'impulse', {'type': 'laws', 'kernels': 'E5L5S5', 'boundary': 'zero'}, laws(imp, 'E5L5S5', 'zero'))
    ibsi('3a2', 'impulse', {'type': 'laws', 'kernels': 'E5L5S5', 'boundary': 'zero', 'rotationInvariant': True, 'pooling': 'max'},
         laws(imp, 'E5L5S5', 'zero', True, 'max'))
    ibsi('3a3', 'impulse', {'type': 'laws', 'kernels': 'E5L5S5', 'boundary': 'zero', 'rotationInvariant': True, 'pooling': 'max', 'energyDistance': 7},
         laws(imp, 'E5L5S5', 'zero', True, 'max', 7))
    ibsi('3b1', 'checkerboard', {'type': 'laws', 'kernels': 'E3W5R5', 'boundary': 'mirror'}, laws(cb, 'E3W5R5', 'mirror'))
    ibsi('3b2', 'checkerboard', {'type': 'laws', 'kernels': 'E3W5R5', 'boundary': 'mirror', 'rotationInvariant': True, 'pooling': 'max'},
         laws(cb, 'E3W5R5', 'mirror', True, 'max'))
    ibsi('3b3', 'checkerboard', {'type': 'laws', 'kernels': 'E3W5R5', 'boundary': 'mirror', 'rotationInvariant': True, 'pooling': 'max', 'energyDistance': 7},
         laws(cb, 'E3W5R5', 'mirror', True, 'max', 7))
    ibsi('3c1', 'checkerboard', {'type': 'laws', 'kernels': 'L5S5', 'boundary': 'mirror'}, laws(cb, 'L5S5', 'mirror'))
    ibsi('3c2', 'checkerboard', {'type': 'laws', 'kernels': 'L5S5', 'boundary': 'mirror', 'rotationInvariant': True, 'pooling': 'max'},
         laws(cb, 'L5S5', 'mirror', True, 'max'))
    ibsi('3c3', 'checkerboard', {'type': 'laws', 'kernels': 'L5S5', 'boundary': 'mirror', 'rotationInvariant': True, 'pooling': 'max', 'energyDistance': 7},
         laws(cb, 'L5S5', 'mirror', True, 'max', 7))
    ibsi('4a1', 'impulse', {'type': 'gabor', 'sigmaMm': 10.0, 'lambdaMm': 4.0, 'gamma': 0.5, 'theta': np.pi / 3, 'boundary': 'zero'},
         gabor(imp, sp, 10.0, 4.0, 0.5, np.pi / 3, 'zero'))
    ibsi('4b1', 'sphere', {'type': 'gabor', 'sigmaMm': 20.0, 'lambdaMm': 8.0, 'gamma': 2.5, 'theta': 5 * np.pi / 4, 'boundary': 'mirror'},
         gabor(sph, sp, 20.0, 8.0, 2.5, 5 * np.pi / 4, 'mirror'))
    # rotation-invariant Gabor (4a2, 4b2) on 32³ crops of the phantoms (the full 64³ maps take minutes here)
    ibsi('4a2-crop', 'impulse:16', {'type': 'gabor', 'sigmaMm': 10.0, 'lambdaMm': 4.0, 'gamma': 0.5, 'theta': np.pi / 4,
                                    'thetaStep': np.pi / 4, 'planes': '3D', 'boundary': 'zero'},
         gabor(imp[16:48, 16:48, 16:48], sp, 10.0, 4.0, 0.5, np.pi / 4, 'zero', np.pi / 4, '3D'), crop=True)
    ibsi('4b2-crop', 'sphere:16', {'type': 'gabor', 'sigmaMm': 20.0, 'lambdaMm': 8.0, 'gamma': 2.5, 'theta': np.pi / 8,
                                   'thetaStep': np.pi / 8, 'planes': '3D', 'boundary': 'mirror'},
         gabor(sph[16:48, 16:48, 16:48], sp, 20.0, 8.0, 2.5, np.pi / 8, 'mirror', np.pi / 8, '3D'), crop=True)
    ibsi('5a1', 'impulse', {'type': 'wavelet', 'wavelet': 'db2', 'subband': 'LHL', 'level': 1, 'boundary': 'zero'},
         wavelet(imp, 'db2', 'LHL', 1, 'zero'))
    ibsi('5a2', 'impulse', {'type': 'wavelet', 'wavelet': 'db2', 'subband': 'LHL', 'level': 1, 'boundary': 'zero', 'rotationInvariant': True},
         wavelet(imp, 'db2', 'LHL', 1, 'zero', True))
    ibsi('6a1', 'sphere', {'type': 'wavelet', 'wavelet': 'coif1', 'subband': 'HHL', 'level': 1, 'boundary': 'periodic'},
         wavelet(sph, 'coif1', 'HHL', 1, 'periodic'))
    ibsi('6a2', 'sphere', {'type': 'wavelet', 'wavelet': 'coif1', 'subband': 'HHL', 'level': 1, 'boundary': 'periodic', 'rotationInvariant': True},
         wavelet(sph, 'coif1', 'HHL', 1, 'periodic', True))
    ibsi('7a1', 'checkerboard', {'type': 'wavelet', 'wavelet': 'haar', 'subband': 'LLL', 'level': 2, 'boundary': 'mirror', 'rotationInvariant': True},
         wavelet(cb, 'haar', 'LLL', 2, 'mirror', True))
    ibsi('7a2', 'checkerboard', {'type': 'wavelet', 'wavelet': 'haar', 'subband': 'HHH', 'level': 2, 'boundary': 'mirror', 'rotationInvariant': True},
         wavelet(cb, 'haar', 'HHH', 2, 'mirror', True))

    ibsi('pyradiomics-log-checkerboard-5mm', 'checkerboard', {'type': 'recursiveLog', 'sigmaMm': 5.0}, itk(cb, sp, 'log', 5.0))
    ibsi('pyradiomics-log-sphere-2mm', 'sphere', {'type': 'recursiveLog', 'sigmaMm': 2.0}, itk(sph, sp, 'log', 2.0))
    ibsi('pyradiomics-gradient-sphere', 'sphere', {'type': 'gradient'}, itk(sph, sp, 'gradient'))

    wl = {n: {'lo': list(pywt.Wavelet(n).dec_lo), 'hi': list(pywt.Wavelet(n).dec_hi)} for n in ['haar', 'db2', 'db5', 'coif1', 'coif3', 'sym4']}
    out = {
        'generator': 'tools/goldens/radiomics-filters/generate.py',
        'versions': {'numpy': np.__version__, 'scipy': scipy.__version__, 'pywt': pywt.__version__, 'skimage': skimage.__version__},
        'small': {'dims': list(small_shape), 'spacing': list(small_sp), 'values': flat(small)},
        'small_signed': {'dims': list(small_shape), 'spacing': list(small_sp), 'values': flat(small_signed)},
        'small_steps': {'dims': list(small_shape), 'spacing': list(small_sp), 'values': flat(step_levels)},
        'small_float': {'dims': list(small_shape), 'spacing': list(small_sp), 'values': flat(small_float)},
        'cases': cases,
        'decimated': [{'name': n, 'dims': list(a.shape), 'values': flat(a), 'filter': f, 'outDims': list(o.shape), 'out': flat(o)}
                      for n, a, f, o in dec_cases],
        'phantomSamples': [list(s) for s in samples],
        'phantoms': ph,
        'wavelets': wl,
    }
    with open(os.path.join(FIX, 'filter-goldens.json'), 'w') as f:
        json.dump(out, f, separators=(',', ':'))


if __name__ == '__main__':
    main()
