"""Reads [{identities, count, seed}] from the JSON file named by its argument, prints the pairs labtorch.pairs.sample_available_pairs gives
for each as JSON [[a, b, same], ...] (tests/unit/cli/torchExport.test.ts compares them with src/core/pairs.ts)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..', 'src', 'cli', 'torch'))
from labtorch.pairs import sample_available_pairs  # noqa: E402

with open(sys.argv[1], encoding='utf-8') as f:
    cases = json.load(f)
print(json.dumps([[list(p) for p in sample_available_pairs(c['identities'], c['count'], c['seed'])] for c in cases]))
