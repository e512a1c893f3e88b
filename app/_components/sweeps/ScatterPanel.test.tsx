import assert from "node:assert/strict";
import { register } from "node:module";
import { test } from "node:test";
import { AppRouterContext } from "next/dist/shared/lib/app-router-context.shared-runtime";
import { renderToStaticMarkup } from "react-dom/server";
import { DEFAULT_SCATTER } from "../../_lib/scatter";
import type { SweepRunLike } from "../../_lib/sweep-parcoords";
import { sweepModel } from "../../_lib/sweep-view";

// the panel's chart legend imports a CSS module (Next bundles it): outside Next, an empty one
const cssLoader = `export const load = (url, context, next) => url.endsWith(".css") ? { format: "module", source: "export default {}", shortCircuit: true } : next(url, context);`;
register(`data:text/javascript,${encodeURIComponent(cssLoader)}`);
const { ScatterPanel } = await import("./ScatterPanel");

// What the scatter says before the first evaluation of a sweep of dropout alone: never dropout
// against dropout (two runs at dropout 0 drew one dot at (0, 0) captioned "2 runs").

const sweep = { metricName: "val_loss", config: { parameters: { dropout: { values: [0, 0.5] } } } };
const run = (id: string, summary: Record<string, number>): SweepRunLike => ({ id, name: id, state: "running", params: { dropout: 0 }, config: { dropout: 0 }, summary });
const router = { push() {}, replace() {}, refresh() {}, back() {}, forward() {}, prefetch() {} };

function rendered(runs: SweepRunLike[]) {
  const html = renderToStaticMarkup(
    <AppRouterContext.Provider value={router as never}>
      <ScatterPanel runs={runs} model={sweepModel(runs, sweep)} settings={DEFAULT_SCATTER} brush={{}} keep={null} colors={new Map()} onSettings={() => {}} onBrush={() => {}} />
    </AppRouterContext.Provider>,
  );
  // each axis's select: the option it shows (the selected one, else the browser's first)
  const shown = (axis: string) => {
    const select = new RegExp(`aria-label="Scatter ${axis}"[^>]*>(.*?)</select>`).exec(html)?.[1] ?? "";
    const options = [...select.matchAll(/<option([^>]*)>(.*?)<\/option>/g)];
    const option = options.find((o) => o[1].includes("selected")) ?? options[0];
    return option ? /value="([^"]*)"/.exec(option[1])![1] : null;
  };
  return { html, x: shown("x"), y: shown("y") };
}

test("only one field (a parameter, no metric logged yet): the panel says so, and no select shows that field on y", () => {
  const { html, x, y } = rendered([run("a", {}), run("b", {})]);
  assert.equal(x, "dropout");
  assert.notEqual(y, "dropout", "y showed dropout: dropout against dropout");
  assert.match(html, /data-testid="scatter-count"[^>]*>0 runs/);
  assert.match(html, /Only dropout has values so far/);
});

test("training metrics but not the sweep's: the parameter against one of them", () => {
  const { x, y } = rendered([run("a", { grad_norm: 1.5, train_loss: 2 }), run("b", { grad_norm: 0.5, train_loss: 1.9 })]);
  assert.deepEqual([x, y], ["dropout", "grad_norm"]);
});
