/** Identity tables: means per test identity, reused for the same model and test set, rebuilt when either changes. */
import { describe, expect, it, vi } from 'vitest';
import { createIdentityTables, type TableEmbedder } from '../../../../src/ml/verify/identityTable.ts';
import type { TestIdentities } from '../../../../src/ml/verify/testIdentities.ts';

const SIZE = 1;

/** Four one-pixel images of two people; the fake model embeds an image as the unit vector at angle = its pixel (degrees). */
function testSet(key: string, count = 4): TestIdentities {
  return {
    names: ['Ana', 'Ben'],
    identityOf: Int32Array.from({ length: count }, (_, i) => (i < 2 ? 0 : 1)),
    render: async (i) => new Uint8Array(3).fill(i < 2 ? 0 : 90),
    label: 'test set',
    key,
  };
}

function embedder(key: string): TableEmbedder & { embed: ReturnType<typeof vi.fn> } {
  const embed = vi.fn(async (pixels: Uint8Array, count: number) => {
    const out = new Float32Array(count * 2);
    for (let i = 0; i < count; i++) {
      const angle = (pixels[i * 3] * Math.PI) / 180;
      out.set([Math.cos(angle), Math.sin(angle)], i * 2);
    }
    return out;
  });
  return {
    key,
    run: { preprocessing: { backbone: 'tiny', normalization: 'symmetric', inputSize: SIZE, centreCrop: true, background: 'black', aligned: false, flipEval: false } },
    embed,
  };
}

describe('identity tables', () => {
  it('averages each identity and names it', async () => {
    const tables = createIdentityTables(3);
    const table = await tables(embedder('m'), testSet('s'));
    expect(table.names).toEqual(['Ana', 'Ben']);
    expect(Array.from(table.table.counts)).toEqual([2, 2]);
    // Ana's images lie at 0°, Ben's at 90°.
    expect(Array.from(table.table.means, (v) => Number(v.toFixed(5)))).toEqual([1, 0, 0, 1]);
  });

  it('reuses the table for the same model and test set, and rebuilds it when either changes', async () => {
    const tables = createIdentityTables(3);
    const model = embedder('m');
    const first = await tables(model, testSet('s'));
    expect(model.embed).toHaveBeenCalledTimes(2); // 4 images in chunks of 3
    expect(await tables(model, testSet('s'))).toBe(first);
    expect(model.embed).toHaveBeenCalledTimes(2);
    expect(await tables(model, testSet('other'))).not.toBe(first);
    const other = embedder('m2');
    await tables(other, testSet('other'));
    expect(other.embed).toHaveBeenCalledTimes(2);
  });

  it('refuses an empty test set', async () => {
    await expect(createIdentityTables(3)(embedder('m'), testSet('s', 0))).rejects.toThrow(/hold no images/);
  });
});
