"""Data rules of an exported train.py, without training: ``check_data.py EXPORT_DIR CASES.json`` reads
[{args: [train.py flags]}] and prints, per case, what train.py's scan_sets (rank 0, one process) decides as JSON:
{rules, train: [[key, [file relative to --data]]], test: {from, files (relative), pairs}} or {exit: message} when
train.py refuses. tests/unit/cli/torchExport.test.ts compares it with src/core/dataset/sampling.ts and pairs.ts.
"""
import importlib.util
import json
import os
import sys

export_dir, cases_path = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location('exported_train', os.path.join(export_dir, 'train.py'))
train = importlib.util.module_from_spec(spec)
spec.loader.exec_module(train)

with open(cases_path, encoding='utf-8') as f:
    cases = json.load(f)
results = []
for case in cases:
    args = train.parse_args(case['args'])
    with open(args.config, encoding='utf-8') as f:
        config = json.load(f)
    try:
        found = train.scan_sets(args, config, 0, 1)
    except SystemExit as stop:
        results.append({'exit': str(stop.code)})
        continue
    test = found['test']
    root = args.test or args.data
    results.append({
        'rules': found['rules'],
        'train': [[i['key'], [os.path.relpath(f, args.data) for f in i['files']]] for i in found['identities']],
        'test': None if test is None else {'from': test['from'], 'files': [os.path.relpath(f, root) for f in test['files']],
                                           'pairs': [list(p) for p in test['pairs']]},
    })
print(json.dumps(results))
