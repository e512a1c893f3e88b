import assert from "node:assert/strict";
import { test } from "node:test";
import { renderToStaticMarkup } from "react-dom/server";
import type { SweepRunLike } from "../../_lib/sweep-parcoords";
import { HistogramPanel } from "./HistogramPanel";

// The panel's words and its metric <select> name the same metric: before the first evaluation
// the sweep's metric (val_loss) is drawn while the runs' summaries hold only training metrics.

const run = (id: string, summary: Record<string, number>): SweepRunLike => ({ id, name: id, state: "running", params: { dropout: 0 }, config: { dropout: 0 }, summary });
const runs = [run("a", { grad_norm: 1.5, train_loss: 2.1 }), run("b", { grad_norm: 0.7, train_loss: 1.9 })];

/** The panel as the server renders it: its title's words and the option its select shows. */
function rendered(metric: string, metrics: string[]) {
  const html = renderToStaticMarkup(<HistogramPanel runs={runs} metrics={metrics} metric={metric} selection={null} selectionLabel="brushed runs" onMetric={() => {}} />);
  const options = [...html.matchAll(/<option([^>]*)>([^<]*)<\/option>/g)].map((m) => ({ value: /value="([^"]*)"/.exec(m[1])?.[1], selected: m[1].includes("selected"), text: m[2] }));
  return { html, options, shown: options.find((o) => o.selected)?.value ?? options[0]?.value };
}

test("a metric no run has yet: the select shows it (as an option), as the words do, and the runs' metrics stay pickable", () => {
  const { html, options, shown } = rendered("val_loss", ["grad_norm", "train_loss"]);
  assert.match(html, /0 runs with a val_loss/);
  assert.match(html, /No run has a val_loss/);
  assert.equal(shown, "val_loss", "the select showed grad_norm, the first option, beside words about val_loss");
  assert.deepEqual(options.map((o) => o.value).sort(), ["grad_norm", "train_loss", "val_loss"]);
});

test("a metric among the runs' metrics: no extra option, that one selected", () => {
  const { options, shown } = rendered("train_loss", ["grad_norm", "train_loss"]);
  assert.equal(shown, "train_loss");
  assert.deepEqual(options.map((o) => o.value), ["grad_norm", "train_loss"]);
});
