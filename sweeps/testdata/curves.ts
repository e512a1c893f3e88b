import assert from "node:assert/strict";
// Tests are composition roots: they read what the executor stored.
import { listSamples, metricCounts, readPoints } from "../../prisma/store";

/** The steps a run of RunConfig `config` logs `metric` at: every `every` steps and at the last step. */
export function loggedSteps(steps: number, every: number, first = every): number[] {
  const out: number[] = [];
  for (let s = first; s <= steps; s += every) out.push(s);
  if (out[out.length - 1] !== steps && steps % every !== 0 && first === every) out.push(steps);
  return out;
}

/**
 * A run's stored curves hold each expected step exactly once — none repeated, none missing —
 * its rollup counted each point once, and no sample step repeats. Returns the stored points.
 */
export async function assertWholeCurves(runId: string, expected: Record<string, number[]>, label = runId): Promise<Record<string, { step: number; value: number | null }[]>> {
  const out: Record<string, { step: number; value: number | null }[]> = {};
  for (const [name, steps] of Object.entries(expected)) {
    const points = await readPoints(runId, name);
    assert.deepEqual(points.map((p) => p.step), steps, `${label}: ${name} at every step, once`);
    out[name] = points.map(({ step, value }) => ({ step, value }));
  }
  for (const [name, c] of Object.entries(await metricCounts(runId))) assert.equal(c.rollup, c.points, `${label}: the rollup of ${name} counts each point once`);
  const samples = (await listSamples(runId)).map((s) => s.step);
  assert.equal(new Set(samples).size, samples.length, `${label}: no sample step repeated (${samples})`);
  return out;
}
