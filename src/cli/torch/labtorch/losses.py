"""The lab's face losses in PyTorch: a line-by-line port of src/ml/losses.ts, src/core/lossConfig.ts
(margins and defaults), src/core/targetLogit.ts (the fallback past π) and src/core/schedule.ts
(learning rate, margin warm-up). The shared fixture tests/unit/fixtures/loss-fixture.json checks
values and gradients of both implementations against each other.

Same numerical safety as the lab: rows are divided by sqrt(|x|² + 1e-12); sin θ and θ are custom
autograd functions with exact forward values and a backward pass that clamps 1 − cos² to at least
1e-6, so their derivative w.r.t. cos stays ≤ 1000 at cos = ±1 instead of infinite; the fallback branch
is a mask with no gradient.
"""
import math

import torch

NORM_EPSILON = 1e-12
SIN_SQUARED_FLOOR = 1e-6

# src/core/lossConfig.ts LOSS_PARAMETER_DEFAULTS.
DEFAULTS = {
    'scale': 64.0,
    'intraAlpha': 1.0,
    'arcfaceMarginDeg': math.degrees(0.5),
    'cosfaceMargin': 0.35,
    'combinedAngleFactor': 1.0,
    'combinedMarginDeg': math.degrees(0.3),
    'combinedCosineMargin': 0.2,
}


def target_margins(loss):
    """(m1, m2 radians, m3, fallback on) of a LossConfig dict (targetMargins in lossConfig.ts)."""
    kind = loss['kind']
    fallback = loss.get('fallback', True) is not False
    if kind in ('softmax', 'intra'):
        return 1.0, 0.0, 0.0, True
    if kind == 'arcface':
        return 1.0, math.radians(loss.get('marginDeg', DEFAULTS['arcfaceMarginDeg'])), 0.0, fallback
    if kind == 'cosface':
        return 1.0, 0.0, loss.get('cosineMargin', DEFAULTS['cosfaceMargin']), True
    if kind == 'combined':
        return (loss.get('angleFactor', DEFAULTS['combinedAngleFactor']),
                math.radians(loss.get('marginDeg', DEFAULTS['combinedMarginDeg'])),
                loss.get('cosineMargin', DEFAULTS['combinedCosineMargin']), fallback)
    raise ValueError(f"unknown loss kind '{kind}'")


def intra_weight(loss):
    """α of the intra-class angle penalty: the config's (default 1) for 'intra', else 0."""
    return loss.get('alpha', DEFAULTS['intraAlpha']) if loss['kind'] == 'intra' else 0.0


def margin_fallback(m1, m2, m3, on):
    """(cos θ*, shift) of the monotonic fallback past θ* = (π − m2)/m1, or None (targetLogit.ts)."""
    if not on:
        return None
    start = (math.pi - m2) / m1
    if start >= math.pi:
        return None
    start_cos = math.cos(start)
    return start_cos, 1 + start_cos + m3


def _clamped_sin(cos):
    return torch.sqrt(torch.clamp(1 - cos * cos, min=SIN_SQUARED_FLOOR))


class SinFromCos(torch.autograd.Function):
    """sin θ = sqrt(1 − cos²), gradient −cos / max(sin θ, 1e-3)."""

    @staticmethod
    def forward(ctx, cos):
        ctx.save_for_backward(cos)
        return torch.sqrt(torch.relu(1 - cos * cos))

    @staticmethod
    def backward(ctx, dy):
        (cos,) = ctx.saved_tensors
        return -dy * cos / _clamped_sin(cos)


class SafeAcos(torch.autograd.Function):
    """θ = acos(clamp(cos, −1, 1)), gradient −1 / max(sin θ, 1e-3)."""

    @staticmethod
    def forward(ctx, cos):
        ctx.save_for_backward(cos)
        return torch.acos(torch.clamp(cos, -1, 1))

    @staticmethod
    def backward(ctx, dy):
        (cos,) = ctx.saved_tensors
        return -dy / _clamped_sin(cos)


def l2_normalize_rows(x):
    """Rows divided by sqrt(|x|² + 1e-12): a zero row stays zero."""
    return x / torch.sqrt((x * x).sum(1, keepdim=True) + NORM_EPSILON)


def apply_target_margins(cos_target, loss):
    """f(θ_y) from cos θ_y: cos(m1·θ + m2) − m3, or cos θ − shift past θ* (applyTargetMargins)."""
    m1, m2, m3, on = target_margins(loss)
    if m1 == 1 and m2 == 0:
        return cos_target if m3 == 0 else cos_target - m3
    if m1 == 1:
        angled = cos_target * math.cos(m2) - SinFromCos.apply(cos_target) * math.sin(m2)
    else:
        angled = torch.cos(SafeAcos.apply(cos_target) * m1 + m2)
    main = angled if m3 == 0 else angled - m3
    fallback = margin_fallback(m1, m2, m3, on)
    if fallback is None:
        return main
    start_cos, shift = fallback
    past = (start_cos - cos_target > 0).to(cos_target.dtype)  # tf.step: 1 where x > 0, no gradient
    return past * (cos_target - shift) + (1 - past) * main


def face_loss_parts(features, weights, labels, loss):
    """Every piece of the loss for one batch (faceLossParts): features [N, D] and class weights
    [K, D] raw, labels int64 [N]. Returns a dict of loss, crossEntropy, intraPenalty, cosTarget,
    logits (s·cos θ, no margin) and targetLogits (s·f(θ_y))."""
    scale = float(loss['scale'])
    cos = l2_normalize_rows(features) @ l2_normalize_rows(weights).t()
    one_hot = torch.nn.functional.one_hot(labels.long(), weights.shape[0]).to(cos.dtype)
    cos_target = (cos * one_hot).sum(1)
    margin_target = apply_target_margins(cos_target, loss)
    margin_cos = cos * (1 - one_hot) + one_hot * margin_target.unsqueeze(1)
    cross_entropy = -(one_hot * torch.log_softmax(margin_cos * scale, dim=1)).sum(1).mean()
    alpha = intra_weight(loss)
    intra = SafeAcos.apply(cos_target).mean() * (alpha / math.pi) if alpha > 0 else cross_entropy.new_zeros(())
    return {
        'loss': cross_entropy + intra,
        'crossEntropy': cross_entropy,
        'intraPenalty': intra,
        'cosTarget': cos_target,
        'logits': cos * scale,
        'targetLogits': margin_target * scale,
    }


def face_loss(features, weights, labels, loss):
    """Mean loss over the batch (faceLoss)."""
    return face_loss_parts(features, weights, labels, loss)['loss']


def ramp_loss_config(loss, ramp):
    """``loss`` with its margins scaled by ramp ∈ [0, 1] (rampLossConfig in schedule.ts)."""
    if ramp >= 1 or loss['kind'] in ('softmax', 'intra'):
        return loss
    t = max(0.0, ramp)
    m1, m2, m3, _ = target_margins(loss)
    out = dict(loss)
    if loss['kind'] == 'arcface':
        out['marginDeg'] = math.degrees(m2) * t
    elif loss['kind'] == 'cosface':
        out['cosineMargin'] = m3 * t
    else:
        out.update(angleFactor=1 + (m1 - 1) * t, marginDeg=math.degrees(m2) * t, cosineMargin=m3 * t)
    return out


def margin_ramp(step, warmup_steps):
    """Fraction of the margin in force at ``step`` (marginRamp)."""
    return 1.0 if warmup_steps <= 0 else min(1.0, max(0.0, step / warmup_steps))


def learning_rate_at(schedule, base_lr, step, total_steps):
    """The learning rate of update ``step`` (learningRateAt), with the linear warm-up."""
    warmup = schedule.get('warmupSteps', 0) or 0
    warm = (step + 1) / warmup if warmup > 0 and step < warmup else 1.0
    kind = schedule['kind']
    if kind == 'constant':
        return base_lr * warm
    if kind == 'step':
        passed = sum(1 for m in schedule['milestones'] if step >= m)
        return base_lr * schedule.get('gamma', 0.1) ** passed * warm
    if kind == 'cosine':
        low = schedule.get('minFactor', 0.0)
        progress = 1.0 if total_steps <= 1 else min(1.0, step / (total_steps - 1))
        return base_lr * (low + (1 - low) * (1 + math.cos(math.pi * progress)) / 2) * warm
    raise ValueError(f"unknown schedule kind '{kind}'")
