import { gridValues } from "../config.ts";
import type { Params } from "./space.ts";
import type { SearchStrategy } from "./types.ts";

// Grid search: every combination, in W&B's order (parameters sorted by name, the last one
// varying fastest). Configuration i is the mixed-radix decoding of i, so it needs no history.

export const gridSearch: SearchStrategy = ({ space, configIndex }) => {
  const axes = space.map((dim) => ({ name: dim.name, values: gridValues(dim.spec) ?? [] }));
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (configIndex >= total) return null;
  const params: Params = {};
  let rest = configIndex;
  for (let d = axes.length - 1; d >= 0; d--) {
    const { name, values } = axes[d];
    params[name] = values[rest % values.length];
    rest = Math.floor(rest / values.length);
  }
  // keep the parameters in sorted order for readability
  return Object.fromEntries(axes.map((a) => [a.name, params[a.name]]));
};
