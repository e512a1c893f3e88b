import { gpSearch } from "./gp-search.ts";
import { tpeSearch } from "./tpe.ts";
import type { SearchStrategy } from "./types.ts";

// method: bayes. The model is a Gaussian process with expected improvement (gp-search.ts), as
// in W&B; `bayes_model: tpe` (a Sweeplab key) selects the Tree-structured Parzen Estimator
// (tpe.ts) instead. `npm run bench -- search` measures both beside random search and W&B.

export const BAYES_MODELS = { gp: gpSearch, tpe: tpeSearch } as const;

export const bayesSearch: SearchStrategy = (ctx) => BAYES_MODELS[ctx.config.bayes_model ?? "gp"](ctx);
