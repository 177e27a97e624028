"""data.json: the lab's Data panel choices (src/core/dataSettings.ts, written by the export), and the data rules
train.py applies: data.json's values, or `lab train`'s rules without it, each overridden by its command-line flag.

A count that means "all" is null in data.json, and 'all' on the command line.
"""
import json
import os

KEYS = ('seed', 'identities', 'minImages', 'maxImages', 'validationPercent', 'testPairs', 'imageSize', 'centreCrop',
        'background', 'alignFaces', 'faceDetector', 'faceScoreThreshold')
ALIGN_REPORT = 'align-report.json'


def _int(settings, key, low, high=None, nullable=False):
    value = settings[key]
    if nullable and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        span = f'from {low} to {high}' if high is not None else f'>= {low}'
        raise ValueError(f"{key} must be {'null or ' if nullable else ''}an integer {span} (got {json.dumps(value)})")


def _choice(settings, key, choices):
    value = settings[key]
    if not any(type(value) is type(c) and value == c for c in choices):
        raise ValueError(f"{key} must be {' or '.join(json.dumps(c) for c in choices)} (got {json.dumps(value)})")


def check(settings, from_config=False):
    """``settings`` (a parsed data.json) checked by the rules of parseFolderDataSettings; raises ValueError naming
    the first missing, unknown or bad field. Every key must be present (the export writes them all).

    ``from_config``: the rules came from config.json (lab_train_rules, no data.json), so data.json's limits do not
    apply to the values taken from it: any non-negative seed (validateTrainConfig's rule; the Rng hashes one of
    2^32 or more, as the lab's toSeed does), and imageSize is not checked (it is model.inputSize, and unused);
    background may be None (alpha dropped, as `lab train` does)."""
    if not isinstance(settings, dict):
        raise ValueError('must be a JSON object')
    for key in settings:
        if key not in KEYS:
            raise ValueError(f"unknown data setting '{key}' (allowed: {', '.join(KEYS)})")
    for key in KEYS:
        if key not in settings:
            raise ValueError(f"missing '{key}'")
    _int(settings, 'seed', 0, None if from_config else 2 ** 32 - 1)
    _int(settings, 'identities', 1, nullable=True)
    _int(settings, 'minImages', 1)
    _int(settings, 'maxImages', 1, nullable=True)
    if settings['maxImages'] is not None and settings['maxImages'] < settings['minImages']:
        raise ValueError(f"maxImages must be at least minImages ({settings['minImages']}) (got {settings['maxImages']})")
    _int(settings, 'validationPercent', 0, 99)
    _int(settings, 'testPairs', 2)
    if not from_config:
        _int(settings, 'imageSize', 16, 512)
    _choice(settings, 'centreCrop', (True, False))
    _choice(settings, 'background', ('black', 'white', None) if from_config else ('black', 'white'))
    _choice(settings, 'alignFaces', (True, False))
    _choice(settings, 'faceDetector', ('tiny', 'ssd'))
    threshold = settings['faceScoreThreshold']
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
        raise ValueError(f'faceScoreThreshold must be a number in [0, 1] (got {json.dumps(threshold)})')
    return settings


def read(path):
    """data.json at ``path``, checked; SystemExit naming the file and the field when it is not usable."""
    try:
        with open(path, encoding='utf-8') as f:
            return check(json.load(f))
    except (OSError, ValueError) as err:
        raise SystemExit(f'{path}: {err}') from err


def lab_train_rules(config):
    """`lab train --data DIR [--test DIR]`'s rules, for an export without data.json: every identity and image,
    nothing held out, config.evalPairs test pairs at config.seed, centre crops with the alpha channel dropped
    (background None: sharp's removeAlpha, the colour under transparent pixels kept), no alignment."""
    return {'seed': config['seed'], 'identities': None, 'minImages': 1, 'maxImages': None, 'validationPercent': 0,
            'testPairs': config['evalPairs'], 'imageSize': config['model']['inputSize'], 'centreCrop': True,
            'background': None, 'alignFaces': False, 'faceDetector': 'tiny', 'faceScoreThreshold': 0.5}


def rules(args, config, default_path):
    """(rules, source): data.json's values (``args.data_settings``, else ``default_path`` when that file exists) or
    lab_train_rules, with each data flag given on the command line in their place; checked again after the flags."""
    path = args.data_settings or default_path
    from_config = not os.path.exists(path)
    if not from_config:
        found, source = dict(read(path)), path
    elif args.data_settings:
        raise SystemExit(f'{path}: no such data settings file')
    else:
        found, source = lab_train_rules(config), "lab train's rules (no data.json)"
    flags = {'seed': args.data_seed, 'identities': args.identities, 'minImages': args.min_images,
             'maxImages': args.max_images, 'validationPercent': args.validation_percent, 'testPairs': args.test_pairs}
    for key, value in flags.items():
        if value is not None:
            found[key] = None if value == 'all' else value
    if args.no_align:
        found['alignFaces'] = False
    try:
        return check(found, from_config), source
    except ValueError as err:
        raise SystemExit(f'train.py: data rules: {err}') from err


def describe(found):
    """One line of the rules in effect, for the log on stderr."""
    def count(n):
        return 'all' if n is None else n
    decode = 'aligned crops' if found['alignFaces'] else ('centre crop' if found['centreCrop'] else 'whole image squashed')
    alpha = 'alpha dropped' if found['background'] is None else f"over {found['background']}"
    return (f"seed {found['seed']}, identities {count(found['identities'])}, images per identity "
            f"{found['minImages']}..{count(found['maxImages'])}, validation {found['validationPercent']}%, "
            f"test pairs {found['testPairs']}, {decode}, {alpha}")


def changed_rule(stored, found):
    """The first data rule whose value differs between a checkpoint's ``stored`` rules and the ``found`` ones, as
    (key, before, now), or None. Keys missing on either side count as changed (another train.py wrote them)."""
    for key in KEYS:
        if stored.get(key, '(absent)') != found.get(key, '(absent)'):
            return key, stored.get(key, '(absent)'), found.get(key, '(absent)')
    return None


def raw_decoding(found):
    """How --no-align decodes the raw photos: data.json's centreCrop still applies."""
    return 'centre-cropped' if found['centreCrop'] else 'whole images squashed to the square, as centreCrop is off'


def check_aligned(folder, found, input_size):
    """With alignFaces on, ``folder`` must be one `lab align` wrote (it holds align-report.json): train.py has no
    face detector (the lab's is face-api's, in tfjs). Returns the notes to print; SystemExit when it is not."""
    report_path = os.path.join(folder, ALIGN_REPORT)
    if not os.path.exists(report_path):
        raise SystemExit(
            f"train.py: data.json has alignFaces on (the lab's \"Align faces\"), but {folder} holds no {ALIGN_REPORT}: "
            "train.py cannot detect faces itself (the lab's detector is face-api's, in tfjs), so it does not train on "
            "raw photos as if they were aligned. Align the folder first, then pass its output:\n"
            f"  npm run --silent lab -- align --data {folder} --out ALIGNED --detector {found['faceDetector']} "
            f"--score {found['faceScoreThreshold']} --size {input_size}\n"
            f"or add --no-align to train on the raw photos ({raw_decoding(found)}).")
    with open(report_path, encoding='utf-8') as f:
        report = json.load(f)
    notes = []
    if report.get('detector') != found['faceDetector'] or report.get('scoreThreshold') != found['faceScoreThreshold']:
        notes.append(f"{folder} was aligned with the {report.get('detector')} detector at score "
                     f"{report.get('scoreThreshold')}; data.json asks for {found['faceDetector']} at "
                     f"{found['faceScoreThreshold']} (other photos may be left out)")
    if report.get('size') != input_size:
        notes.append(f"{folder} holds {report.get('size')} px crops; they are resized to model.inputSize {input_size}")
    return notes
