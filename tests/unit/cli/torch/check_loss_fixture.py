"""Checks the PyTorch port of the lab's losses (src/cli/torch/labtorch/losses.py) against the shared fixture
tests/unit/fixtures/loss-fixture.json (written from the tfjs implementation). Run by
tests/unit/cli/torchExport.test.ts with /usr/bin/python3; prints one JSON object per case with the largest
differences and exits 1 if any exceeds the tolerance.

Tolerances: float32 in both (tfjs cpu, torch cpu). Loss values agree to ~1e-6 relative; gradients are compared
against the largest gradient of the case (the rows at cos = ±1 carry the bounded 1/max(sin θ, 1e-3) factor,
where float32 rounding of cos decides how close to the clamp a row sits), to 1e-3 of it. Target logits are
compared in units of the scale s to 1e-3: at cos = ±1, sin θ = sqrt(1 − cos²) turns the one-ulp (6e-8)
difference of a float32 cosine into up to 3.5e-4 of sin θ (measured: 6e-4·s at 60°, fallback off).
"""
import json
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
sys.path.insert(0, os.path.join(ROOT, 'src', 'cli', 'torch'))
from labtorch.losses import face_loss_parts  # noqa: E402

VALUE_TOL = 1e-4
GRAD_TOL = 1e-3


def main():
    with open(os.path.join(ROOT, 'tests', 'unit', 'fixtures', 'loss-fixture.json'), encoding='utf-8') as f:
        fixture = json.load(f)
    failed = False
    for case in fixture['cases']:
        features = torch.tensor(case['features'], dtype=torch.float32, requires_grad=True)
        weights = torch.tensor(case['weights'], dtype=torch.float32, requires_grad=True)
        labels = torch.tensor(case['labels'], dtype=torch.int64)
        parts = face_loss_parts(features, weights, labels, case['loss'])
        parts['loss'].backward()
        exp = case['expected']
        diffs = {}
        for key in ('loss', 'crossEntropy', 'intraPenalty', 'cosTarget', 'targetLogits'):
            got = parts[key].detach().double()
            want = torch.tensor(exp[key], dtype=torch.float64)
            unit = float(case['loss']['scale']) if key == 'targetLogits' else want.abs().clamp(min=1)
            diffs[key] = float(((got - want).abs() / unit).max())
        for key, grad in (('gradFeatures', features.grad), ('gradWeights', weights.grad)):
            want = torch.tensor(exp[key], dtype=torch.float64)
            diffs[key] = float((grad.double() - want).abs().max() / want.abs().max().clamp(min=1e-6))
        ok = all(v <= (GRAD_TOL if k.startswith('grad') or k == 'targetLogits' else VALUE_TOL) for k, v in diffs.items())
        failed |= not ok
        print(json.dumps({'loss': case['loss'], 'ok': ok, 'maxDiff': diffs}))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
