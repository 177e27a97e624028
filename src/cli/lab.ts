/**
 * `npm run lab -- <command> [options]`: the lab's headless tools, for scripting and outside checks.
 * Each command lives in ./commands/<name>.ts and exports `run(argv): Promise<number>` (the exit code);
 * modules load lazily so one command's heavy imports (tfjs, sharp) do not slow the others.
 * Output contracts: machine-readable results go to stdout (one JSON object, or JSON lines for
 * streams); diagnostics and usage errors go to stderr with exit code 2.
 */
import { UsageError } from './args.ts';

type CommandModule = { run(argv: string[]): Promise<number>; summary: string };

const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  eval: () => import('./commands/eval.ts'),
  scan: () => import('./commands/scan.ts'),
  synth: () => import('./commands/synth.ts'),
  pairs: () => import('./commands/pairs.ts'),
  train: () => import('./commands/train.ts'),
  align: () => import('./commands/align.ts'),
  sweep: () => import('./commands/sweep.ts'),
  'sweep-summary': () => import('./commands/sweepSummary.ts'),
  evaluate: () => import('./commands/evaluate.ts'),
  'export-torch': () => import('./commands/exportTorch.ts'),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name === undefined ? undefined : COMMANDS[name];
  if (!load) {
    const lines = await Promise.all(Object.entries(COMMANDS).map(async ([n, l]) => `  ${n.padEnd(12)} ${(await l()).summary}`));
    process.stderr.write(`${name ? `lab: unknown command '${name}'\n` : ''}usage: npm run lab -- <command> [options]\n${lines.join('\n')}\n`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`lab ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
