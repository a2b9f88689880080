#!/usr/bin/python3
"""Golden values for libs/inference/src/preprocess.ts, computed by the numpy reference implementation in
tools/models/train_seg.py (the code the models were trained with). Run:
    /usr/bin/python3 tools/goldens/inference/preprocess_golden.py > libs/inference/src/__fixtures__/preprocess.json
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models"))
import train_seg as ts  # noqa: E402

rng = np.random.default_rng(42)
nz, ny, nx = 4, 6, 9
vol = rng.uniform(-400, 500, size=(nz, ny, nx)).astype(np.float32)
S = 5
cases = []
for region in [(0, 0, nx, ny), (1.3, -0.7, 7.9, 5.9), (-2.0, 1.0, 11.0, 8.0)]:
    w = ts.window(vol)
    stacks = [ts.resample_region(ts.stack25d(w, z), region, S).tolist() for z in (0, 2, 3)]
    prob = rng.uniform(0, 1, size=(S, S))
    back = ts.back_to_grid(prob, region, nx, ny)
    cases.append(dict(region=region, zs=[0, 2, 3], stacks=stacks, prob=prob.ravel().tolist(), back=back.ravel().tolist()))
lab = np.zeros((nz, ny, nx), np.uint8)
lab[1:3, 2:5, 3:7] = 1
print(json.dumps(dict(dims=[nx, ny, nz], size=S, window=dict(low=ts.WINDOW[0], high=ts.WINDOW[1]), sliceOffsets=list(ts.OFFSETS),
                      volume=vol.ravel().tolist(), cases=cases, liverRegion=ts.liver_region(lab > 0), mask=lab.ravel().tolist())))
