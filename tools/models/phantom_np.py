"""Simplified synthetic abdominal CT phantom in numpy, used ONLY to train the tiny demo segmentation models.

This is NOT the project's phantom generator (that is `@hepatoscope/phantoms`, TypeScript). It is a small,
documented re-implementation of the same idea so that model training does not depend on Node:

- body: ellipse of fat (-100 HU) with a muscle wall and soft tissue (40 HU) inside, air (-1000 HU) outside;
- vertebra (bone, 400-700 HU) and aorta, posterior in the middle;
- liver: union of 2-3 ellipsoids on the patient's right (low x in LPS voxel order), its surface warped by
  smooth random displacement, with brighter portal/hepatic vessels inside (vessels are part of the liver label);
- spleen (patient's left, posterior), two kidneys (posterior, lower), a few bowel blobs;
- 0-4 lesions inside the liver (spheres/ellipsoids 4-18 mm radius), hypo- or hyper-attenuating depending on the
  contrast phase, some with a rim; lesions are part of the liver envelope and of the tumour label;
- contrast phases NATIVE / ARTERIAL / PORTAL_VENOUS / DELAYED change the organ HU;
- Gaussian noise (sd 6-20 HU) and a 3x3x3 box blur as partial volume.

Arrays are indexed [z, y, x] (numpy C order), which is the same memory layout as the TypeScript `Volume`
(x fastest). Labels: 0 background, 1 liver, 2 tumour (LiTS convention). Everything is deterministic by seed.
"""
from __future__ import annotations

import numpy as np

PHASES = ("NATIVE", "ARTERIAL", "PORTAL_VENOUS", "DELAYED")

# Mean HU per phase: liver, spleen, kidney, aorta, vessel-in-liver, hypo lesion delta, hyper lesion delta
PHASE_HU = {
    "NATIVE": dict(liver=55, spleen=45, kidney=35, aorta=40, vessel=40, hypo=-25, hyper=-10),
    "ARTERIAL": dict(liver=70, spleen=110, kidney=180, aorta=280, vessel=90, hypo=-25, hyper=55),
    "PORTAL_VENOUS": dict(liver=105, spleen=115, kidney=160, aorta=160, vessel=170, hypo=-45, hyper=-20),
    "DELAYED": dict(liver=85, spleen=90, kidney=120, aorta=110, vessel=110, hypo=-35, hyper=-25),
}


def _smooth_noise(rng: np.random.Generator, shape, scale: int) -> np.ndarray:
    """Low-frequency noise in [-1, 1]: coarse random grid upsampled with linear interpolation."""
    coarse = rng.uniform(-1, 1, size=tuple(max(2, s // scale + 2) for s in shape))
    out = coarse
    for axis, n in enumerate(shape):
        m = out.shape[axis]
        pos = np.linspace(0, m - 1.001, n)
        i0 = np.floor(pos).astype(int)
        f = pos - i0
        a = np.take(out, i0, axis=axis)
        b = np.take(out, i0 + 1, axis=axis)
        fshape = [1] * out.ndim
        fshape[axis] = n
        f = f.reshape(fshape)
        out = a * (1 - f) + b * f
    return out


def _ellipsoid(zz, yy, xx, c, r):
    return ((zz - c[0]) / r[0]) ** 2 + ((yy - c[1]) / r[1]) ** 2 + ((xx - c[2]) / r[2]) ** 2


def _box_blur(v: np.ndarray) -> np.ndarray:
    out = v.copy()
    for axis in range(3):
        out = (np.roll(out, 1, axis) + out + np.roll(out, -1, axis)) / 3.0
    return out


def make_phantom(seed: int, nx: int = 128, nz: int = 40, phase: str | None = None):
    """Return (image float32 [nz,ny,nx] in HU, labels uint8 [nz,ny,nx], info dict)."""
    rng = np.random.default_rng(seed)
    ny = nx
    phase = phase or PHASES[rng.integers(0, 4)]
    hu = {k: v + rng.normal(0, 6) for k, v in PHASE_HU[phase].items()}
    sx = rng.uniform(1.4, 2.6) * 128 / nx  # in-plane mm per voxel (field of view ~180-330 mm)
    sz = rng.uniform(2.0, 5.0)
    zz, yy, xx = np.meshgrid(np.arange(nz) * sz, np.arange(ny) * sx, np.arange(nx) * sx, indexing="ij")
    fov = nx * sx
    cx, cy = fov / 2 + rng.normal(0, 4), fov / 2 + rng.normal(0, 4)
    img = np.full((nz, ny, nx), -1000.0)
    body_rx, body_ry = rng.uniform(0.36, 0.46) * fov, rng.uniform(0.27, 0.36) * fov
    body = ((xx - cx) / body_rx) ** 2 + ((yy - cy) / body_ry) ** 2
    img[body < 1] = -100  # subcutaneous fat
    inner = ((xx - cx) / (body_rx - 12)) ** 2 + ((yy - cy) / (body_ry - 12)) ** 2
    img[inner < 1] = 50  # muscle wall
    visc = ((xx - cx) / (body_rx - 20)) ** 2 + ((yy - cy) / (body_ry - 20)) ** 2
    img[visc < 1] = 15 + rng.normal(0, 5)  # mesenteric soft tissue / fat mix
    zc = nz * sz / 2

    # vertebra and aorta
    vert = ((xx - cx) / 18) ** 2 + ((yy - (cy + body_ry * 0.62)) / 16) ** 2
    img[vert < 1] = rng.uniform(400, 700)
    aorta = ((xx - (cx + 6)) / 11) ** 2 + ((yy - (cy + body_ry * 0.35)) / 11) ** 2
    img[aorta < 1] = hu["aorta"]

    # bowel blobs
    for _ in range(rng.integers(3, 7)):
        c = (rng.uniform(0, nz * sz), cy + rng.uniform(-0.5, 0.2) * body_ry, cx + rng.uniform(-0.1, 0.6) * body_rx)
        r = rng.uniform(8, 22, size=3)
        b = _ellipsoid(zz, yy, xx, c, r) < 1
        img[b & (visc < 1)] = rng.choice([-10.0, 30.0, -600.0])

    # kidneys (lower half of the volume)
    for side in (-1, 1):
        c = (zc + rng.uniform(0.1, 0.4) * nz * sz, cy + body_ry * 0.4, cx + side * body_rx * 0.42)
        r = (rng.uniform(35, 50), rng.uniform(18, 24), rng.uniform(20, 28))
        img[_ellipsoid(zz, yy, xx, c, r) < 1] = hu["kidney"]

    # spleen (patient's left = high x in LPS order)
    c = (zc - rng.uniform(0.0, 0.25) * nz * sz, cy + body_ry * rng.uniform(0.25, 0.45), cx + body_rx * rng.uniform(0.55, 0.7))
    r = (rng.uniform(35, 55), rng.uniform(25, 40), rng.uniform(15, 25))
    img[_ellipsoid(zz, yy, xx, c, r) < 1] = hu["spleen"]

    # liver: union of ellipsoids on the patient's right (low x), warped surface
    warp = 0.25 * _smooth_noise(rng, (nz, ny, nx), 24)
    lc = (zc - rng.uniform(-0.1, 0.2) * nz * sz, cy - body_ry * rng.uniform(0.0, 0.2), cx - body_rx * rng.uniform(0.4, 0.55))
    lr = (rng.uniform(55, 85), rng.uniform(0.45, 0.62) * body_ry, rng.uniform(0.3, 0.42) * body_rx)
    liver_f = _ellipsoid(zz, yy, xx, lc, lr)
    for _ in range(rng.integers(1, 3)):  # left lobe / extra lobes toward the midline
        c2 = (lc[0] + rng.uniform(-30, 10), lc[1] + rng.uniform(-0.3, 0.1) * lr[1], lc[2] + rng.uniform(0.5, 0.9) * lr[2])
        r2 = (lr[0] * rng.uniform(0.4, 0.7), lr[1] * rng.uniform(0.4, 0.7), lr[2] * rng.uniform(0.5, 0.8))
        liver_f = np.minimum(liver_f, _ellipsoid(zz, yy, xx, c2, r2))
    liver = (liver_f + warp < 1) & (visc < 1.05)
    img[liver] = hu["liver"] + 8 * _smooth_noise(rng, (nz, ny, nx), 6)[liver]
    # vessels: a few tubes through the liver
    for _ in range(rng.integers(2, 5)):
        p0 = np.array([rng.uniform(0, nz * sz), lc[1] + rng.uniform(-0.5, 0.5) * lr[1], lc[2] + rng.uniform(-0.5, 0.5) * lr[2]])
        d = rng.normal(size=3)
        d /= np.linalg.norm(d)
        rel = np.stack([zz - p0[0], yy - p0[1], xx - p0[2]])
        t = np.tensordot(d, rel, axes=1)
        dist2 = (rel ** 2).sum(0) - t ** 2
        tube = (dist2 < rng.uniform(2.0, 4.5) ** 2) & liver
        img[tube] = hu["vessel"]

    labels = np.zeros((nz, ny, nx), np.uint8)
    labels[liver] = 1
    lesions = []
    lz, ly, lx = np.nonzero(liver)
    for _ in range(rng.integers(0, 5)):
        if len(lz) == 0:
            break
        k = rng.integers(0, len(lz))
        c = (lz[k] * sz, ly[k] * sx, lx[k] * sx)
        rad = rng.uniform(4, 18)
        r = (rad * rng.uniform(0.8, 1.2), rad * rng.uniform(0.8, 1.2), rad * rng.uniform(0.8, 1.2))
        e = _ellipsoid(zz, yy, xx, c, r)
        les = (e < 1) & liver
        if les.sum() < 4:
            continue
        kind = "hyper" if rng.uniform() < 0.5 else "hypo"
        delta = hu[kind] + rng.normal(0, 6)
        img[les] = hu["liver"] + delta + 10 * _smooth_noise(rng, (nz, ny, nx), 3)[les]
        if rng.uniform() < 0.4:  # enhancing rim / capsule
            rim = (e < 1) & (e > 0.7) & liver
            img[rim] = hu["liver"] + rng.uniform(15, 40)
        labels[les] = 2
        lesions.append(dict(kind=kind, radiusMm=float(rad)))

    img = _box_blur(img)
    img += rng.normal(0, rng.uniform(6, 20), size=img.shape)
    info = dict(seed=seed, phase=phase, spacing=(sx, sx, sz), lesions=lesions, synthetic=True)
    return img.astype(np.float32), labels, info
