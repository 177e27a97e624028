#!/usr/bin/env python3
"""PyTorch's side of `npm run bench -- --torch`: times training steps of a ResNet with the lab's head and loss.

    python3 bench.py --config CONFIG.json --classes K --steps N [--arch torchvision|lab] [--threads T]

CONFIG.json is the lab's TrainConfig of the benchmark (src/core/benchConfig.ts): the same input size, batch,
embedding size, loss and learning rate as the lab's own benchmark. --arch torchvision (the default, what the
issue compares against) is torchvision's resnet18/resnet50 with its classifier replaced by the lab's embedding
layer; --arch lab is the lab's own network in PyTorch (labtorch/models.py: Keras layer names and padding).
Noise images and random labels, like the lab's benchmark; torch.optim.SGD with momentum. Prints one JSON line.
Not part of the torchrun export (src/core/torchExport.ts lists what is).
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from labtorch import losses  # noqa: E402
from labtorch.models import BN_EPSILON, BN_MOMENTUM, model_from_config, preprocess  # noqa: E402


def torchvision_net(model):
    """torchvision's ResNet with the lab's embedding layer (dense D with bias, optional batch norm) as its head."""
    import torchvision

    net = getattr(torchvision.models, model['backbone'])()
    embedding = nn.Linear(net.fc.in_features, model['embeddingDim'])
    norm = model.get('embeddingNorm', 'none') != 'none'
    net.fc = nn.Sequential(embedding, nn.BatchNorm1d(model['embeddingDim'], eps=BN_EPSILON, momentum=BN_MOMENTUM)) if norm else embedding
    net.l2_penalty = lambda: embedding.weight.pow(2).sum()
    return net


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--config', required=True, help="the benchmark's TrainConfig (JSON)")
    p.add_argument('--classes', type=int, required=True)
    p.add_argument('--steps', type=int, required=True, help='timed steps after one warm-up step')
    p.add_argument('--arch', choices=('torchvision', 'lab'), default='torchvision')
    p.add_argument('--threads', type=int, default=os.cpu_count())
    args = p.parse_args(argv)
    with open(args.config) as f:
        config = json.load(f)
    model = config['model']
    if args.arch == 'torchvision' and model['backbone'] not in ('resnet18', 'resnet50'):
        p.error(f"torchvision has no {model['backbone']}: use --arch lab")
    torch.set_num_threads(args.threads)
    torch.manual_seed(config['seed'])
    net = torchvision_net(model) if args.arch == 'torchvision' else model_from_config(config)
    dim = model['embeddingDim']
    head = nn.Parameter(torch.randn(args.classes, dim) * (2.0 / (args.classes + dim)) ** 0.5)
    opt = config['optimizer']
    optimizer = torch.optim.SGD(list(net.parameters()) + [head], lr=opt['lr'], momentum=opt['momentum'])
    size, batch = model['inputSize'], config['batchSize']
    net.train()

    def step():
        images = torch.randint(0, 256, (batch, size, size, 3), dtype=torch.uint8)
        labels = torch.randint(0, args.classes, (batch,))
        parts = losses.face_loss_parts(net(preprocess(model['backbone'], images)), head, labels, config['loss'])
        loss = parts['loss'] + model['l2'] * net.l2_penalty()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return float(loss)

    start = time.perf_counter()
    first_loss = step()
    first_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    for _ in range(args.steps):
        last_loss = step()
    step_ms = (time.perf_counter() - start) * 1000 / args.steps
    print(json.dumps({'torch': torch.__version__, 'arch': args.arch, 'threads': torch.get_num_threads(), 'stepMs': round(step_ms, 3),
                      'imgPerSec': round(batch * 1000 / step_ms, 3), 'firstStepMs': round(first_ms, 3), 'firstLoss': first_loss, 'lastLoss': last_loss}))


if __name__ == '__main__':
    main()
