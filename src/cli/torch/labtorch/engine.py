"""Pieces of train.py's loop that mirror the lab's engine: the optimisers (src/ml/train/optimizers.ts),
the JSON-lines event log (src/protocol/events.ts shapes, as `lab train` prints them), checkpoints.
"""
import glob
import json
import math
import os
import time

import torch

# src/ml/train/optimizers.ts: Adam's β2 and ε (Kingma & Ba defaults); β1 is optimizer.momentum.
ADAM_BETA2 = 0.999
ADAM_EPSILON = 1e-8

# The step columns of src/core/stepColumns.ts, in its order (tests/unit/core/stepColumns.test.ts checks them).
STEP_COLUMNS = ('step', 'loss', 'crossEntropy', 'intraPenalty', 'regularization', 'accuracy', 'thetaDeg', 'lr',
                'marginRamp', 'gradNorm', 'imagesPerSec')


class Optimizer:
    """SGD with heavy-ball momentum (v ← μv + g, w ← w − lr·v) or Adam with bias correction folded into
    the step size, and decoupled weight decay w ← w − lr·wd·w on tensors of rank ≥ 2 only (kernels and
    the head), from the weights before the update: the lab's masked optimisers without the mask (a
    non-finite step ends the run here before any update)."""

    def __init__(self, spec, params):
        self.kind = spec['kind']
        self.momentum = spec['momentum']
        self.weight_decay = spec['weightDecay']
        self.params = list(params)
        count = 1 if self.kind == 'sgd' else 2
        self.slots = [torch.zeros_like(p) for _ in range(count) for p in self.params]

    @torch.no_grad()
    def step(self, lr, step):
        n = len(self.params)
        if self.kind == 'adam':
            t = step + 1
            step_size = lr * math.sqrt(1 - ADAM_BETA2 ** t) / (1 - self.momentum ** t)
        for i, w in enumerate(self.params):
            g = w.grad if w.grad is not None else torch.zeros_like(w)
            decay = self.weight_decay > 0 and w.dim() >= 2
            before = w.clone() if decay else None
            if self.kind == 'sgd':
                v = self.slots[i]
                v.mul_(self.momentum).add_(g)
                w.sub_(lr * v)
            else:
                m, v = self.slots[i], self.slots[n + i]
                m.mul_(self.momentum).add_((1 - self.momentum) * g)
                v.mul_(ADAM_BETA2).add_((1 - ADAM_BETA2) * g * g)
                w.sub_(step_size * m / (v.sqrt() + ADAM_EPSILON))
            if decay:
                w.sub_(lr * self.weight_decay * before)


def _plain(value):
    """JSON-ready: tensors and numpy values as numbers, ±∞ and NaN as null (as JSON.stringify writes them)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, 'item'):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class EventLog:
    """Writes events as JSON lines to RUN_DIR/log.jsonl (appending across resumes) and to stdout.
    Step points are batched into one step event at most every ``interval`` seconds, as the lab throttles
    them; any other event flushes the pending points first so the order stays causal."""

    def __init__(self, path, run_id, interval=1.0, echo=True):
        self.file = open(path, 'a', encoding='utf-8')
        self.run_id = run_id
        self.interval = interval
        self.echo = echo
        self.points = []
        self.last = time.monotonic()

    def emit(self, event):
        if event.get('type') != 'step':
            self.flush()
        line = json.dumps(_plain({'type': event['type'], 'runId': self.run_id, **{k: v for k, v in event.items() if k != 'type'}}))
        self.file.write(line + '\n')
        self.file.flush()
        if self.echo:
            print(line, flush=True)

    def point(self, values):
        self.points.append(values)
        if time.monotonic() - self.last >= self.interval:
            self.flush()

    def flush(self):
        if not self.points:
            return
        columns = {name: [p[name] for p in self.points] for name in STEP_COLUMNS}
        self.points = []
        self.last = time.monotonic()
        self.emit({'type': 'step', 'points': columns})

    def close(self):
        self.flush()
        self.file.close()


def latest_checkpoint(run_dir):
    """The newest checkpoint file in RUN_DIR/checkpoints (highest step), or None."""
    found = sorted(glob.glob(os.path.join(run_dir, 'checkpoints', 'step-*.pt')))
    return found[-1] if found else None


def save_checkpoint(run_dir, state, keep=2):
    """Writes RUN_DIR/checkpoints/step-NNNNNNNN.pt atomically (temp file, then rename) and keeps the newest
    ``keep``; returns its size in bytes."""
    folder = os.path.join(run_dir, 'checkpoints')
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"step-{state['step']:08d}.pt")
    torch.save(state, path + '.tmp')
    os.replace(path + '.tmp', path)
    for old in sorted(glob.glob(os.path.join(folder, 'step-*.pt')))[:-keep]:
        os.remove(old)
    return os.path.getsize(path)
