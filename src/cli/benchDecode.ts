/**
 * `npm run bench -- --decode [--images N] [--source PX]`: how fast the browser pipeline turns JPEGs into
 * 112×112 RGB training images (createImageBitmap + resize in the lab worker, 4 decodes in flight as a folder
 * load does). Prints one JSON line {"bench":"decode","images","failures","sourceSize","concurrency","seconds",
 * "imagesPerSec"}.
 */
import { intOption, parseOptions } from './args.ts';
import { runBenchPage } from './benchPage.ts';

/** Entry called by src/cli/bench.ts. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, {
    decode: { type: 'boolean' },
    images: { type: 'string', default: '200' },
    source: { type: 'string', default: '250' },
    concurrency: { type: 'string', default: '4' },
    json: { type: 'boolean', default: false },
  });
  const query = new URLSearchParams({
    mode: 'decode',
    images: String(intOption(values.images, 'images', 1, 100_000)),
    source: String(intOption(values.source, 'source', 16, 4096)),
    concurrency: String(intOption(values.concurrency, 'concurrency', 1, 64)),
  });
  try {
    process.stdout.write(`${JSON.stringify(await runBenchPage(query))}\n`);
    return 0;
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ bench: 'decode', error: String((err as Error).message ?? err).split('\n')[0] })}\n`);
    return 1;
  }
}
