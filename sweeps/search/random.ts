import { sampleParams } from "./space.ts";
import type { SearchStrategy } from "./types.ts";

// Random search: each configuration drawn independently from the parameters' distributions
// (and categorical probabilities). It never runs out; run_cap ends it.

export const randomSearch: SearchStrategy = ({ space, rng }) => sampleParams(space, rng);
