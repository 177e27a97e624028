"""The lab's balanced verification pairs (src/core/pairs.ts), drawn bit for bit as the lab draws them.

A port rather than a sampler of its own so that a test folder without pairs.txt is evaluated on the very pairs
`lab train --test`, `lab evaluate` and the lab's test folder pick for the same folder, count and seed: the AUCs
of a torch run and of the lab are then comparable pair for pair. Every step follows pairs.ts exactly (the same
sfc32 forks 'positives', 'negatives' and 'order', the same weighted picks with 53-bit uniforms, the same
rejection of repeats and the same listing-then-partial-shuffle when more than half of a kind is wanted); a change
there must be made here too (tests/unit/cli/torchExport.test.ts compares both on several cases).
"""
from .data import Rng


def _group_by_identity(identities):
    """(members, starts, count): group g (numbered by first appearance) owns members[starts[g]:starts[g + 1]]."""
    ids = {}
    group_of = []
    for key in identities:
        group_of.append(ids.setdefault(key, len(ids)))
    count = len(ids)
    starts = [0] * (count + 1)
    for g in group_of:
        starts[g + 1] += 1
    for g in range(count):
        starts[g + 1] += starts[g]
    fill = starts[:count]
    members = [0] * len(group_of)
    for i, g in enumerate(group_of):
        members[fill[g]] = i
        fill[g] += 1
    return members, starts, count


def _choose2(k):
    return k * (k - 1) // 2


def pair_capacity(identities):
    """(positives, negatives): distinct pairs of each kind the items (one identity label each) can supply."""
    _, starts, count = _group_by_identity(identities)
    positives = sum(_choose2(starts[g + 1] - starts[g]) for g in range(count))
    return positives, _choose2(len(identities)) - positives


def most_balanced_pairs(positives, negatives):
    """mostBalancedPairs: as many positives as negatives, one positive more when positives are more plentiful."""
    return 2 * min(positives, negatives) + (1 if positives > negatives else 0)


def _pick_weighted(cumulative, x):
    lo, hi = 0, len(cumulative) - 1
    while lo < hi:
        mid = (lo + hi) >> 1
        if cumulative[mid] > x:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _uniform_below(rng, total):
    # The same 53-bit float as pairs.ts: the integer is exact, so the division and product round as in JS.
    hi = rng.next_uint32()
    lo = rng.next_uint32() >> 11
    x = float(hi * 2 ** 21 + lo) / 2 ** 53 * float(total)
    return x if x < total else 0.0


def _make_pair(x, y, same):
    return (x, y, same) if x < y else (y, x, same)


def _draw_distinct(wanted, n, draw, same):
    seen = set()
    pairs = []
    while len(pairs) < wanted:
        pair = _make_pair(*draw(), same)
        key = pair[0] * n + pair[1]
        if key in seen:
            continue
        seen.add(key)
        pairs.append(pair)
    return pairs


def _take_random(every, wanted, rng):
    for i in range(wanted):
        j = i + rng.int(len(every) - i)
        every[i], every[j] = every[j], every[i]
    return every[:wanted]


def _sample_positives(groups, n, wanted, possible, rng):
    members, starts, count = groups
    if wanted == 0:
        return []
    if 2 * wanted > possible:
        every = [_make_pair(members[x], members[y], True)
                 for g in range(count) for x in range(starts[g], starts[g + 1]) for y in range(x + 1, starts[g + 1])]
        return _take_random(every, wanted, rng)
    cumulative, total = [], 0
    for g in range(count):
        total += _choose2(starts[g + 1] - starts[g])
        cumulative.append(total)

    def draw():
        g = _pick_weighted(cumulative, _uniform_below(rng, total))
        size = starts[g + 1] - starts[g]
        x = rng.int(size)
        y = (x + 1 + rng.int(size - 1)) % size
        return members[starts[g] + x], members[starts[g] + y]

    return _draw_distinct(wanted, n, draw, True)


def _sample_negatives(groups, n, wanted, possible, rng):
    members, starts, count = groups
    if wanted == 0:
        return []
    if 2 * wanted > possible:
        every = [_make_pair(members[x], members[y], False)
                 for g in range(count) for h in range(g + 1, count)
                 for x in range(starts[g], starts[g + 1]) for y in range(starts[h], starts[h + 1])]
        return _take_random(every, wanted, rng)
    cumulative, total = [], 0
    for g in range(count):
        size = starts[g + 1] - starts[g]
        total += size * (n - size)
        cumulative.append(total)

    def draw():
        g = _pick_weighted(cumulative, _uniform_below(rng, total))
        start = starts[g]
        size = starts[g + 1] - start
        a = members[start + rng.int(size)]
        r = rng.int(n - size)
        return a, members[r if r < start else r + size]

    return _draw_distinct(wanted, n, draw, False)


def sample_balanced_pairs(identities, count, seed):
    """sampleBalancedPairs: ``count`` pairs (a, b, same) over items labelled ``identities``, ceil(count/2) of them
    positive, a < b, shuffled; ValueError when the items cannot supply that many of a kind."""
    if not isinstance(count, int) or count < 0:
        raise ValueError(f'pair count must be a non-negative integer, got {count}')
    n = len(identities)
    groups = _group_by_identity(identities)
    possible_positives, possible_negatives = pair_capacity(identities)
    wanted_positives = (count + 1) // 2
    wanted_negatives = count - wanted_positives
    if wanted_positives > possible_positives or wanted_negatives > possible_negatives:
        most = most_balanced_pairs(possible_positives, possible_negatives)
        raise ValueError(f'cannot sample {count} balanced pairs from {n} items of {groups[2]} identities '
                         f'(at most {most} balanced pairs)')
    rng = Rng(seed)
    pairs = (_sample_positives(groups, n, wanted_positives, possible_positives, rng.fork('positives'))
             + _sample_negatives(groups, n, wanted_negatives, possible_negatives, rng.fork('negatives')))
    return rng.fork('order').shuffle(pairs)


def sample_available_pairs(identities, count, seed):
    """sampleAvailablePairs: up to ``count`` balanced pairs, the most the items give when they give fewer (a small
    test folder is used whole); ValueError when they give no pair of one kind."""
    if not isinstance(count, int) or count < 0:
        raise ValueError(f'pair count must be a non-negative integer, got {count}')
    positives, negatives = pair_capacity(identities)
    if positives == 0 or negatives == 0:
        raise ValueError(f'{len(identities)} images of {_group_by_identity(identities)[2]} identities give no '
                         f"{'same-identity' if positives == 0 else 'different-identity'} pair: a test needs at least "
                         'two identities, one of them with two images or more')
    return sample_balanced_pairs(identities, min(count, most_balanced_pairs(positives, negatives)), seed)
