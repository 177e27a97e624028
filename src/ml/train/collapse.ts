/**
 * Collapse detection: training accuracy stuck near chance long after the start while the loss still
 * falls, which is what a 60° ArcFace margin from scratch does (the loss drops by pushing every angle
 * towards the fallback region, not by classifying). It is reported as a warning, never hidden.
 *
 * The rule, with K classes and the defaults below:
 * - "near chance": mean training accuracy over the last `window` steps < chanceMultiple/K (2/K);
 * - "long after the start": at least `afterStep` steps done (default max(200, 20% of the run));
 * - "the loss falls": mean loss of the newer half of the window < mean of the older half.
 * It is checked only when chanceMultiple/K < 0.5 (K ≥ 5 by default): with fewer classes "twice chance"
 * is no longer a sign of anything. It fires at most once per run.
 */

/** Tunables of the collapse rule. */
export interface CollapseRule {
  /** Steps in the window. */
  window: number;
  /** First step at which the rule may fire; null = max(200, 20% of the run's steps). */
  afterStep: number | null;
  /** "Near chance" = accuracy below this multiple of 1/K. */
  chanceMultiple: number;
}

/** Defaults: a 50-step window, after max(200 steps, 20% of the run), below 2× chance. */
export const DEFAULT_COLLAPSE_RULE: Readonly<CollapseRule> = Object.freeze({ window: 50, afterStep: null, chanceMultiple: 2 });

/** What the detector found when it fired. */
export interface CollapseFinding {
  step: number;
  meanAccuracy: number;
  chanceLevel: number;
  lossBefore: number;
  lossAfter: number;
}

/** Feeds per-step (accuracy, loss) and fires once when the rule holds. */
export class CollapseDetector {
  private readonly accuracy: number[] = [];
  private readonly loss: number[] = [];
  private fired = false;
  private readonly afterStep: number;

  constructor(
    private readonly numClasses: number,
    totalSteps: number,
    private readonly rule: Readonly<CollapseRule> = DEFAULT_COLLAPSE_RULE,
  ) {
    this.afterStep = rule.afterStep ?? Math.max(200, Math.round(0.2 * totalSteps));
  }

  /** Steps in the window. */
  get windowSize(): number {
    return this.rule.window;
  }

  /** K. */
  get classes(): number {
    return this.numClasses;
  }

  /** The accuracy below which training counts as near chance. */
  get threshold(): number {
    return this.rule.chanceMultiple / this.numClasses;
  }

  /** Records step `step` (0-based); returns a finding the first time the rule holds, else null. */
  observe(step: number, accuracy: number, loss: number): CollapseFinding | null {
    const w = this.rule.window;
    this.accuracy.push(accuracy);
    this.loss.push(loss);
    if (this.accuracy.length > w) {
      this.accuracy.shift();
      this.loss.shift();
    }
    if (this.fired || this.threshold >= 0.5 || step + 1 < this.afterStep || this.accuracy.length < w) return null;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const meanAccuracy = mean(this.accuracy);
    const half = Math.floor(w / 2);
    const lossBefore = mean(this.loss.slice(0, half));
    const lossAfter = mean(this.loss.slice(w - half));
    if (!(meanAccuracy < this.threshold && lossAfter < lossBefore)) return null;
    this.fired = true;
    return { step, meanAccuracy, chanceLevel: 1 / this.numClasses, lossBefore, lossAfter };
  }
}
