/**
 * Decoded pixels kept in memory within a byte budget. Beyond the budget images are decoded from
 * their files whenever a batch needs them, so a large folder still trains, only slower.
 *
 * Default budget 256 MiB: at 112×112×3 = 37,632 bytes per image that holds 7,133 images, e.g.
 * 700 identities × 10 images, the report's training subset.
 */

/** Default memory budget for decoded pixels, in bytes (256 MiB). */
export const DEFAULT_MEMORY_BUDGET_BYTES = 256 * 2 ** 20;

/** A byte-budgeted map from image key to decoded pixels; entries are never evicted implicitly. */
export class PixelCache {
  private readonly entries = new Map<string, Uint8Array>();
  private used = 0;

  constructor(private budget: number = DEFAULT_MEMORY_BUDGET_BYTES) {}

  /** Bytes of pixels held. */
  get bytesUsed(): number {
    return this.used;
  }

  /** The budget in bytes. */
  get budgetBytes(): number {
    return this.budget;
  }

  /** Number of images held. */
  get size(): number {
    return this.entries.size;
  }

  /** Change the budget; entries beyond a smaller budget are dropped (in insertion order from the end). */
  setBudget(bytes: number): void {
    if (!(bytes >= 0)) throw new RangeError(`memory budget must be >= 0 bytes, got ${bytes}`);
    this.budget = bytes;
    const keys = [...this.entries.keys()];
    while (this.used > this.budget && keys.length > 0) this.delete(keys.pop()!);
  }

  get(key: string): Uint8Array | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Keep `pixels` if they fit in what is left of the budget; returns whether they were kept. */
  tryPut(key: string, pixels: Uint8Array): boolean {
    if (this.entries.has(key)) return true;
    if (this.used + pixels.byteLength > this.budget) return false;
    this.entries.set(key, pixels);
    this.used += pixels.byteLength;
    return true;
  }

  delete(key: string): void {
    const pixels = this.entries.get(key);
    if (!pixels) return;
    this.entries.delete(key);
    this.used -= pixels.byteLength;
  }

  /** Drop every entry whose key starts with `prefix` and is not in `keep`. */
  retainOnly(prefix: string, keep: ReadonlySet<string>): void {
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(prefix) && !keep.has(key)) this.delete(key);
    }
  }
}
