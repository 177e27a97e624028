import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { windowsHoldingFirstRow } from '../../../../src/ml/wasm/maxPoolGrad.ts';
import { stockWasmKernel } from '../../../../src/ml/wasmKernels.ts';
import { countKernelCalls, seeded, startWasm } from './helpers.ts';

beforeAll(startWasm);

/** A max pooling's geometry and what its input looks like. */
interface PoolCase {
  name: string;
  x: [number, number, number, number];
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid';
  /** How the seeded values in [-0.5, 0.5) become the input. */
  input: 'relu' | 'negative' | 'ties' | 'raw';
}

const CASES: PoolCase[] = [
  // ResNet's stem: pool1 (3×3/2 'valid') after ReLU and a 1-pixel zero padding, many all-zero windows.
  { name: "3×3/2 'valid' after ReLU (the ResNet stem)", x: [2, 17, 17, 8], filterSize: 3, strides: 2, pad: 'valid', input: 'relu' },
  { name: "3×3/2 'same', odd size, after ReLU", x: [2, 9, 9, 4], filterSize: 3, strides: 2, pad: 'same', input: 'relu' },
  { name: "3×3/1 'same' (two windows hold the first row)", x: [1, 7, 6, 3], filterSize: 3, strides: 1, pad: 'same', input: 'relu' },
  { name: "2×2/2 'valid', no element reaches FLT_MIN", x: [2, 8, 8, 3], filterSize: 2, strides: 2, pad: 'valid', input: 'negative' },
  { name: "3×3/2 'same', ties between equal maxima", x: [2, 10, 10, 2], filterSize: 3, strides: 2, pad: 'same', input: 'ties' },
  { name: "3×2 window at strides [2, 1], 'same'", x: [1, 9, 8, 5], filterSize: [3, 2], strides: [2, 1], pad: 'same', input: 'raw' },
];

function inputOf(c: PoolCase): tf.Tensor4D {
  const raw = seeded(c.x, 7) as tf.Tensor4D;
  if (c.input === 'relu') {
    // A zero padding ring, and a zero first pixel, as the stem's padding layer leaves them.
    return tf.relu(raw).pad([
      [0, 0],
      [1, 0],
      [1, 0],
      [0, 0],
    ]);
  }
  if (c.input === 'negative') return raw.abs().neg().sub(0.01) as tf.Tensor4D;
  if (c.input === 'ties') return raw.mul(4).round().relu() as tf.Tensor4D;
  return raw;
}

/** The bits of a float32 tensor's values (so that −0 and +0, or two NaNs, are told apart). */
function bits(t: tf.Tensor): Uint32Array {
  return new Uint32Array(new Float32Array(t.dataSync()).buffer);
}

/** The registered (wrapped) kernel's dx and the stock kernel's, as raw bits. */
function gradients(c: PoolCase): { wrapped: Uint32Array; stock: Uint32Array; nonZero: number } {
  const [wrapped, stock] = tf.tidy(() => {
    const x = inputOf(c);
    const y = tf.maxPool(x, c.filterSize, c.strides, c.pad);
    const dy = seeded(y.shape, 11);
    const inputs = { dy, input: x, output: y };
    const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
    const stockInfo = stockWasmKernel(tf.MaxPoolGrad)!.kernelFunc({ inputs, backend: tf.backend(), attrs }) as tf.TensorInfo;
    return [tf.engine().runKernel(tf.MaxPoolGrad, inputs, attrs) as tf.Tensor, tf.engine().makeTensorFromTensorInfo(stockInfo)];
  });
  expect(wrapped.shape).toEqual(c.input === 'relu' ? [c.x[0], c.x[1] + 1, c.x[2] + 1, c.x[3]] : c.x);
  const result = { wrapped: bits(wrapped), stock: bits(stock), nonZero: stock.dataSync().filter((v) => v !== 0).length };
  tf.dispose([wrapped, stock]);
  return result;
}

describe('MaxPoolGrad on wasm', () => {
  it('finds the windows that hold the first row', () => {
    expect(windowsHoldingFirstRow(8, 2, 0, 3)).toEqual([0, 0]);
    expect(windowsHoldingFirstRow(5, 2, 1, 3)).toEqual([0, 0]);
    expect(windowsHoldingFirstRow(6, 1, 1, 3)).toEqual([0, 1]);
    expect(windowsHoldingFirstRow(4, 1, 2, 2)).toEqual([1, 2]);
    expect(windowsHoldingFirstRow(4, 1, 3, 2)).toEqual([2, 3]);
    expect(windowsHoldingFirstRow(2, 1, 3, 2)).toBeNull();
  });

  it.each(CASES)('gives the stock kernel’s gradient bit for bit: $name', (c) => {
    const { wrapped, stock, nonZero } = gradients(c);
    expect(nonZero).toBeGreaterThan(0);
    expect(wrapped).toEqual(stock);
  });

  it('sends the dy of windows with no element ≥ FLT_MIN nowhere, but to x’s first element from the windows holding it', () => {
    const c = CASES.find((each) => each.input === 'negative')!;
    const x = inputOf(c);
    const dy = tf.ones([2, 4, 4, 3]);
    const dx = tf.engine().runKernel(tf.MaxPoolGrad, { dy, input: x, output: tf.maxPool(x, 2, 2, 'valid') }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
    const values = dx.dataSync();
    // tfjs's quirk, kept: only the one window that holds x's first element adds its dy there.
    expect(values[0]).toBe(1);
    expect(values.slice(1).every((v) => v === 0)).toBe(true);
    tf.dispose([x, dy, dx]);
  });

  it('leaves a dimRoundingMode and numeric padding to the stock kernel, and frees what it made', async () => {
    const x = inputOf(CASES[0]);
    const y = tf.maxPool(x, 3, 2, 'valid');
    const dy = seeded(y.shape, 3);
    const buffersBefore = tf.backend().numDataIds();
    const variants: tf.NamedAttrMap[] = [{}, { dimRoundingMode: 'floor' }, { pad: 0 }];
    const argmaxCalls: number[] = [];
    for (const extra of variants) {
      const attrs: tf.NamedAttrMap = { filterSize: 3, strides: 2, pad: 'valid', ...extra };
      argmaxCalls.push(
        await countKernelCalls(tf.MaxPoolWithArgmax, async () => {
          const dx = tf.engine().runKernel(tf.MaxPoolGrad, { dy, input: x, output: y }, attrs) as tf.Tensor;
          expect(tf.backend().numDataIds()).toBe(buffersBefore + 1);
          dx.dispose();
        }),
      );
    }
    expect(argmaxCalls).toEqual([1, 0, 0]);
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    tf.dispose([x, y, dy]);
  });

  it('is what tf.grad of a max pooling runs', async () => {
    const x = inputOf(CASES[0]);
    const weights = seeded([2, 8, 8, 8], 5);
    let viaGrad: tf.Tensor | undefined;
    const argmaxCalls = await countKernelCalls(tf.MaxPoolWithArgmax, async () => {
      viaGrad = tf.grad((input: tf.Tensor) =>
        tf
          .maxPool(input as tf.Tensor4D, 3, 2, 'valid')
          .mul(weights)
          .sum(),
      )(x);
    });
    expect(argmaxCalls).toBe(1);
    const y = tf.maxPool(x, 3, 2, 'valid');
    const stock = stockWasmKernel(tf.MaxPoolGrad)!.kernelFunc({
      inputs: { dy: weights, input: x, output: y },
      backend: tf.backend(),
      attrs: { filterSize: 3, strides: 2, pad: 'valid' },
    }) as tf.TensorInfo;
    expect(viaGrad!.dataSync()).toEqual(tf.engine().makeTensorFromTensorInfo(stock).dataSync());
  });
});
