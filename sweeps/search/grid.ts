import { gridValues, valueKey, type ParamSpec, type SweepParamSpec } from "../config.ts";
import { expandBranches } from "../tree.ts";
import type { Params } from "./space.ts";
import type { SearchStrategy } from "./types.ts";

// Grid search as W&B's grid_search.py runs it: every combination of the parameters' values
// (names sorted, the last one varying fastest; repeated values once), skipping combinations a
// run of the sweep already has, so the next run is the first combination not yet seen. Values
// are compared as W&B hashes them (valueKey: 3000000 = 3000000.0, true ≠ 1, mappings by their
// keys and values whatever the order), and a mapping value a run extended with keys of its own
// still counts as its grid point.

interface Axis {
  name: string;
  values: unknown[];
  index: Map<string, number>;
  /** for mapping values: the keys the grid's values use (others are ignored when matching runs) */
  knownKeys: Set<string> | null;
}

function axesOf(specs: Record<string, ParamSpec>): Axis[] {
  return Object.keys(specs)
    .sort()
    .map((name) => {
      const values = gridValues(specs[name]) ?? [];
      const objects = values.filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v));
      return {
        name,
        values,
        index: new Map(values.map((v, i) => [valueKey(v), i])),
        knownKeys: objects.length > 0 ? new Set(objects.flatMap((o) => Object.keys(o))) : null,
      };
    });
}

/** The combination number a run's params stand for (mixed radix, last axis fastest), or null when they are not a grid point. */
function combinationOf(axes: Axis[], params: Params): number | null {
  let code = 0;
  for (const axis of axes) {
    if (!(axis.name in params)) return null;
    let v = (params as Record<string, unknown>)[axis.name];
    if (axis.knownKeys && typeof v === "object" && v !== null && !Array.isArray(v))
      v = Object.fromEntries(Object.entries(v).filter(([k]) => axis.knownKeys!.has(k)));
    const i = axis.index.get(valueKey(v));
    if (i === undefined) return null;
    code = code * axis.values.length + i;
  }
  return code;
}

/** The parameters of combination `code`. */
function combination(axes: Axis[], code: number): Params {
  const params: Record<string, unknown> = {};
  for (let d = axes.length - 1; d >= 0; d--) {
    const { name, values } = axes[d];
    params[name] = values[code % values.length];
    code = Math.floor(code / values.length);
  }
  return Object.fromEntries(axes.map((a) => [a.name, params[a.name]])) as Params;
}

// A tree of choices (sweeps/tree.ts) is the grids of its branches one after another: the
// grid points are numbered through the first branch's grid, then the second's, and so on.

interface TreeGrid {
  axes: Axis[][];
  /** first combination number of each branch */
  offsets: number[];
  total: number;
}

function treeGrid(specs: Record<string, SweepParamSpec>): TreeGrid {
  const axes = (expandBranches(specs) ?? []).map((b) => axesOf(b.specs));
  const offsets: number[] = [];
  let total = 0;
  for (const a of axes) {
    offsets.push(total);
    total += a.reduce((n, axis) => n * axis.values.length, 1);
  }
  return { axes, offsets, total };
}

function treeCombinationOf(grid: TreeGrid, params: Params): number | null {
  for (let b = 0; b < grid.axes.length; b++) {
    const code = combinationOf(grid.axes[b], params);
    if (code !== null) return grid.offsets[b] + code;
  }
  return null;
}

function treeCombination(grid: TreeGrid, code: number): Params {
  let b = grid.offsets.length - 1;
  while (grid.offsets[b] > code) b--;
  return combination(grid.axes[b], code - grid.offsets[b]);
}

/** The number of distinct grid points (of a tree: the sum over its branches). */
export function gridSize(specs: Record<string, SweepParamSpec>): number {
  return treeGrid(specs).total;
}

/**
 * The first grid point (in W&B's order) that none of `seen` has, or null when every point has
 * been run. Parameter names are free: W&B's own grid tests run against this.
 */
export function nextGridPoint(specs: Record<string, SweepParamSpec>, seen: readonly Params[]): Params | null {
  const grid = treeGrid(specs);
  const taken = new Set<number>();
  for (const params of seen) {
    const code = treeCombinationOf(grid, params);
    if (code !== null) taken.add(code);
  }
  for (let code = 0; code < grid.total; code++) if (!taken.has(code)) return treeCombination(grid, code);
  return null;
}

/**
 * The configuration numbered `configIndex` when no run has it yet, else the first grid point no
 * run has. In a sweep proposed by one process the two are the same point (W&B's order); when
 * two processes propose at once (a shared sweep: the server and `npm run sweep --share`), each
 * has reserved its own index but neither sees the other's new run yet, and the index keeps
 * them on different points.
 */
export const gridSearch: SearchStrategy = ({ config, trials, configIndex }) => {
  const seen = trials.filter((t) => !t.unknown).map((t) => t.params);
  const grid = treeGrid(config.parameters);
  if (configIndex < grid.total) {
    const taken = new Set(seen.map((params) => treeCombinationOf(grid, params)));
    if (!taken.has(configIndex)) return treeCombination(grid, configIndex);
  }
  // a point the grid's own order left free; not one that an index reserved by another process
  // (its run not seen yet) is taking at this moment
  // (trials are numbered by run, `replicates` runs to a configuration)
  const reserved = trials.flatMap((t, i) => {
    const index = Math.floor(i / config.replicates);
    return t.unknown && index < grid.total ? [treeCombination(grid, index)] : [];
  });
  return nextGridPoint(config.parameters, [...seen, ...reserved]);
};
