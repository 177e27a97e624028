#!/usr/bin/env python3
"""Margin Lab's experiment on PyTorch DistributedDataParallel (written by `lab export-torch`).

    torchrun --nproc_per_node=N train.py --data TRAIN_DIR [--test TEST_DIR] [--out RUN_DIR] [--max-steps N]

Reads config.json (the lab's TrainConfig as is) and, when the export has one, data.json (the lab's Data panel
choices: identity sample, images per identity, validation, test pairs, decoding; each overridden by its flag) next to
this file; trains the lab's model (labtorch/models.py) with its loss (labtorch/losses.py) on identity folders
(labtorch/data.py, labtorch/datasettings.py); writes RUN_DIR/log.jsonl (the events of `lab train`),
RUN_DIR/checkpoints/ and RUN_DIR/model.safetensors (the lab's weight names), and resumes from the newest checkpoint
in RUN_DIR. batchSize is per process: the global batch is N × batchSize.
Works with torch 1.13 and 2.x, on CPU (gloo) or CUDA (nccl), launched by torchrun or plain python.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, DistributedSampler

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from labtorch import data as labdata  # noqa: E402
from labtorch import datasettings  # noqa: E402
from labtorch import losses, metrics  # noqa: E402
from labtorch import pairs as labpairs  # noqa: E402
from labtorch.engine import EventLog, Optimizer, latest_checkpoint, save_checkpoint  # noqa: E402
from labtorch.models import embed, model_from_config, preprocess  # noqa: E402
from labtorch.safetensors_io import load_file, save_file  # noqa: E402
from labtorch.weights import lab_state, load_lab_state  # noqa: E402


# When the validation split stands in for a test folder (src/ml/data/folderData.ts VALIDATION_PAIRS_RULE).
VALIDATION_MIN_IDENTITIES, VALIDATION_MIN_PAIRS = 3, 10


def count_or_all(text):
    """A whole number, or 'all' (no limit)."""
    return 'all' if text == 'all' else int(text)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', required=True, help='training folder: one sub-folder per identity')
    p.add_argument('--test', help='test folder (its pairs.txt if present, else sampled pairs)')
    p.add_argument('--out', default='run', help='run folder: log, checkpoints, weights (default ./run)')
    p.add_argument('--config', default=os.path.join(HERE, 'config.json'))
    p.add_argument('--init', default=os.path.join(HERE, 'init.safetensors'), help="the lab's initial weights, if present")
    p.add_argument('--max-steps', type=int, help='stop after this global step (the schedule still spans config.steps)')
    p.add_argument('--data-settings', help="the lab's data choices (default: data.json next to train.py, if present); "
                   "a complete file, every key as the export writes it (`lab export-torch --data-settings` fills the "
                   "page's defaults into a partial one)")
    p.add_argument('--identities', type=count_or_all, help="K|all: a seeded sample of K identities, as the lab's")
    p.add_argument('--min-images', type=int, help='leave out identities with fewer usable images')
    p.add_argument('--max-images', type=count_or_all, help='N|all: a seeded choice of at most N images per identity')
    p.add_argument('--validation-percent', type=int, help='hold out this %% of the images (evaluated without --test)')
    p.add_argument('--test-pairs', type=int, help='balanced test pairs to sample when the test folder has no pairs.txt')
    p.add_argument('--data-seed', type=int, help="seed of the identity sample, cap, validation split and test pairs")
    p.add_argument('--no-align', action='store_true', help="train on the raw photos although data.json asks for aligned "
                   "faces, decoded as its centreCrop says (centre crop, or the whole image squashed)")
    p.add_argument('--workers', type=int, default=2, help='data-loader processes per training process')
    p.add_argument('--device', choices=('auto', 'cpu', 'cuda'), default='auto')
    return p.parse_args(argv)


class FolderImages(Dataset):
    """(uint8 S×S×3 tensor, label) per image, decoded on demand (labdata.load_rgb)."""

    def __init__(self, files, labels, size, rules):
        self.files, self.labels, self.size = files, labels, size
        self.centre_crop, self.background = rules['centreCrop'], rules['background']

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        return torch.from_numpy(labdata.load_rgb(self.files[i], self.size, self.centre_crop, self.background)), self.labels[i]


class Trainer(nn.Module):
    """The embedding model and its K×D head in one module, so DDP averages the head's gradient too."""

    def __init__(self, config, classes):
        super().__init__()
        self.net = model_from_config(config)
        dim = config['model']['embeddingDim']
        # createHead: N(0, 2/(K + D)) (Glorot normal).
        self.head = nn.Parameter(torch.randn(classes, dim) * (2.0 / (classes + dim)) ** 0.5)

    def forward(self, x, labels, loss):
        parts = losses.face_loss_parts(self.net(x), self.head, labels, loss)
        parts['regularization'] = self.net.l2_penalty()
        return parts


def setup():
    """(rank, world, local rank), starting the process group when torchrun launched several processes."""
    world = int(os.environ.get('WORLD_SIZE', '1'))
    rank = int(os.environ.get('RANK', '0'))
    local = int(os.environ.get('LOCAL_RANK', '0'))
    if world > 1:
        dist.init_process_group('nccl' if torch.cuda.is_available() and os.environ.get('LAB_DEVICE') != 'cpu' else 'gloo')
    return rank, world, local


def share(obj, rank, world):
    """Rank 0's value of ``obj`` on every rank."""
    if world == 1:
        return obj
    box = [obj if rank == 0 else None]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def test_folder_set(folder, found):
    """The test folder's images and pairs: its pairs.txt, else testPairs balanced pairs sampled with the data seed
    (the page's, and without data.json `lab train --test`'s: evalPairs at config.seed)."""
    test_ids, _ = labdata.scan(folder)
    per_item = [i for i, ident in enumerate(test_ids) for _ in ident['files']]
    pairs_txt = os.path.join(folder, 'pairs.txt')
    if os.path.exists(pairs_txt):
        pairs = labdata.read_pairs_txt(pairs_txt, test_ids)
    else:
        pairs = labpairs.sample_available_pairs(per_item, found['testPairs'], found['seed'])
        if len(pairs) < found['testPairs']:
            print(f"train.py: note: evaluating on {len(pairs)} pairs, the most balanced pairs the {len(per_item)} test "
                  f"images give ({found['testPairs']} asked for)", file=sys.stderr)
    return {'files': [f for ident in test_ids for f in ident['files']], 'pairs': pairs, 'from': 'test folder'}


def validation_set(drawn, config):
    """Without --test, as the lab does: evalPairs (or all there are) balanced pairs at config.seed over the held-out
    images, labelled by training identity; None, with a note, when the split is too small for a meaningful figure."""
    label = {ident['key']: i for i, ident in enumerate(drawn['train'])}
    per_item = [label[ident['key']] for ident in drawn['validation'] for _ in ident['files']]
    most = labpairs.most_balanced_pairs(*labpairs.pair_capacity(per_item)) if per_item else 0
    if len(drawn['validation']) < VALIDATION_MIN_IDENTITIES or most < VALIDATION_MIN_PAIRS:
        # Always said: a run without eval events should not look like one whose evaluation went missing.
        if per_item:
            why = (f"the validation split ({len(per_item)} images of {len(drawn['validation'])} identities) gives {most} "
                   f"balanced pairs, fewer than the lab's {VALIDATION_MIN_IDENTITIES} identities and {VALIDATION_MIN_PAIRS} pairs")
        else:
            why = 'no image is held out for validation (validationPercent 0, or every identity has a single image)'
        print(f'train.py: note: no evaluation: {why}; pass --test', file=sys.stderr)
        return None
    pairs = labpairs.sample_available_pairs(per_item, min(config['evalPairs'], most), config['seed'])
    return {'files': [f for ident in drawn['validation'] for f in ident['files']], 'pairs': pairs, 'from': 'validation split'}


def scan_sets(args, config, rank, world):
    """The data rules, training identities (sampled as the lab samples them) and test images and pairs, found once
    on rank 0 and shared."""
    if rank == 0:
        found_rules, source = datasettings.rules(args, config, os.path.join(HERE, 'data.json'))
        print(f'train.py: data rules from {source}: {datasettings.describe(found_rules)}', file=sys.stderr)
        if found_rules['alignFaces']:
            # Checked before the scan decodes every file: a refusal should not take an hour to arrive.
            for folder in [args.data] + ([args.test] if args.test else []):
                for note in datasettings.check_aligned(folder, found_rules, config['model']['inputSize']):
                    print(f'train.py: note: {note}', file=sys.stderr)
        identities, skipped = labdata.scan(args.data)
        drawn = labdata.sample_dataset(identities, found_rules['seed'], found_rules['identities'], found_rules['minImages'],
                                       found_rules['maxImages'], found_rules['validationPercent'] / 100)
        if not drawn['train']:
            least = found_rules['minImages']
            raise SystemExit(f"{args.data}: no identity folders with usable images{'' if least == 1 else f' (at least {least} each)'}")
        test = test_folder_set(args.test, found_rules) if args.test else validation_set(drawn, config)
        found = {'identities': drawn['train'], 'skipped': len(skipped), 'test': test, 'rules': found_rules}
    else:
        found = None
    return share(found, rank, world)


def evaluate(net, config, rules, test, device):
    """The eval event fields for ``test`` (pairs over its files): embeddings, cosine scores, metrics."""
    started = time.time()
    size, backbone = config['model']['inputSize'], config['model']['backbone']
    items = sorted({i for a, b, _ in test['pairs'] for i in (a, b)})
    row = {item: r for r, item in enumerate(items)}
    net.eval()
    parts = []
    with torch.no_grad():
        for start in range(0, len(items), 64):
            batch = np.stack([labdata.load_rgb(test['files'][i], size, rules['centreCrop'], rules['background'])
                              for i in items[start:start + 64]])
            parts.append(embed(net, backbone, torch.from_numpy(batch).to(device), config['flipEval']).float().cpu())
    net.train()
    e = torch.cat(parts).numpy()
    scores = [float(np.dot(e[row[a]], e[row[b]])) for a, b, _ in test['pairs']]
    event = metrics.evaluate([1 if same else 0 for _, _, same in test['pairs']], scores)
    return {**event, 'flipEval': config['flipEval'], 'seconds': time.time() - started}


def check_resume(stored, found, identities, out, step):
    """A resumed run must train on the data it started on: the checkpoint's head rows are its identities, and
    its step counts batches drawn by its rules. SystemExit naming the changed rule (or the identities) when the
    data rules or the sampled identities differ from ``stored`` (the checkpoint's, or for a checkpoint written
    before train.py stored them, the run folder's data.json and identities.json; unchecked when neither exists)."""
    if stored is None:
        return
    fresh = 'resume with the same data rules (data.json and flags) as the run started with, or pass another --out'
    changed = datasettings.changed_rule(stored['rules'], found['rules'])
    if changed is not None:
        key, before, now = changed
        raise SystemExit(f"train.py: cannot resume {out} from step {step}: data rule '{key}' was {json.dumps(before)} "
                         f"when the run started and is now {json.dumps(now)}; {fresh}")
    keys = [i['key'] for i in identities]
    if stored['identities'] is not None and stored['identities'] != keys:
        raise SystemExit(f"train.py: cannot resume {out} from step {step}: the training folder now gives other "
                         f"identities ({len(stored['identities'])} when the run started, {len(keys)} now, or other "
                         f"folders); {fresh}")


def stored_data(state, out):
    """The data rules and identity keys a run started with: the checkpoint's, else the run folder's files."""
    if state is not None and 'data' in state:
        return state['data']
    rules_path, ids_path = os.path.join(out, 'data.json'), os.path.join(out, 'identities.json')
    if state is None or not os.path.exists(rules_path):
        return None
    with open(rules_path, encoding='utf-8') as f:
        rules = json.load(f)
    identities = None
    if os.path.exists(ids_path):
        with open(ids_path, encoding='utf-8') as f:
            identities = json.load(f)
    return {'rules': rules, 'identities': identities}


def save_weights(path, trainer, config, step, classes):
    meta = {'format': 'margin-lab-torch', 'config': json.dumps(config), 'numIdentities': classes, 'step': step,
            'torch': torch.__version__}
    save_file(lab_state(trainer.net, trainer.head), path, meta)


def main(argv=None):
    args = parse_args(argv)
    with open(args.config, encoding='utf-8') as f:
        config = json.load(f)
    if args.device == 'cpu':
        os.environ['LAB_DEVICE'] = 'cpu'
    rank, world, local = setup()
    use_cuda = args.device != 'cpu' and torch.cuda.is_available()
    device = torch.device(f'cuda:{local}' if use_cuda else 'cpu')
    if use_cuda:
        torch.cuda.set_device(device)
    os.makedirs(args.out, exist_ok=True)
    if rank == 0 and config['model'].get('pretrained') == 'imagenet' and not os.path.exists(args.init) and latest_checkpoint(args.out) is None:
        # Exported with --no-init (or the file was lost): the config's 'imagenet' would otherwise go unnoticed.
        print(f"train.py: warning: no {args.init}: model.pretrained is 'imagenet' but this run trains from scratch "
              "(PyTorch's initialisation); export without --no-init for the ImageNet weights", file=sys.stderr)
    found = scan_sets(args, config, rank, world)
    identities = found['identities']
    files = [f for ident in identities for f in ident['files']]
    labels = [i for i, ident in enumerate(identities) for _ in ident['files']]
    classes, size, batch = len(identities), config['model']['inputSize'], config['batchSize']

    torch.manual_seed(config['seed'])
    trainer = Trainer(config, classes)
    resume = latest_checkpoint(args.out)
    state = torch.load(resume, map_location='cpu') if resume else None
    # Every rank has the same checkpoint and the same shared data, so every rank stops alike.
    check_resume(stored_data(state, args.out), found, identities, args.out, state['step'] if state else 0)
    started_data = {'rules': found['rules'], 'identities': [i['key'] for i in identities]}
    if state is not None:
        load_lab_state(trainer.net, state['weights'])
        trainer.head.data.copy_(torch.as_tensor(state['weights']['head']))
    elif os.path.exists(args.init):
        weights, _ = load_file(args.init)
        load_lab_state(trainer.net, weights)
    trainer.to(device)
    model = nn.parallel.DistributedDataParallel(trainer, device_ids=[local] if use_cuda else None) if world > 1 else trainer
    optimizer = Optimizer(config['optimizer'], trainer.parameters())
    step = 0
    run_id = f"torch-{config['seed']}-{int(time.time()):x}"
    if state is not None:
        step, run_id = state['step'], state['runId']
        for slot, saved in zip(optimizer.slots, state['slots']):
            slot.copy_(saved.to(device))
    log = EventLog(os.path.join(args.out, 'log.jsonl'), run_id, echo=rank == 0) if rank == 0 else None
    if rank == 0:
        with open(os.path.join(args.out, 'config.json'), 'w', encoding='utf-8') as f:
            json.dump(config, f, indent=2)
    if rank == 0 and state is None:
        # Written on a fresh start only: they describe what the run trained on from step 0 (a resume checked them).
        with open(os.path.join(args.out, 'identities.json'), 'w', encoding='utf-8') as f:
            json.dump(started_data['identities'], f)
        # The data rules in effect (data.json with the flags applied), so the run says what it trained on.
        with open(os.path.join(args.out, 'data.json'), 'w', encoding='utf-8') as f:
            json.dump(started_data['rules'], f, indent=2)

    total = config['steps']
    stop_at = min(total, args.max_steps) if args.max_steps else total
    dataset = FolderImages(files, labels, size, found['rules'])
    sampler = DistributedSampler(dataset, num_replicas=world, rank=rank, shuffle=True,
                                 seed=config['seed'], drop_last=True)
    per_epoch = len(sampler) // batch
    if per_epoch == 0:
        raise SystemExit(f'{len(files)} images are fewer than {world} processes × batch {batch}')
    started, reason = time.time(), 'completed'
    last = time.time()
    weights_path = os.path.join(args.out, 'model.safetensors')

    def checkpoint():
        nbytes = 0
        if rank == 0:
            nbytes = save_checkpoint(args.out, {'step': step, 'runId': run_id, 'weights': lab_state(trainer.net, trainer.head),
                                                'slots': [s.cpu() for s in optimizer.slots], 'config': config,
                                                'data': started_data})
            log.emit({'type': 'checkpoint', 'step': step, 'bytes': nbytes, 'elapsed': time.time() - started})

    def run_eval():
        if rank == 0 and found['test'] is not None:
            log.emit({'type': 'eval', 'step': step, **evaluate(trainer.net, config, found['rules'], found['test'], device),
                      'elapsed': time.time() - started})
        if world > 1:
            dist.barrier()

    while step < stop_at:
        sampler.set_epoch(step // per_epoch)
        order = list(iter(sampler))
        batches = [order[i * batch:(i + 1) * batch] for i in range(per_epoch)][step % per_epoch:]
        loader = DataLoader(dataset, batch_sampler=batches, num_workers=args.workers)
        for images, y in loader:
            gen = torch.Generator().manual_seed(config['seed'] * 1_000_003 + step * 1009 + rank)
            if config['flipAugment']:
                flip = torch.rand(len(y), generator=gen) < 0.5
                images[flip] = images[flip].flip(2)
            lr = losses.learning_rate_at(config['optimizer']['schedule'], config['optimizer']['lr'], step, total)
            ramp = losses.margin_ramp(step, config['marginWarmupSteps'])
            parts = model(preprocess(config['model']['backbone'], images.to(device)), y.to(device),
                          losses.ramp_loss_config(config['loss'], ramp))
            loss = parts['loss'] + config['model']['l2'] * parts['regularization']
            trainer.zero_grad(set_to_none=True)
            loss.backward()
            grad_norm = torch.sqrt(sum(p.grad.pow(2).sum() for p in trainer.parameters() if p.grad is not None))
            with torch.no_grad():
                accuracy = (parts['logits'].argmax(1) == y.to(device)).float().mean()
                theta = torch.rad2deg(torch.acos(parts['cosTarget'].clamp(-1, 1))).mean()
                row = torch.stack([loss.detach(), parts['crossEntropy'].detach(), parts['intraPenalty'].detach(),
                                   config['model']['l2'] * parts['regularization'].detach(), accuracy, theta, grad_norm])
                if world > 1:
                    dist.all_reduce(row)
                    row /= world
            values = row.tolist()
            if not all(np.isfinite(values)):
                reason = 'diverged'
                if rank == 0:
                    log.emit({'type': 'diverged', 'step': step, 'lastGoodStep': step, 'loss': values[0],
                              'message': f'step {step}: the loss or gradient was not finite; training stopped'})
                break
            optimizer.step(lr, step)
            now = time.time()
            if rank == 0:
                log.point(dict(zip(('loss', 'crossEntropy', 'intraPenalty', 'regularization', 'accuracy', 'thetaDeg', 'gradNorm'), values),
                               step=step, lr=lr, marginRamp=ramp, imagesPerSec=batch * world / max(1e-6, now - last)))
            last = now
            step += 1
            done_eval = config['evalEvery'] > 0 and step % config['evalEvery'] == 0 and step < stop_at
            if done_eval:
                run_eval()
            if config['checkpointEvery'] > 0 and step % config['checkpointEvery'] == 0 and step < stop_at:
                checkpoint()
            if step >= stop_at:
                break
        if reason == 'diverged':
            break
    if reason != 'diverged':
        reason = 'completed' if step >= total else 'stopped'
        run_eval()
        checkpoint()
    if rank == 0:
        save_weights(weights_path, trainer, config, step, classes)
        log.emit({'type': 'done', 'reason': reason, 'step': step, 'seconds': time.time() - started})
        log.close()
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()
    return 1 if reason == 'diverged' else 0


if __name__ == '__main__':
    sys.exit(main())
