// Lint rules that hold the architecture in place: imports point one way, ui → protocol → core and
// workers → ml → core, and no module imports itself through a cycle.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';

const tfjs = { group: ['@tensorflow/*'], message: 'Only src/ml and workers/ may use tfjs.' };
const react = { group: ['react', 'react-dom', 'react-dom/*', 'plotly.js*', '@testing-library/*'], message: 'Only src/ui may use React and Plotly.' };
const comlink = { group: ['comlink'], message: 'Only the worker bridge (src/ui/worker) and workers/ use comlink.' };
const nodeBuiltins = { group: ['node:*', 'fs', 'path', 'sharp'], message: 'Browser code cannot import Node modules.' };
const layer = (name, why) => ({ group: [`**/${name}`, `**/${name}/**`], message: why });
const mlLayer = layer('ml', 'Only workers/ and the CLI may import src/ml.');
const uiLayer = layer('ui', 'Nothing imports the UI.');
const workersLayer = layer('workers', 'Workers are started by URL, never imported.');
const cliLayer = layer('cli', 'Nothing imports the CLI.');

const restrict = (...patterns) => ['error', { patterns }];

/** Randomness in data paths must be seeded (src/core/prng.ts). */
const noMathRandom = { object: 'Math', property: 'random', message: 'Use the seeded PRNG from src/core/prng.ts.' };
/** On WebGPU in a worker dataSync/arraySync silently return zeros and then break the backend. */
const noSyncReads = [
  { property: 'dataSync', message: 'Use await tensor.data(): dataSync breaks WebGPU in a worker.' },
  { property: 'arraySync', message: 'Use await tensor.array(): arraySync breaks WebGPU in a worker.' },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test-results/', 'public/', '.probe/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': ['error', noMathRandom],
    },
  },
  {
    // No import cycles: a module must be able to run its top level before everything that imports it. Type-only
    // imports are erased at build time and are not followed; packages are not parsed (ignoreExternal), which keeps
    // the rule to the repository's own modules. Imports name their .ts/.tsx files, so the resolver knows those
    // extensions (and the parser reads them) to follow them.
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.json'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['src/core/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        tfjs,
        react,
        comlink,
        nodeBuiltins,
        mlLayer,
        uiLayer,
        workersLayer,
        cliLayer,
        layer('protocol', 'src/core is the bottom layer: it imports nothing of the app.'),
      ),
    },
  },
  {
    files: ['src/protocol/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(tfjs, react, comlink, nodeBuiltins, mlLayer, uiLayer, workersLayer, cliLayer),
      // The protocol is types only: a value import would drag code into both threads.
      'no-restricted-syntax': [
        'error',
        { selector: "ImportDeclaration[importKind='value']", message: 'src/protocol holds types only: use import type.' },
        { selector: ':matches(FunctionDeclaration, ClassDeclaration, VariableDeclaration)', message: 'src/protocol holds types only.' },
      ],
    },
  },
  {
    files: ['src/ml/**'],
    languageOptions: { globals: { ...globals.worker } },
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(react, comlink, nodeBuiltins, uiLayer, workersLayer, cliLayer),
      'no-restricted-properties': ['error', noMathRandom, ...noSyncReads],
    },
  },
  {
    files: ['workers/**'],
    languageOptions: { globals: { ...globals.worker } },
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(react, nodeBuiltins, uiLayer, cliLayer),
      'no-restricted-properties': ['error', noMathRandom, ...noSyncReads],
    },
  },
  {
    files: ['src/ui/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': restrict(tfjs, nodeBuiltins, mlLayer, workersLayer, cliLayer),
      // The UI never talks to the worker by hand: one bridge owns it through comlink.
      'no-restricted-properties': ['error', noMathRandom, { property: 'postMessage', message: 'Go through the worker bridge (comlink).' }],
    },
  },
  {
    files: ['src/ui/**'],
    ignores: ['src/ui/worker/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(tfjs, comlink, nodeBuiltins, mlLayer, workersLayer, cliLayer),
    },
  },
  {
    files: ['src/cli/**', 'tests/**', '*.config.{js,ts}'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-restricted-imports': restrict(uiLayer) },
  },
  {
    files: ['tests/ui/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    // Tests may use Math.random only to make adversarial inputs; results must not depend on it.
    files: ['tests/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
