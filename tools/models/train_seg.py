#!/usr/bin/python3
"""Train the tiny 2.5D liver -> tumour segmentation cascade on synthetic phantoms and export it to ONNX.

Run with Debian's python (torch 1.13, onnx, numpy, scipy):
    /usr/bin/python3 tools/models/train_seg.py --out libs/inference/models [--iters 1200] [--train 60]

Training data: `phantom_np.make_phantom` (a simplified numpy phantom, see that file) and, optionally, NIfTI
phantoms written by `hepatoscope phantom` (`--phantom-dirs DIR...`, each with manifest.json; the
PORTAL_VENOUS image, liverMask and lesionMask are read with nibabel). Everything is synthetic.

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
from phantom_np import make_phantom  # noqa: E402

S = 128
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
def block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class TinyUNet(nn.Module):
    """4-level 2D U-Net, widths w, 2w, 4w, 8w; nearest upsampling; 3 input channels (2.5D), 2 classes."""

    def __init__(self, cin: int = 3, cout: int = 2, w: int = 8):
        super().__init__()
        self.e1, self.e2, self.e3 = block(cin, w), block(w, 2 * w), block(2 * w, 4 * w)
        self.b = block(4 * w, 8 * w)
        self.d3, self.d2, self.d1 = block(12 * w, 4 * w), block(6 * w, 2 * w), block(3 * w, w)
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
def load_volumes(seeds, phantom_dirs):
    vols = []
    for s in seeds:
        nx = int(np.random.default_rng(s + 7).choice([96, 128, 160, 192]))
        img, lab, info = make_phantom(s, nx=nx, nz=int(np.random.default_rng(s + 9).integers(28, 48)))
        vols.append((img, lab, info))
    for d in phantom_dirs:
        import nibabel as nib
        man = json.load(open(os.path.join(d, "manifest.json")))
        entries = man if isinstance(man, list) else man.get("timepoints", [man])
        for e in entries:
            for ph in ("PORTAL_VENOUS", "ARTERIAL", "NATIVE", "DELAYED"):
                if ph not in e.get("phases", {}):
                    continue
                img = np.asarray(nib.load(os.path.join(d, e["phases"][ph])).dataobj, np.float32).transpose(2, 1, 0)
                liver = np.asarray(nib.load(os.path.join(d, e["liverMask"])).dataobj).transpose(2, 1, 0) > 0
                les = np.asarray(nib.load(os.path.join(d, e["lesionMask"])).dataobj).transpose(2, 1, 0) > 0
                lab = np.zeros(img.shape, np.uint8)
                lab[liver | les] = 1
                lab[les] = 2
                vols.append((img, lab, dict(phase=ph, source=d)))
    return vols


def liver_samples(vols):
    xs, ys = [], []
    for img, lab, _ in vols:
        nz, ny, nx = img.shape
        w = window(img)
        region = (0, 0, nx, ny)
        for z in range(nz):
            xs.append(resample_region(stack25d(w, z), region))
            ys.append(resample_labels((lab[z] > 0).astype(np.uint8), region))
    return np.stack(xs).astype(np.float32), np.stack(ys).astype(np.int64)


def tumour_samples(vols, rng, copies=2):
    xs, ys = [], []
    for img, lab, _ in vols:
        nz = img.shape[0]
        w = window(img)
        zs = np.nonzero((lab > 0).any(axis=(1, 2)))[0]
        for _ in range(copies):
            region = liver_region(lab > 0, rng)
            if region is None:
                continue
            for z in zs:
                xs.append(resample_region(stack25d(w, z), region))
                ys.append(resample_labels((lab[z] == 2).astype(np.uint8), region))
    return np.stack(xs).astype(np.float32), np.stack(ys).astype(np.int64)


def train(model, x, y, iters, fg_weight, batch=16, lr=3e-3, seed=0, label="", pos_frac=0.0):
    """pos_frac: share of each batch drawn from samples that contain foreground (class balance for tumours)."""
    rng = np.random.default_rng(seed)
    pos = np.nonzero(y.reshape(len(y), -1).max(1) > 0)[0]
    n_pos = int(round(pos_frac * batch)) if len(pos) else 0
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=iters)
    model.train()
    t0 = time.time()
    for it in range(iters):
        idx = np.concatenate([rng.choice(pos, size=n_pos), rng.integers(0, len(x), size=batch - n_pos)])
        xb = torch.from_numpy(x[idx])
        # intensity augmentation: +-15 HU offset and +-10 % contrast, applied in window units
        shift = torch.from_numpy(rng.uniform(-0.03, 0.03, size=(batch, 1, 1, 1)).astype(np.float32))
        scale = torch.from_numpy(rng.uniform(0.9, 1.1, size=(batch, 1, 1, 1)).astype(np.float32))
        xb = ((xb - 0.5) * scale + 0.5 + shift).clamp(0, 1)
        yb = torch.from_numpy(y[idx])
        loss = loss_fn(model(xb), yb, fg_weight)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if it % 25 == 0 or it == iters - 1:
            print(f"[{label}] iter {it}/{iters} loss {loss.item():.4f} ({time.time() - t0:.0f}s)", flush=True)
    model.eval()
    return model


# ---------------------------------------------------------------- evaluation (same pipeline as TS)
@torch.no_grad()
def predict_stack(model, stack: np.ndarray, batch=16) -> np.ndarray:
    out = []
    for i in range(0, len(stack), batch):
        out.append(torch.softmax(model(torch.from_numpy(stack[i:i + batch])), 1)[:, 1].numpy())
    return np.concatenate(out)


def largest_component(mask: np.ndarray) -> np.ndarray:
    from scipy import ndimage
    lab, n = ndimage.label(mask)  # 6-connectivity in 3D (the default structure)
    if n <= 1:
        return mask
    sizes = np.bincount(lab.ravel())
    sizes[0] = 0
    return lab == sizes.argmax()


def cascade(liver_model, tumour_model, img: np.ndarray) -> np.ndarray:
    nz, ny, nx = img.shape
    w = window(img)
    full = (0, 0, nx, ny)
    stack = np.stack([resample_region(stack25d(w, z), full) for z in range(nz)]).astype(np.float32)
    p = back_to_grid(predict_stack(liver_model, stack), full, nx, ny)
    liver = largest_component(p > 0.5)
    labels = liver.astype(np.uint8)
    region = liver_region(liver)
    if region is None:
        return labels
    zs = np.nonzero(liver.any(axis=(1, 2)))[0]
    stack = np.stack([resample_region(stack25d(w, z), region) for z in zs]).astype(np.float32)
    pt = back_to_grid(predict_stack(tumour_model, stack), region, nx, ny)
    tum = np.zeros_like(liver)
    tum[zs] = pt > 0.5
    labels[tum & liver] = 2
    return labels


def dice(a: np.ndarray, b: np.ndarray) -> float:
    s = a.sum() + b.sum()
    return 1.0 if s == 0 else float(2 * (a & b).sum() / s)


def hd95(a: np.ndarray, b: np.ndarray, spacing_zyx) -> float:
    """95th percentile symmetric surface distance (mm); surfaces = mask minus its 6-neighbour erosion."""
    from scipy import ndimage
    if a.sum() == 0 or b.sum() == 0:
        return float("nan")
    sa = a & ~ndimage.binary_erosion(a)
    sb = b & ~ndimage.binary_erosion(b)
    da = ndimage.distance_transform_edt(~sb, sampling=spacing_zyx)[sa]
    db = ndimage.distance_transform_edt(~sa, sampling=spacing_zyx)[sb]
    return float(np.percentile(np.concatenate([da, db]), 95))


def evaluate(liver_model, tumour_model, seeds):
    rows = []
    for s in seeds:
        img, lab, info = make_phantom(s, nx=128, nz=40)
        pred = cascade(liver_model, tumour_model, img)
        sx, _, sz = info["spacing"]
        gl, pl = lab > 0, pred > 0
        gt, pt = lab == 2, pred == 2
        rows.append(dict(seed=s, phase=info["phase"], liverDice=dice(gl, pl), liverHd95Mm=hd95(gl, pl, (sz, sx, sx)),
                         tumourDice=dice(gt, pt) if gt.any() else None,
                         tumourHd95Mm=hd95(gt, pt, (sz, sx, sx)) if gt.any() and pt.any() else None))
        print(rows[-1], flush=True)
    mean = lambda k: float(np.nanmean([r[k] for r in rows if r[k] is not None]))  # noqa: E731
    return dict(seeds=list(seeds), n=len(rows), liverDice=mean("liverDice"), liverHd95Mm=mean("liverHd95Mm"),
                tumourDice=mean("tumourDice"), tumourHd95Mm=mean("tumourHd95Mm"), perCase=rows)


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


def manifest(model_id, task, classes, crop, sha, metrics, args, n_train_slices):
    return {
        "id": model_id,
        "version": "1.0.0",
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
        "training": {"data": "synthetic", "generator": "tools/models/phantom_np.py (numpy phantom)",
                     "phantomDirs": args.phantom_dirs, "trainSeeds": [0, args.train], "slices": n_train_slices,
                     "iterations": args.iters if task == "liver-segmentation" else (args.iters_tumour or args.iters), "batch": args.batch, "optimizer": "AdamW + one-cycle",
                     "loss": "cross-entropy (foreground weight 2 liver, 10 tumour) + soft Dice",
                     "tumourBatches": "75 % of each batch from slices with tumour", "script": "tools/models/train_seg.py"},
        "metrics": {"heldOut": metrics},
    }


def write_model_card(args, metrics, counts):
    """README.md of the models directory: the model card (numbers from this run)."""
    f = lambda v: "n/a" if v is None or (isinstance(v, float) and not math.isfinite(v)) else f"{v:.3f}"  # noqa: E731
    rows = "\n".join(
        f"| {r['seed']} | {r['phase']} | {f(r['liverDice'])} | {f(r['liverHd95Mm'])} | {f(r['tumourDice'])} | {f(r['tumourHd95Mm'])} |"
        for r in metrics["perCase"])
    params = sum(p.numel() for p in TinyUNet(w=args.width).parameters())
    text = f"""# Bundled segmentation models (model card)

**Synthetic training data only — not for clinical use.** Two tiny 2.5D 2D-convolution U-Nets, exported to ONNX
(opset 17) and run by `@hepatoscope/inference` as a liver → tumour cascade (`liver-tumour-cascade/`).

| | liver-seg-2p5d 1.0.0 | tumour-seg-2p5d 1.0.0 |
| --- | --- | --- |
| task | liver (incl. lesions) vs background | tumour vs background, inside the liver region |
| input | `image` float32 [N, 3, 128, 128]: slices z-1, z, z+1 | same, from the liver's square bounding region (+10 % + 4 voxels) |
| input region / spacing | whole slice resampled to 128×128 (any in-plane spacing; trained on 180–330 mm fields of view) | liver region resampled to 128×128 |
| intensity | HU window [-200, 300] → [0, 1] (clip, then (hu + 200) / 500) | same |
| output | `logits` [N, 2, 128, 128], softmax, foreground p > 0.5 | same |
| post-processing | probabilities resampled back bilinearly; largest 6-connected 3D component | tumour kept only inside the liver mask |
| architecture | 4-level U-Net, widths {args.width}/{2 * args.width}/{4 * args.width}/{8 * args.width}, BatchNorm, nearest upsampling, {params} parameters | same |
| training | {counts.get('liver')} slices of {args.train} numpy phantoms, {args.iters} iterations × batch {args.batch} | {counts.get('tumour')} region crops (2 jitters per phantom), {args.iters_tumour or args.iters} iterations × batch {args.batch}, 75 % of each batch with tumour |

Training: `/usr/bin/python3 tools/models/train_seg.py --out libs/inference/models --train {args.train} --batch {args.batch} --iters {args.iters} --iters-tumour {args.iters_tumour or args.iters}`
(Debian torch {torch.__version__}, CPU; AdamW + one-cycle LR 3e-3, cross-entropy + soft Dice, ±15 HU / ±10 % contrast
augmentation). Data: `tools/models/phantom_np.py`, a simplified numpy abdominal phantom (liver, vessels, spleen,
kidneys, aorta, vertebra, bowel, 0–4 hypo/hyper-attenuating lesions with optional rim; NATIVE / ARTERIAL /
PORTAL_VENOUS / DELAYED HU; noise and partial volume), seeds 0–{args.train - 1}.

## Held-out evaluation (numpy phantoms, seeds {metrics['seeds'][0]}–{metrics['seeds'][-1]}, 128×128×40, full cascade)
Mean liver Dice **{f(metrics['liverDice'])}**, liver HD95 **{f(metrics['liverHd95Mm'])} mm**; mean tumour Dice **{f(metrics['tumourDice'])}**,
tumour HD95 **{f(metrics['tumourHd95Mm'])} mm** (over phantoms that have lesions; HD95 n/a when nothing was predicted).

| seed | phase | liver Dice | liver HD95 mm | tumour Dice | tumour HD95 mm |
| --- | --- | --- | --- | --- | --- |
{rows}

The tests (`libs/inference/src/model.spec.ts`) and the bench (`npm run bench -w @hepatoscope/inference`) re-measure on
FRESH phantoms from the TypeScript port (`src/testing/simple-phantom.ts`, other seeds and generator).
Limitations: trained and evaluated on synthetic phantoms only; the liver is found partly by position (patient's
right), so images are reoriented to LPS axis order first; small lesions (< 5 mm radius) are often missed.
"""
    open(os.path.join(args.out, "README.md"), "w").write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--train", type=int, default=60, help="number of numpy phantoms (seeds 0..N-1)")
    ap.add_argument("--iters", type=int, default=1200, help="training iterations per model (batch 16)")
    ap.add_argument("--iters-tumour", type=int, default=None, help="iterations for the tumour model (default --iters)")
    ap.add_argument("--width", type=int, default=8)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--eval-seeds", type=int, nargs="*", default=list(range(10000, 10008)))
    ap.add_argument("--phantom-dirs", nargs="*", default=[])
    ap.add_argument("--stage", choices=["all", "liver", "tumour", "finish"], default="all")
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "2")))
    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    n_path = os.path.join(args.out, "train-counts.json")
    counts = json.load(open(n_path)) if os.path.exists(n_path) else {}
    # --stage liver / tumour train one model and save its weights (so both can run as parallel processes);
    # --stage finish evaluates and exports; --stage all does everything in one process.
    if args.stage in ("all", "liver", "tumour"):
        vols = load_volumes(range(args.train), args.phantom_dirs)
        print(f"data: {len(vols)} volumes ({time.time() - t0:.0f}s)", flush=True)
    if args.stage in ("all", "liver"):
        xl, yl = liver_samples(vols)
        counts["liver"] = len(xl)
        model = train(TinyUNet(w=args.width), xl, yl, args.iters, 2.0, batch=args.batch, seed=1, label="liver")
        torch.save(model.state_dict(), os.path.join(args.out, "liver.pt"))
        del xl, yl
    if args.stage in ("all", "tumour"):
        xt, yt = tumour_samples(vols, np.random.default_rng(1))
        counts["tumour"] = len(xt)
        model = train(TinyUNet(w=args.width), xt, yt, args.iters_tumour or args.iters, 10.0, batch=args.batch, seed=2, label="tumour",
                      pos_frac=0.75)
        torch.save(model.state_dict(), os.path.join(args.out, "tumour.pt"))
        del xt, yt
    if args.stage in ("liver", "tumour"):
        counts_now = json.load(open(n_path)) if os.path.exists(n_path) else {}
        counts_now.update({k: v for k, v in counts.items() if k == args.stage})
        json.dump(counts_now, open(n_path, "w"))
        return
    json.dump(counts, open(n_path, "w"))
    liver, tumour = TinyUNet(w=args.width), TinyUNet(w=args.width)
    liver.load_state_dict(torch.load(os.path.join(args.out, "liver.pt")))
    tumour.load_state_dict(torch.load(os.path.join(args.out, "tumour.pt")))
    liver.eval()
    tumour.eval()
    n_liver, n_tumour = counts.get("liver"), counts.get("tumour")
    metrics = evaluate(liver, tumour, args.eval_seeds)
    liver_m = {k: metrics[k] for k in ("seeds", "n", "liverDice", "liverHd95Mm")}
    tumour_m = {k: metrics[k] for k in ("seeds", "n", "tumourDice", "tumourHd95Mm")}
    for name, model, task, classes, crop, m, n in (
        ("liver-seg-2p5d", liver, "liver-segmentation", ["background", "liver"], "full-slice", liver_m, n_liver),
        ("tumour-seg-2p5d", tumour, "tumour-segmentation", ["background", "tumour"], "liver-bbox", tumour_m, n_tumour),
    ):
        d = os.path.join(args.out, name)
        os.makedirs(d, exist_ok=True)
        sha = export(model, os.path.join(d, "model.onnx"))
        json.dump(finite(manifest(name, task, classes, crop, sha, m, args, n)), open(os.path.join(d, "manifest.json"), "w"), indent=2, allow_nan=False)
    d = os.path.join(args.out, "liver-tumour-cascade")
    os.makedirs(d, exist_ok=True)
    json.dump(finite({"id": "liver-tumour-cascade", "version": "1.0.0", "task": "cascade",
               "stages": {"liver": "../liver-seg-2p5d", "tumour": "../tumour-seg-2p5d"},
               "metrics": {"heldOut": {k: v for k, v in metrics.items() if k != "perCase"}, "perCase": metrics["perCase"]}}),
              open(os.path.join(d, "manifest.json"), "w"), indent=2, allow_nan=False)
    write_model_card(args, metrics, counts)
    print(json.dumps({k: v for k, v in metrics.items() if k != "perCase"}), f"total {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
