"""The lab's embedding models in PyTorch, layer for layer and name for name (src/ml/models/*.ts).

Every weight-bearing layer is stored in ``EmbeddingNet.layers`` under its Keras name (``conv1``,
``bn_conv1``, ``res2a_branch2a``, ``embedding``, ``embedding_bn``), so the lab's weight names
``<layer>/<weight>`` map one to one (src/cli/torch/labtorch/weights.py converts the layouts).

What must match the tfjs models exactly (checked to 1e-4 by tests/unit/cli/torchExport.test.ts):
- TensorFlow 'same' padding, which pads the extra pixel at the bottom/right when the total padding is
  odd (a 3×3 stride-2 convolution of an even input pads 0 above and 1 below); PyTorch's symmetric
  ``padding=1`` would shift every stride-2 tiny / ResNet18 feature map by one pixel;
- the ResNet stem: zero padding 3, 7×7/2 'valid' convolution, batch norm, ReLU, zero padding 1, 3×3/2
  max pool (Keras pads with zeros before the pool; after a ReLU that equals −∞ padding);
- ResNet50's stride on the first 1×1 convolution of a stage (branch2a) and its shortcut (branch1),
  every ResNet50 convolution with a bias, the smaller backbones without;
- batch norm epsilon 1e-3 and Keras momentum 0.99 (PyTorch's momentum is 1 − 0.99 = 0.01).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# src/ml/models/layers.ts BATCH_NORM_DEFAULTS (Keras ResNet50): momentum 0.99, epsilon 1e-3.
BN_EPSILON = 1e-3
BN_MOMENTUM = 1 - 0.99

# src/ml/models/tiny.ts and resnet18.ts defaults.
TINY_DEFAULT_WIDTH = 16
RESNET18_DEFAULT_WIDTH = 64
TINY_MULTIPLIERS = (1, 2, 4, 4)
RESNET18_STAGES = ((2, 1, 1), (3, 2, 2), (4, 4, 2), (5, 8, 2))  # (stage, width multiplier, first stride)
RESNET50_STAGES = ((2, 3, 64, 1), (3, 4, 128, 2), (4, 6, 256, 2), (5, 3, 512, 2))  # (stage, blocks, width, stride)


def same_padding(size, kernel, stride):
    """TensorFlow 'same' padding of one axis: (before, after), the odd pixel after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class KerasConv2d(nn.Conv2d):
    """A convolution with TensorFlow's 'same' or 'valid' padding (NCHW in, NCHW out)."""

    def __init__(self, cin, cout, kernel, stride=1, padding='valid', bias=False):
        super().__init__(cin, cout, kernel, stride=stride, padding=0, bias=bias)
        self.tf_padding = padding

    def forward(self, x):
        if self.tf_padding == 'same':
            k, s = self.kernel_size[0], self.stride[0]
            top, bottom = same_padding(x.shape[2], k, s)
            left, right = same_padding(x.shape[3], k, s)
            if top or bottom or left or right:
                x = F.pad(x, (left, right, top, bottom))
        return super().forward(x)


def batch_norm(channels, dims=2):
    """Batch norm with the Keras ResNet50 epsilon and momentum."""
    cls = nn.BatchNorm2d if dims == 2 else nn.BatchNorm1d
    return cls(channels, eps=BN_EPSILON, momentum=BN_MOMENTUM)


class EmbeddingNet(nn.Module):
    """backbone → global average pool → dense(D) with bias (→ batch norm) : the lab's embedding model.

    Input N×3×S×S, already preprocessed (``preprocess``); output N×D, not normalised (as in the lab,
    normalisation and the scale belong to the loss).
    """

    def __init__(self, backbone, embedding_dim, width=None, embedding_norm='none'):
        super().__init__()
        if backbone == 'resnet50' and width is not None:
            raise ValueError('resnet50 has a fixed width (it must match the Keras ImageNet weights)')
        self.backbone = backbone
        self.layers = nn.ModuleDict()
        self.plan = []
        if backbone == 'tiny':
            channels = self._tiny(width or TINY_DEFAULT_WIDTH)
        elif backbone == 'resnet18':
            channels = self._resnet18(width or RESNET18_DEFAULT_WIDTH)
        elif backbone == 'resnet50':
            channels = self._resnet50()
        else:
            raise ValueError(f"unknown backbone '{backbone}' (expected resnet50, resnet18, tiny)")
        self.layers['embedding'] = nn.Linear(channels, embedding_dim, bias=True)
        self.embedding_norm = embedding_norm == 'batchnorm'
        if self.embedding_norm:
            self.layers['embedding_bn'] = batch_norm(embedding_dim, dims=1)
        self.reset_parameters()

    # ---- construction -------------------------------------------------------------------------
    def _conv(self, name, cin, cout, kernel, stride=1, padding='valid', bias=False):
        self.layers[name] = KerasConv2d(cin, cout, kernel, stride, padding, bias)

    def _tiny(self, width):
        cin = 3
        for i, mult in enumerate(TINY_MULTIPLIERS):
            block = f'block{i + 1}'
            self._conv(f'{block}_conv', cin, width * mult, 3, 2, 'same')
            self.layers[f'{block}_bn'] = batch_norm(width * mult)
            self.plan.append(('cbr', f'{block}_conv', f'{block}_bn'))
            cin = width * mult
        return cin

    def _stem(self, filters, bias):
        self._conv('conv1', 3, filters, 7, 2, 'valid', bias)
        self.layers['bn_conv1'] = batch_norm(filters)
        self.plan.append(('stem',))

    def _resnet18(self, width):
        self._stem(width, False)
        cin = width
        for stage, mult, stride in RESNET18_STAGES:
            for b in range(2):
                ident, filters, s = f'{stage}{chr(97 + b)}', width * mult, stride if b == 0 else 1
                self._conv(f'res{ident}_branch2a', cin, filters, 3, s, 'same')
                self.layers[f'bn{ident}_branch2a'] = batch_norm(filters)
                self._conv(f'res{ident}_branch2b', filters, filters, 3, 1, 'same')
                self.layers[f'bn{ident}_branch2b'] = batch_norm(filters)
                project = s != 1 or cin != filters
                if project:
                    self._conv(f'res{ident}_branch1', cin, filters, 1, s, 'valid')
                    self.layers[f'bn{ident}_branch1'] = batch_norm(filters)
                self.plan.append(('basic', ident, project))
                cin = filters
        return cin

    def _resnet50(self):
        self._stem(64, True)
        cin = 64
        for stage, blocks, width, stride in RESNET50_STAGES:
            for b in range(blocks):
                ident, s = f'{stage}{chr(97 + b)}', stride if b == 0 else 1
                self._conv(f'res{ident}_branch2a', cin, width, 1, s, 'valid', True)
                self.layers[f'bn{ident}_branch2a'] = batch_norm(width)
                self._conv(f'res{ident}_branch2b', width, width, 3, 1, 'same', True)
                self.layers[f'bn{ident}_branch2b'] = batch_norm(width)
                self._conv(f'res{ident}_branch2c', width, 4 * width, 1, 1, 'valid', True)
                self.layers[f'bn{ident}_branch2c'] = batch_norm(4 * width)
                if b == 0:
                    self._conv(f'res{ident}_branch1', cin, 4 * width, 1, s, 'valid', True)
                    self.layers[f'bn{ident}_branch1'] = batch_norm(4 * width)
                self.plan.append(('bottleneck', ident, b == 0))
                cin = 4 * width
        return cin

    def reset_parameters(self):
        """He-normal convolutions, Glorot-uniform dense, zero biases (the lab's initialisers; the
        random streams differ: export-torch writes the lab's own seeded initial weights as
        init.safetensors, which train.py loads when present)."""
        for name, layer in self.layers.items():
            if isinstance(layer, nn.Conv2d):
                fan_in = layer.in_channels * layer.kernel_size[0] * layer.kernel_size[1]
                nn.init.trunc_normal_(layer.weight, 0.0, math.sqrt(2.0 / fan_in))
                if layer.bias is not None:
                    nn.init.zeros_(layer.bias)
            elif isinstance(layer, nn.Linear):
                nn.init.xavier_uniform_(layer.weight)
                nn.init.zeros_(layer.bias)

    # ---- forward ------------------------------------------------------------------------------
    def _bn_relu(self, x, conv, bn, relu=True):
        x = self.layers[bn](self.layers[conv](x))
        return F.relu(x) if relu else x

    def features(self, x):
        """The backbone's last feature map, N×C×⌈S/16⌉ (tiny) or ⌈S/32⌉ (ResNets)."""
        L = self.layers
        for step in self.plan:
            kind = step[0]
            if kind == 'cbr':
                x = self._bn_relu(x, step[1], step[2])
            elif kind == 'stem':
                x = F.pad(x, (3, 3, 3, 3))
                x = self._bn_relu(x, 'conv1', 'bn_conv1')
                x = F.max_pool2d(F.pad(x, (1, 1, 1, 1)), 3, 2)
            elif kind == 'basic':
                _, ident, project = step
                y = self._bn_relu(x, f'res{ident}_branch2a', f'bn{ident}_branch2a')
                y = self._bn_relu(y, f'res{ident}_branch2b', f'bn{ident}_branch2b', relu=False)
                short = L[f'bn{ident}_branch1'](L[f'res{ident}_branch1'](x)) if project else x
                x = F.relu(y + short)
            else:
                _, ident, project = step
                y = self._bn_relu(x, f'res{ident}_branch2a', f'bn{ident}_branch2a')
                y = self._bn_relu(y, f'res{ident}_branch2b', f'bn{ident}_branch2b')
                y = self._bn_relu(y, f'res{ident}_branch2c', f'bn{ident}_branch2c', relu=False)
                short = L[f'bn{ident}_branch1'](L[f'res{ident}_branch1'](x)) if project else x
                x = F.relu(y + short)
        return x

    def forward(self, x):
        pooled = self.features(x).mean(dim=(2, 3))  # Keras 'avg_pool' (GlobalAveragePooling2D)
        out = self.layers['embedding'](pooled)
        return self.layers['embedding_bn'](out) if self.embedding_norm else out

    def l2_penalty(self):
        """λ·Σw² is applied by the caller: this is Σw² of the embedding kernel (tf.regularizers.l2)."""
        return self.layers['embedding'].weight.pow(2).sum()


def model_from_config(config):
    """The EmbeddingNet of a lab TrainConfig's ``model`` section."""
    m = config['model']
    return EmbeddingNet(m['backbone'], m['embeddingDim'], m.get('width'), m.get('embeddingNorm', 'none'))


# src/ml/preprocess.ts: ImageNet means in BGR order (Keras imagenet_utils, Caffe mode).
IMAGENET_BGR_MEANS = (103.939, 116.779, 123.68)


def preprocess(backbone, images):
    """uint8 RGB N×S×S×3 (NHWC, as the lab packs them) → float N×3×S×S for ``backbone``:
    Caffe (RGB→BGR minus means) for resnet50, x/127.5 − 1 for the others (src/ml/preprocess.ts)."""
    x = images.float()
    if backbone == 'resnet50':
        x = x.flip(-1) - torch.tensor(IMAGENET_BGR_MEANS, dtype=x.dtype, device=x.device)
    else:
        x = x / 127.5 - 1
    return x.permute(0, 3, 1, 2).contiguous()


def embed(model, backbone, images, flip):
    """L2-normalised embeddings (eval mode) of uint8 NHWC images, optionally flip-averaged
    (src/ml/train/evaluate.ts: the normalised sum of the outputs for the image and its mirror)."""
    x = preprocess(backbone, images)
    out = model(x)
    if flip:
        out = out + model(x.flip(3))
    return out / torch.sqrt(out.pow(2).sum(1, keepdim=True) + 1e-12)
