#!/usr/bin/python3
"""Train the tiny 2.5D liver -> tumour segmentation cascade on synthetic phantoms and export it to ONNX.

Run with Debian's python (python3-torch 1.13, python3-onnx, python3-numpy, python3-scipy, python3-nibabel):
    tools/models/make_phantoms.sh /tmp/seg-train 5000 40          # the project's phantoms (libs/phantoms)
    /usr/bin/python3 tools/models/train_seg.py --out libs/inference/models --phantom-dirs /tmp/seg-train/p5* \
        --stage liver|tumour|finish [--minutes 30] [--init libs/inference/models]

Training data: NIfTI phantoms written by `hepatoscope phantom` (libs/phantoms; `--phantom-dirs DIR...`, each
with manifest.json): every phase image (NATIVE, ARTERIAL, PORTAL_VENOUS, DELAYED), liverMask and lesionMask,
read with nibabel and brought into the models' axis order (x → patient left, y → posterior, as
libs/inference/src/orientation.ts does). `--numpy-phantoms N` adds the older simplified numpy phantom
(`phantom_np.py`, seeds 0..N-1; off by default). `--init DIR` starts from the weights of the models in DIR
(read back from their ONNX files, BatchNorm folded into the convolutions). Everything is synthetic.
Training is bounded by wall time (`--minutes`, cosine learning-rate decay over that time). The held-out
metrics in the manifests and model card are measured by the TypeScript pipeline
(`npx tsx libs/inference/src/bench.ts --size 0 --heldout-dirs ...`), not here.

The preprocessing here is the contract implemented by `libs/inference/src/preprocess.ts`; keep them equal:
- 2.5D input: slices z-1, z, z+1 (clamped at the volume ends) as 3 channels;
- HU window [low, high]: clip, then (hu - low) / (high - low) -> [0, 1];
- in-plane resampling of a region [x0, x1) x [y0, y1) (voxel units) to S x S with bilinear interpolation at
  pixel centres (`src = x0 + (i + 0.5) * (x1 - x0) / S - 0.5`, source indices clamped to the image),
  i.e. torch's `interpolate(mode="bilinear", align_corners=False)` for the full-slice case;
- stage 1 (liver): region = the whole slice; stage 2 (tumour): region = the liver's in-plane bounding box
  over the whole volume, enlarged by 10 % + 4 voxels per side and made square;
- outputs are logits [N, 2, S, S]; softmax, probabilities resampled back to the voxel grid bilinearly,
  foreground where p > 0.5; liver = largest 3D connected component (6-connectivity); tumour only in the liver.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

S = 128
TUMOUR_THRESHOLD = 0.7  # see manifest(): picked on validation seeds, not on the held-out ones
WINDOW = (-200.0, 300.0)
OFFSETS = (-1, 0, 1)


# ---------------------------------------------------------------- preprocessing (mirrors preprocess.ts)
def window(hu: np.ndarray) -> np.ndarray:
    lo, hi = WINDOW
    return ((np.clip(hu, lo, hi) - lo) / (hi - lo)).astype(np.float32)


def _axis_weights(n_src: int, a0: float, a1: float, n_dst: int):
    pos = a0 + (np.arange(n_dst) + 0.5) * (a1 - a0) / n_dst - 0.5
    pos = np.clip(pos, 0, n_src - 1)
    i0 = np.floor(pos).astype(int)
    i1 = np.minimum(i0 + 1, n_src - 1)
    f = (pos - i0).astype(np.float32)
    return i0, i1, f


def resample_region(img: np.ndarray, region, size: int = S) -> np.ndarray:
    """img [..., ny, nx] -> [..., size, size] bilinear at pixel centres of region (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = region
    ny, nx = img.shape[-2:]
    xi0, xi1, fx = _axis_weights(nx, x0, x1, size)
    yi0, yi1, fy = _axis_weights(ny, y0, y1, size)
    rows = img[..., yi0, :] * (1 - fy)[:, None] + img[..., yi1, :] * fy[:, None]
    return rows[..., xi0] * (1 - fx) + rows[..., xi1] * fx


def resample_labels(lab: np.ndarray, region, size: int = S) -> np.ndarray:
    """Nearest-neighbour resampling of a label image; outside the image -> 0."""
    x0, y0, x1, y1 = region
    ny, nx = lab.shape[-2:]
    xs = np.floor(x0 + (np.arange(size) + 0.5) * (x1 - x0) / size).astype(int)
    ys = np.floor(y0 + (np.arange(size) + 0.5) * (y1 - y0) / size).astype(int)
    okx, oky = (xs >= 0) & (xs < nx), (ys >= 0) & (ys < ny)
    out = lab[..., np.clip(ys, 0, ny - 1)[:, None], np.clip(xs, 0, nx - 1)[None, :]]
    return out * (oky[:, None] & okx[None, :])


def back_to_grid(prob: np.ndarray, region, nx: int, ny: int) -> np.ndarray:
    """prob [..., S, S] over region -> [..., ny, nx]; voxels outside the region get 0."""
    x0, y0, x1, y1 = region
    sz = prob.shape[-1]
    u = (np.arange(nx) + 0.5 - x0) * sz / (x1 - x0) - 0.5
    v = (np.arange(ny) + 0.5 - y0) * sz / (y1 - y0) - 0.5
    inx = (np.arange(nx) + 0.5 >= x0) & (np.arange(nx) + 0.5 < x1)
    iny = (np.arange(ny) + 0.5 >= y0) & (np.arange(ny) + 0.5 < y1)
    u, v = np.clip(u, 0, sz - 1), np.clip(v, 0, sz - 1)
    u0, v0 = np.floor(u).astype(int), np.floor(v).astype(int)
    u1, v1 = np.minimum(u0 + 1, sz - 1), np.minimum(v0 + 1, sz - 1)
    fu, fv = u - u0, v - v0
    rows = prob[..., v0, :] * (1 - fv)[:, None] + prob[..., v1, :] * fv[:, None]
    out = rows[..., u0] * (1 - fu) + rows[..., u1] * fu
    return out * (iny[:, None] & inx[None, :])


def stack25d(vol: np.ndarray, z: int) -> np.ndarray:
    nz = vol.shape[0]
    return np.stack([vol[min(max(z + o, 0), nz - 1)] for o in OFFSETS])


def liver_region(mask: np.ndarray, jitter: np.random.Generator | None = None):
    """Square in-plane region around the liver's bounding box (x0, y0, x1, y1), voxel units (half-open)."""
    zs, ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    w, h = x1 - x0, y1 - y0
    mx, my = 0.1 * w + 4, 0.1 * h + 4
    x0, x1, y0, y1 = x0 - mx, x1 + mx, y0 - my, y1 + my
    side = max(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if jitter is not None:
        side *= jitter.uniform(0.9, 1.15)
        cx += jitter.uniform(-0.05, 0.05) * side
        cy += jitter.uniform(-0.05, 0.05) * side
    return (cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)


# ---------------------------------------------------------------- model
def block(cin: int, cout: int, bn: bool = True) -> nn.Sequential:
    if not bn:  # the exported graph's form (BatchNorm folded): used when fine-tuning from ONNX weights
        return nn.Sequential(
            nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, padding=1), nn.ReLU(inplace=True),
        )
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class TinyUNet(nn.Module):
    """4-level 2D U-Net, widths w, 2w, 4w, 8w; nearest upsampling; 3 input channels (2.5D), 2 classes."""

    def __init__(self, cin: int = 3, cout: int = 2, w: int = 8, bn: bool = True):
        super().__init__()
        self.e1, self.e2, self.e3 = block(cin, w, bn), block(w, 2 * w, bn), block(2 * w, 4 * w, bn)
        self.b = block(4 * w, 8 * w, bn)
        self.d3, self.d2, self.d1 = block(12 * w, 4 * w, bn), block(6 * w, 2 * w, bn), block(3 * w, w, bn)
        self.head = nn.Conv2d(w, cout, 1)

    def forward(self, x):
        e1 = self.e1(x)
        e2 = self.e2(F.max_pool2d(e1, 2))
        e3 = self.e3(F.max_pool2d(e2, 2))
        b = self.b(F.max_pool2d(e3, 2))
        up = lambda t: F.interpolate(t, scale_factor=2.0, mode="nearest")  # noqa: E731
        d3 = self.d3(torch.cat([up(b), e3], 1))
        d2 = self.d2(torch.cat([up(d3), e2], 1))
        d1 = self.d1(torch.cat([up(d2), e1], 1))
        return self.head(d1)


def loss_fn(logits, target, fg_weight: float):
    ce = F.cross_entropy(logits, target, weight=torch.tensor([1.0, fg_weight]))
    p = torch.softmax(logits, 1)[:, 1]
    t = (target == 1).float()
    inter = (p * t).sum()
    dice = 1 - (2 * inter + 1) / (p.sum() + t.sum() + 1)
    return ce + dice


# ---------------------------------------------------------------- data
def to_lps(img):
    """nibabel image -> array [z, y, x] with x along patient left and y along posterior (orientation.ts)."""
    import nibabel as nib
    from nibabel.orientations import apply_orientation, axcodes2ornt, io_orientation, ornt_transform
    src = io_orientation(img.affine)
    codes = nib.aff2axcodes(img.affine)
    z_code = "S" if "S" in codes else ("I" if "I" in codes else None)
    target = axcodes2ornt(("L", "P", z_code or "S"))
    arr = apply_orientation(np.asarray(img.dataobj), ornt_transform(src, target))
    return np.ascontiguousarray(arr.transpose(2, 1, 0))


def load_volumes(phantom_dirs, numpy_seeds=()):
    """[(image HU [z, y, x] float32, labels uint8 0/1 liver/2 tumour, info)], one per phase image."""
    import nibabel as nib
    vols = []
    for d in phantom_dirs:
        man = json.load(open(os.path.join(d, "manifest.json")))
        entries = man if isinstance(man, list) else man.get("timepoints", [man])
        for e in entries:
            liver = to_lps(nib.load(os.path.join(d, e["liverMask"]))) > 0
            les = to_lps(nib.load(os.path.join(d, e["lesionMask"]))) > 0
            lab = np.zeros(liver.shape, np.uint8)
            lab[liver | les] = 1
            lab[les] = 2
            for ph in ("NATIVE", "ARTERIAL", "PORTAL_VENOUS", "DELAYED"):
                if ph in e.get("phases", {}):
                    img = to_lps(nib.load(os.path.join(d, e["phases"][ph]))).astype(np.float32)
                    vols.append((img, lab, dict(phase=ph, source=d, seed=man.get("seed"))))
    if numpy_seeds:
        from phantom_np import make_phantom
        for s in numpy_seeds:
            nx = int(np.random.default_rng(s + 7).choice([96, 128, 160, 192]))
            vols.append(make_phantom(s, nx=nx, nz=int(np.random.default_rng(s + 9).integers(28, 48))))
    return vols


def q8(x: np.ndarray) -> np.ndarray:
    """Window units [0, 1] stored as uint8 (1/255 of the 500 HU window ~ 2 HU, below the 12 HU noise)."""
    return np.round(np.clip(x, 0, 1) * 255).astype(np.uint8)


def liver_samples(vols):
    xs, ys = [], []
    for img, lab, _ in vols:
        nz, ny, nx = img.shape
        w = window(img)
        region = (0, 0, nx, ny)
        for z in range(nz):
            xs.append(q8(resample_region(stack25d(w, z), region)))
            ys.append(resample_labels((lab[z] > 0).astype(np.uint8), region))
    return np.stack(xs), np.stack(ys).astype(np.uint8)


def tumour_samples(vols, rng, copies=2):
    """Slices of the liver's (jittered) square bounding region, as the cascade's second stage sees them."""
    xs, ys = [], []
    for img, lab, _ in vols:
        w = window(img)
        zs = np.nonzero((lab > 0).any(axis=(1, 2)))[0]
        for _ in range(copies):
            region = liver_region(lab > 0, rng)
            if region is None:
                continue
            for z in zs:
                xs.append(q8(resample_region(stack25d(w, z), region)))
                ys.append(resample_labels((lab[z] == 2).astype(np.uint8), region))
    return np.stack(xs), np.stack(ys).astype(np.uint8)


def crop_batch(x, y, idx, rng, crop, centre_on_fg):
    """crop x crop windows of samples idx; where centre_on_fg, centred on a random foreground pixel (+-crop/4)."""
    n, _, h, w = x.shape
    xb = np.empty((len(idx), x.shape[1], crop, crop), np.uint8)
    yb = np.empty((len(idx), crop, crop), np.uint8)
    for k, (i, fg) in enumerate(zip(idx, centre_on_fg)):
        pts = np.argwhere(y[i]) if fg else ()
        if len(pts):
            cy, cx = pts[rng.integers(len(pts))] + rng.integers(-crop // 4, crop // 4 + 1, size=2)
        else:
            cy, cx = rng.integers(crop // 2, h - crop // 2 + 1), rng.integers(crop // 2, w - crop // 2 + 1)
        y0 = int(np.clip(cy - crop // 2, 0, h - crop))
        x0 = int(np.clip(cx - crop // 2, 0, w - crop))
        xb[k] = x[i, :, y0:y0 + crop, x0:x0 + crop]
        yb[k] = y[i, y0:y0 + crop, x0:x0 + crop]
    return xb, yb


def train(model, x, y, minutes, fg_weight, batch=16, lr=3e-3, seed=0, label="", pos_frac=0.0, crop=0,
          flips=False, max_iters=100000):
    """Trains for `minutes` of wall time (cosine learning-rate decay over that time, 3 % warm-up).
    pos_frac: share of each batch drawn from samples that contain foreground (class balance for tumours);
    crop > 0: random crop x crop windows, the positive ones centred on foreground (lesion-centred crops);
    flips: random x/y flips (the tumour model; the liver model keeps its position cue)."""
    rng = np.random.default_rng(seed)
    pos = np.nonzero(y.reshape(len(y), -1).max(1) > 0)[0]
    n_pos = int(round(pos_frac * batch)) if len(pos) else 0
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    model.train()
    t0 = time.time()
    budget = minutes * 60
    it = 0
    while it < max_iters:
        frac = (time.time() - t0) / budget
        if frac >= 1:
            break
        for g in opt.param_groups:
            g["lr"] = lr * (frac / 0.03 if frac < 0.03 else 0.5 * (1 + math.cos(math.pi * (frac - 0.03) / 0.97)))
        idx = np.concatenate([rng.choice(pos, size=n_pos), rng.integers(0, len(x), size=batch - n_pos)])
        if crop:
            xq, yq = crop_batch(x, y, idx, rng, crop, np.arange(batch) < n_pos)
        else:
            xq, yq = x[idx], y[idx]
        xb = torch.from_numpy(xq.astype(np.float32) / 255)
        yb = torch.from_numpy(yq.astype(np.int64))
        if flips:
            if rng.random() < 0.5:
                xb, yb = xb.flip(-1), yb.flip(-1)
            if rng.random() < 0.5:
                xb, yb = xb.flip(-2), yb.flip(-2)
        # intensity augmentation: +-15 HU offset and +-10 % contrast, applied in window units
        shift = torch.from_numpy(rng.uniform(-0.03, 0.03, size=(batch, 1, 1, 1)).astype(np.float32))
        scale = torch.from_numpy(rng.uniform(0.9, 1.1, size=(batch, 1, 1, 1)).astype(np.float32))
        xb = ((xb - 0.5) * scale + 0.5 + shift).clamp(0, 1)
        loss = loss_fn(model(xb), yb, fg_weight)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if it % 10 == 0:
            print(f"[{label}] iter {it} loss {loss.item():.4f} lr {opt.param_groups[0]['lr']:.2e} "
                  f"({time.time() - t0:.0f}s)", flush=True)
        it += 1
    print(f"[{label}] done: {it} iterations in {time.time() - t0:.0f}s", flush=True)
    model.eval()
    return model, it


def load_onnx_weights(model: TinyUNet, onnx_path: str) -> None:
    """Copies the Conv weights of an exported TinyUNet (BatchNorm folded) into a bn=False TinyUNet."""
    import onnx
    from onnx import numpy_helper
    g = onnx.load(onnx_path).graph
    init = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    convs = [n for n in g.node if n.op_type == "Conv"]
    mods = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    if len(convs) != len(mods):
        raise SystemExit(f"--init: {onnx_path} has {len(convs)} Conv nodes, the model {len(mods)}")
    for node, m in zip(convs, mods):
        w, b = init[node.input[1]], init[node.input[2]]
        if tuple(w.shape) != tuple(m.weight.shape):
            raise SystemExit(f"--init: {onnx_path} {node.input[1]} has shape {w.shape}, expected {tuple(m.weight.shape)}")
        m.weight.data = torch.from_numpy(w.copy())
        m.bias.data = torch.from_numpy(b.copy())


# ---------------------------------------------------------------- export
def export(model, path):
    model.eval()
    dummy = torch.zeros(1, 3, S, S)
    torch.onnx.export(model, dummy, path, opset_version=17, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "n"}, "logits": {0: "n"}}, do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(path))
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def finite(o):
    """JSON has no NaN: undefined metrics (e.g. HD95 with an empty prediction) become null."""
    if isinstance(o, float) and not math.isfinite(o):
        return None
    if isinstance(o, dict):
        return {k: finite(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [finite(v) for v in o]
    return o


def manifest(model_id, task, classes, crop, sha, args, info, metrics=None):
    m = {
        "id": model_id,
        "version": args.version,
        "task": task,
        "file": "model.onnx",
        "sha256": sha,
        "framework": f"torch {torch.__version__} -> ONNX opset 17",
        "input": {
            "name": "image", "dtype": "float32", "shape": [-1, 3, S, S], "layout": "NCHW",
            "sliceOffsets": list(OFFSETS), "size": [S, S],
            "window": {"low": WINDOW[0], "high": WINDOW[1]},
            "normalisation": "clip to window, then (hu - low) / (high - low)",
            "region": crop,
        },
        "output": {"name": "logits", "dtype": "float32", "shape": [-1, 2, S, S], "activation": "softmax",
                   "classes": classes, "threshold": 0.5},
        "training": {"data": "synthetic", **info, "script": "tools/models/train_seg.py"},
    }
    if task == "tumour-segmentation":
        m["input"]["ttaFlips"] = ["y"]
        # chosen on phantom seeds 1006-1010 (neither training nor held out) by `libs/inference` bench --sweep:
        # tumour Dice rises with the threshold up to 0.7 (0.515 at 0.3 -> 0.607 at 0.7)
        m["output"]["threshold"] = TUMOUR_THRESHOLD
    if metrics:
        m["metrics"] = {"heldOut": metrics}
    return m


def split_metrics(bench):
    """The bench's --json (libs/inference/src/bench.ts --heldout-dirs) -> held-out metrics per manifest."""
    common = {k: bench[k] for k in ("measuredBy", "generator", "seeds", "phases", "n")}
    pick = lambda keys: {t: {k: bench[t][k] for k in keys} for t in ("withoutTta", "withTta")}  # noqa: E731
    return {
        # the liver manifest lists no TTA flips: its figures are the same with and without --tta
        "liver": {**common, **{k: bench["withoutTta"][k] for k in ("liverDice", "liverHd95Mm")}},
        "tumour": {**common, **pick(("tumourDice", "tumourHd95Mm", "tumourHd95Undefined"))},
        "cascade": {**common, **pick(("liverDice", "liverHd95Mm", "tumourDice", "tumourHd95Mm", "tumourHd95Undefined"))},
    }


def phase_means(bench):
    out = []
    for ph in bench["phases"]:
        for tta in (False, True):
            rows = [r for r in bench["perCase"] if r["phase"] == ph and r["tta"] == tta]
            mean = lambda k: float(np.nanmean([np.nan if r[k] is None else r[k] for r in rows]))  # noqa: E731
            out.append((ph, tta, mean("liverDice"), mean("liverHd95Mm"), mean("tumourDice"), mean("tumourHd95Mm")))
    return out


def write_model_card(args, infos, bench):
    """README.md of the models directory: the model card (training facts of this run, bench metrics)."""
    f = lambda v: "n/a" if v is None or (isinstance(v, float) and not math.isfinite(v)) else f"{v:.3f}"  # noqa: E731
    li, tu = infos.get("liver", {}), infos.get("tumour", {})
    seeds = li.get("trainSeeds") or []
    seed_text = f"{seeds[0]}–{seeds[-1]} ({len(seeds)} phantoms)" if seeds else "n/a"
    params = sum(p.numel() for p in TinyUNet(w=args.width).parameters())
    wo, wi = bench["withoutTta"], bench["withTta"]
    rows = "\n".join(f"| {ph} | {'y' if t else 'n'} | {f(a)} | {f(b)} | {f(c)} | {f(d)} |"
                     for ph, t, a, b, c, d in phase_means(bench))
    text = f"""# Bundled segmentation models (model card)

**Synthetic training data only — not for clinical use.** Two tiny 2.5D 2D-convolution U-Nets, exported to ONNX
(opset 17) and run by `@hepatoscope/inference` as a liver → tumour cascade (`liver-tumour-cascade/`), version
{args.version}.

| | liver-seg-2p5d {args.version} | tumour-seg-2p5d {args.version} |
| --- | --- | --- |
| task | liver (incl. lesions) vs background | tumour vs background, inside the liver region |
| input | `image` float32 [N, 3, 128, 128]: slices z-1, z, z+1 | same, from the liver's square bounding region (+10 % + 4 voxels) |
| input region / spacing | whole slice resampled to 128×128 (any in-plane spacing) | liver region resampled to 128×128 |
| intensity | HU window [-200, 300] → [0, 1] (clip, then (hu + 200) / 500) | same |
| output | `logits` [N, 2, 128, 128], softmax, foreground p > 0.5 | same |
| post-processing | largest 6-connected 3D component | tumour kept only inside the liver mask |
| test-time augmentation (`--tta`) | none (flips break the position cue that separates liver from spleen) | `ttaFlips: ["y"]` |
| architecture | 4-level U-Net, widths {args.width}/{2 * args.width}/{4 * args.width}/{8 * args.width}, nearest upsampling, {params} parameters (BatchNorm folded into the convolutions) | same |
| training data | {li.get('samples')} slices of {li.get('phaseVolumes')} phase images | {tu.get('samples')} liver-region slices (2 jittered regions per image) |
| training | {li.get('iterations')} iterations × batch {li.get('batch')}, {li.get('minutes')} min; {li.get('sampling')} | {tu.get('iterations')} iterations × batch {tu.get('batch')}, {tu.get('minutes')} min; {tu.get('sampling')} |
| initialised from | {li.get('initialisedFrom') or 'random'} | {tu.get('initialisedFrom') or 'random'} |

**Training data:** synthetic phantoms of the project's own generator (`libs/phantoms`, written by
`hepatoscope phantom` through `tools/models/make_phantoms.sh`), seeds {seed_text}, all four phases (NATIVE,
ARTERIAL, PORTAL_VENOUS, DELAYED) of each, four grids from 96×96×32 @ 2 mm to 160×160×40 @ 1.2 mm, 1–6 lesions
(HCC, haemangioma, cyst, metastasis). Loss: cross-entropy (foreground weight 2 liver / 10 tumour) + soft Dice;
AdamW, cosine learning-rate decay over a wall-time budget; ±15 HU / ±10 % contrast augmentation. Debian
torch {torch.__version__}, CPU, 1 thread per model, the two models trained in parallel (about 27 min of wall time
together, data loading included) on a 2-core machine shared with other work. The weights start from the 1.0.0 models (trained on the simplified
numpy phantom `tools/models/phantom_np.py`), because the CPU budget of this run did not allow training from scratch.

```
tools/models/make_phantoms.sh /tmp/seg-train 5000 40
git archive e13da9d libs/inference/models | tar -x -C /tmp/v1.0.0      # the 1.0.0 weights to start from
/usr/bin/python3 tools/models/train_seg.py --out OUT --stage liver  --phantom-dirs /tmp/seg-train/p50[0-3]? --init /tmp/v1.0.0/libs/inference/models --minutes 24 --batch 8 --lr 1e-3
/usr/bin/python3 tools/models/train_seg.py --out OUT --stage tumour --phantom-dirs /tmp/seg-train/p50[0-3]? --init /tmp/v1.0.0/libs/inference/models --minutes 24 --batch 16 --lr 1e-3 --crop 64
npx tsx libs/inference/src/bench.ts --size 0 --heldout 0 --model OUT/liver-tumour-cascade --heldout-dirs DIR1001,…,DIR1005 --phases PORTAL_VENOUS,ARTERIAL,NATIVE,DELAYED --json metrics.json
/usr/bin/python3 tools/models/train_seg.py --out OUT --stage finish --metrics metrics.json
```

## Held-out evaluation

Measured by the TypeScript pipeline (`libs/inference/src/bench.ts --heldout-dirs`: NIfTI read like any image,
the cascade on onnxruntime-node's CPU provider) on libs/phantoms seeds {', '.join(str(x) for x in bench['seeds'])}
(default grid 128×128×48 @ 1.5×1.5×3 mm, not among the training seeds; the seeds the classical segmentation is
measured on), {len(bench['phases'])} phases each, {bench['n']} images. Tumour means are over images with lesions; HD95 is
undefined where no tumour was predicted.

| | liver Dice | liver HD95 mm | tumour Dice | tumour HD95 mm |
| --- | --- | --- | --- | --- |
| without TTA | {f(wo['liverDice'])} | {f(wo['liverHd95Mm'])} | {f(wo['tumourDice'])} | {f(wo['tumourHd95Mm'])} |
| with TTA (tumour y-flip) | {f(wi['liverDice'])} | {f(wi['liverHd95Mm'])} | {f(wi['tumourDice'])} | {f(wi['tumourHd95Mm'])} |

Per phase (mean over the {len(bench['seeds'])} seeds):

| phase | TTA | liver Dice | liver HD95 mm | tumour Dice | tumour HD95 mm |
| --- | --- | --- | --- | --- | --- |
{rows}

Per case: `liver-tumour-cascade/manifest.json` (`metrics.perCase`). The tests (`libs/inference/src/model.spec.ts`) and
`bench.ts --heldout N` also run the cascade on the TypeScript port of the old numpy phantom
(`src/testing/simple-phantom.ts`), a different generator.
Limitations: trained and evaluated on synthetic phantoms only; the liver is found partly by position (patient's
right), so images are reoriented to LPS axis order first; the tumour model misses small and faint lesions and
marks false positives far from the lesions (large HD95).
"""
    open(os.path.join(args.out, "README.md"), "w").write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--phantom-dirs", nargs="*", default=[], help="hepatoscope phantom output directories")
    ap.add_argument("--numpy-phantoms", type=int, default=0, help="also N numpy phantoms (phantom_np.py), seeds 0..N-1")
    ap.add_argument("--stage", choices=["liver", "tumour", "finish"], required=True,
                    help="liver / tumour: train one model (separate processes can run in parallel); finish: export")
    ap.add_argument("--minutes", type=float, default=25, help="wall-time budget of one stage's training")
    ap.add_argument("--max-iters", type=int, default=100000)
    ap.add_argument("--init", default=None, help="start from the ONNX weights of the models in this directory")
    ap.add_argument("--width", type=int, default=8)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--crop", type=int, default=64, help="tumour training crop (lesion-centred); 0 = whole region")
    ap.add_argument("--version", default="1.1.0")
    ap.add_argument("--metrics", default=None, help="finish: JSON of held-out metrics measured by the TS bench")
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))
    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    info_path = os.path.join(args.out, "train-info.json")
    infos = json.load(open(info_path)) if os.path.exists(info_path) else {}
    if args.stage in ("liver", "tumour"):
        vols = load_volumes(args.phantom_dirs, range(args.numpy_phantoms))
        seeds = sorted({v[2].get("seed") for v in vols if v[2].get("seed") is not None})
        print(f"data: {len(vols)} phase volumes ({time.time() - t0:.0f}s)", flush=True)
        bn = args.init is None
        model = TinyUNet(w=args.width, bn=bn)
        name = "liver-seg-2p5d" if args.stage == "liver" else "tumour-seg-2p5d"
        if args.init:
            load_onnx_weights(model, os.path.join(args.init, name, "model.onnx"))
        if args.stage == "liver":
            x, y = liver_samples(vols)
            model, iters = train(model, x, y, args.minutes, 2.0, batch=args.batch, lr=args.lr, seed=1,
                                 label="liver", max_iters=args.max_iters)
            sampling = "uniform over slices, no flips"
        else:
            x, y = tumour_samples(vols, np.random.default_rng(1))
            model, iters = train(model, x, y, args.minutes, 10.0, batch=args.batch, lr=args.lr, seed=2,
                                 label="tumour", pos_frac=0.75, crop=args.crop, flips=True, max_iters=args.max_iters)
            sampling = (f"75 % of each batch from slices with tumour, {args.crop}x{args.crop} crops centred on a "
                        f"tumour pixel (+-{args.crop // 4} px), random x/y flips" if args.crop else
                        "75 % of each batch from slices with tumour, random x/y flips")
        torch.save({"state": model.state_dict(), "bn": bn}, os.path.join(args.out, f"{args.stage}.pt"))
        infos[args.stage] = {
            "generator": "libs/phantoms via `hepatoscope phantom` (tools/models/make_phantoms.sh)"
                         + (f" + {args.numpy_phantoms} numpy phantoms (tools/models/phantom_np.py)" if args.numpy_phantoms else ""),
            "trainSeeds": seeds, "phaseVolumes": len(vols), "samples": int(len(x)),
            "phases": ["NATIVE", "ARTERIAL", "PORTAL_VENOUS", "DELAYED"],
            "initialisedFrom": f"{name} 1.0.0 (numpy phantoms, tools/models/phantom_np.py)" if args.init else None,
            "iterations": iters, "batch": args.batch, "minutes": round((time.time() - t0) / 60, 1),
            "optimizer": f"AdamW, lr {args.lr:g}, cosine decay over the wall-time budget",
            "loss": f"cross-entropy (foreground weight {2 if args.stage == 'liver' else 10}) + soft Dice",
            "sampling": sampling, "augmentation": "+-15 HU offset, +-10 % contrast",
            "torchThreads": torch.get_num_threads(),
        }
        infos_now = json.load(open(info_path)) if os.path.exists(info_path) else {}
        infos_now[args.stage] = infos[args.stage]
        json.dump(infos_now, open(info_path, "w"), indent=2)
        return
    bench = json.load(open(args.metrics)) if args.metrics else None
    metrics = split_metrics(bench) if bench else {}
    for stage, name, task, classes, crop in (
        ("liver", "liver-seg-2p5d", "liver-segmentation", ["background", "liver"], "full-slice"),
        ("tumour", "tumour-seg-2p5d", "tumour-segmentation", ["background", "tumour"], "liver-bbox"),
    ):
        ck = torch.load(os.path.join(args.out, f"{stage}.pt"))
        model = TinyUNet(w=args.width, bn=ck["bn"])
        model.load_state_dict(ck["state"])
        d = os.path.join(args.out, name)
        os.makedirs(d, exist_ok=True)
        sha = export(model, os.path.join(d, "model.onnx"))
        m = finite(manifest(name, task, classes, crop, sha, args, infos.get(stage, {}), metrics.get(stage)))
        json.dump(m, open(os.path.join(d, "manifest.json"), "w"), indent=2, allow_nan=False)
    d = os.path.join(args.out, "liver-tumour-cascade")
    os.makedirs(d, exist_ok=True)
    casc = {"id": "liver-tumour-cascade", "version": args.version, "task": "cascade",
            "stages": {"liver": "../liver-seg-2p5d", "tumour": "../tumour-seg-2p5d"}}
    if bench:
        casc["metrics"] = {"heldOut": metrics["cascade"], "perCase": bench["perCase"]}
    json.dump(finite(casc), open(os.path.join(d, "manifest.json"), "w"), indent=2, allow_nan=False)
    if bench:
        write_model_card(args, infos, bench)
    print(f"exported ({time.time() - t0:.0f}s)")


if __name__ == "__main__":
    main()
