import { Rng } from "./rng";

// Finite-difference gradient check (central differences), the test helper of every layer.
// Use it with the float64 JS backend: the loss is then accurate to ~1e-15 and analytic and
// numerical gradients agree to ~1e-8, so a wrong term in any backward shows up clearly.

export interface Checked {
  name: string;
  value: Float32Array; // perturbed in place
  grad: Float32Array; // filled by backward()
}

export interface GradCheckOptions {
  /** Recompute the scalar loss from scratch (must not depend on earlier calls). */
  loss: () => number;
  /** Fill every Checked.grad with ∂loss/∂value (after zeroing; grads accumulate with +=). */
  backward: () => void;
  wrt: Checked[];
  eps?: number;
  /** Entries checked per tensor (all when the tensor is smaller). */
  samples?: number;
  rtol?: number;
  atol?: number;
}

export interface GradCheckFailure {
  name: string;
  index: number;
  analytic: number;
  numeric: number;
}

/** Returns the entries whose gradient disagrees (empty = pass) and the worst relative error. */
export function gradCheck(o: GradCheckOptions): { failures: GradCheckFailure[]; maxRelError: number; checked: number } {
  const eps = o.eps ?? 1e-6, samples = o.samples ?? 40, rtol = o.rtol ?? 1e-5, atol = o.atol ?? 1e-9;
  for (const t of o.wrt) t.grad.fill(0);
  o.loss();
  o.backward();
  const analytic = o.wrt.map((t) => Float64Array.from(t.grad));
  const rng = new Rng(1234);
  const failures: GradCheckFailure[] = [];
  let maxRelError = 0, checked = 0;
  o.wrt.forEach((t, k) => {
    const n = t.value.length;
    const indices = n <= samples ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: samples }, () => rng.int(n));
    for (const i of indices) {
      const orig = t.value[i];
      t.value[i] = orig + eps;
      const lp = o.loss();
      t.value[i] = orig - eps;
      const lm = o.loss();
      t.value[i] = orig;
      const numeric = (lp - lm) / (2 * eps), a = analytic[k][i];
      const diff = Math.abs(a - numeric), scale = Math.max(Math.abs(a), Math.abs(numeric));
      if (scale > 0) maxRelError = Math.max(maxRelError, diff / scale);
      if (diff > atol + rtol * scale) failures.push({ name: t.name, index: i, analytic: a, numeric });
      checked++;
    }
  });
  return { failures, maxRelError, checked };
}

/** Fill with N(0, std²) from a seeded stream. */
export function randomFill(x: Float32Array, rng: Rng, std = 1): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = std * rng.normal();
  return x;
}

/** Σ x ⊙ r in float64: a scalar loss whose gradient with respect to x is r. */
export function dot(x: Float32Array, r: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * r[i];
  return s;
}
