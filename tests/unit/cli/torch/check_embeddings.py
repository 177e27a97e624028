"""Same weights → same embeddings: loads each case folder written by tests/unit/cli/torchExport.test.ts
(config.json, weights.safetensors holding the tfjs model's weights by the lab's names plus `images` and the tfjs
embeddings `expected` and `expectedFlip`), builds the PyTorch model (src/cli/torch/labtorch), embeds the same
images and prints {case: {"plain": max |Δ|, "flip": max |Δ|}} as JSON. Then writes the weights back from
PyTorch (lab_state) into roundtrip.safetensors, for the TypeScript side to compare byte for byte.

    /usr/bin/python3 check_embeddings.py DIR [DIR …]
"""
import json
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
sys.path.insert(0, os.path.join(ROOT, 'src', 'cli', 'torch'))
from labtorch.models import embed, model_from_config  # noqa: E402
from labtorch.safetensors_io import load_file, save_file  # noqa: E402
from labtorch.weights import lab_state, load_lab_state  # noqa: E402


def check(folder):
    with open(os.path.join(folder, 'config.json'), encoding='utf-8') as f:
        config = json.load(f)
    tensors, _ = load_file(os.path.join(folder, 'weights.safetensors'))
    images = torch.from_numpy(tensors.pop('images')).to(torch.uint8)
    expected = torch.from_numpy(tensors.pop('expected'))
    expected_flip = torch.from_numpy(tensors.pop('expectedFlip'))
    model = model_from_config(config)
    left = load_lab_state(model, tensors)
    if left:
        raise SystemExit(f'{folder}: weights the model does not have: {left}')
    model.eval()
    with torch.no_grad():
        plain = embed(model, config['model']['backbone'], images, False)
        flip = embed(model, config['model']['backbone'], images, True)
    save_file(lab_state(model), os.path.join(folder, 'roundtrip.safetensors'))
    return {'plain': float((plain - expected).abs().max()), 'flip': float((flip - expected_flip).abs().max())}


if __name__ == '__main__':
    torch.set_num_threads(2)
    print(json.dumps({os.path.basename(d.rstrip('/')): check(d) for d in sys.argv[1:]}))
