"""Weights by the lab's names, in the lab's (Keras / tfjs) layouts, to and from an EmbeddingNet.

Names are ``<layer>/<weight>`` as tfjs names a model's weights (``conv1/kernel``, ``bn_conv1/gamma``,
``bn_conv1/moving_variance``, ``embedding/bias``) plus ``head`` for the K×D class head. Layouts:
convolution kernels are H×W×in×out (PyTorch: out×in×H×W), dense kernels in×out (PyTorch: out×in);
batch norm gamma/beta/moving_mean/moving_variance are PyTorch's weight/bias/running_mean/running_var.
"""
import torch
import torch.nn as nn

BN_NAMES = (('gamma', 'weight'), ('beta', 'bias'), ('moving_mean', 'running_mean'), ('moving_variance', 'running_var'))


def lab_state(model, head=None):
    """Every weight of ``model`` (and ``head``) as {lab name: float32 CPU tensor in the lab's layout}."""
    out = {}
    for name, layer in model.layers.items():
        if isinstance(layer, nn.Conv2d):
            out[f'{name}/kernel'] = layer.weight.detach().permute(2, 3, 1, 0)
            if layer.bias is not None:
                out[f'{name}/bias'] = layer.bias.detach()
        elif isinstance(layer, nn.Linear):
            out[f'{name}/kernel'] = layer.weight.detach().t()
            out[f'{name}/bias'] = layer.bias.detach()
        elif isinstance(layer, (nn.BatchNorm1d, nn.BatchNorm2d)):
            for lab, torch_name in BN_NAMES:
                out[f'{name}/{lab}'] = getattr(layer, torch_name).detach()
    if head is not None:
        out['head'] = head.detach()
    return {k: v.float().cpu().contiguous() for k, v in out.items()}


def load_lab_state(model, state, strict=True):
    """Copies lab-named, lab-layout tensors into ``model``; returns the names it did not use.

    With ``strict`` every model weight must be present with its exact shape (a mismatch names the weight)."""
    used = set()
    with torch.no_grad():
        for name, layer in model.layers.items():
            pairs = []
            if isinstance(layer, nn.Conv2d):
                pairs.append(('kernel', layer.weight, lambda t: t.permute(3, 2, 0, 1)))
                if layer.bias is not None:
                    pairs.append(('bias', layer.bias, lambda t: t))
            elif isinstance(layer, nn.Linear):
                pairs += [('kernel', layer.weight, lambda t: t.t()), ('bias', layer.bias, lambda t: t)]
            elif isinstance(layer, (nn.BatchNorm1d, nn.BatchNorm2d)):
                pairs += [(lab, getattr(layer, torch_name), lambda t: t) for lab, torch_name in BN_NAMES]
            for short, target, convert in pairs:
                key = f'{name}/{short}'
                if key not in state:
                    if strict:
                        raise KeyError(f"weights have no '{key}'")
                    continue
                value = convert(torch.as_tensor(state[key]))
                if tuple(value.shape) != tuple(target.shape):
                    raise ValueError(f"'{key}': shape {list(state[key].shape)} does not fit the model's {list(target.shape)} (lab layout)")
                target.copy_(value.to(target.dtype))
                used.add(key)
    return sorted(set(state) - used)
