import assert from "node:assert/strict";
import test from "node:test";
import type { CompareRun, SeriesTuple } from "./compare-api";
import { runColors } from "./colors";
import { compareViewQuery, parseCompareView } from "./compare-view";
import { curveKey, DASHES, pairByStep, panelGroups, panelSeries, resolvePanel, type PageSettings } from "./panel-shape";
import { formatPanel, matchMetrics, MAX_PANELS, panelMetrics, parsePanel, parsePanels, viewFetch, viewKeys, viewPairs } from "./panels";

const NAMES = ["eval_loss", "grad_norm", "train_loss", "val_acc", "val_loss", "val/f1"];

test("a panel round-trips through its URL form, settings it lacks left out", () => {
  const text = "x:metric:train_loss;y:grad_norm,lr;smooth:ema:0.8;group:run:tags;band:std;log:1;re:val_.*";
  const r = parsePanel(text);
  assert.ok(r.ok);
  assert.deepEqual(r.panel, { x: { metric: "train_loss" }, y: ["grad_norm", "lr"], re: "val_.*", smooth: { kind: "ema", amount: 0.8 }, group: "run:tags", band: "std", log: true });
  assert.equal(formatPanel(r.panel), text);
  const plain = parsePanel("y:val_loss");
  assert.ok(plain.ok);
  assert.deepEqual(plain.panel, { y: ["val_loss"] });
  assert.equal(formatPanel(plain.panel), "y:val_loss");
  // "none" overrides the page: the panel is not smoothed, not grouped, whatever the toolbar says
  const none = parsePanel("x:relative;smooth:none;group:none;log:0;re:a");
  assert.ok(none.ok);
  assert.deepEqual(none.panel, { x: { mode: "relative" }, y: [], re: "a", smooth: { kind: "none", amount: 0 }, group: "none", log: false });
  assert.equal(formatPanel(none.panel), "x:relative;smooth:none;group:none;log:0;re:a");
});

test("the regex is the last field and takes the rest, `;` and `:` included", () => {
  const r = parsePanel("y:lr;re:(train|val);x:step");
  assert.ok(r.ok);
  assert.equal(r.panel.re, "(train|val);x:step");
  assert.equal(r.panel.x, undefined);
});

test("a bad panel is refused with a message naming the field", () => {
  const cases: [string, RegExp][] = [
    ["x:sideways;y:a", /^x: x is step, relative, wall or metric:NAME/],
    ["x:metric:;y:a", /^x: metric names are/],
    ["y:a;smooth:ema:lots", /^smooth: smooth is none/],
    ["y:a;band:wide", /^band: band is minmax, std or none/],
    ["y:a;log:yes", /^log: log is 0 or 1/],
    ["y:a;colour:red", /Unrecognized key: "colour"|unrecognized/i],
    ["x:step", /^y: a panel needs y metrics/],
    ["re:val_(", /^re: not a regular expression: missing closing \)/],
    // RE2: no lookaround, no backreferences (each could only be matched by backtracking)
    ["re:(?!val_).*", /^re: not a regular expression: invalid or unsupported Perl syntax: `\(\?!`/],
    ["re:(val)_\\1", /^re: not a regular expression: invalid escape sequence: `\\1`/],
    ["re:", /^re: an empty regular expression/],
    ["y:a;y:b", /^y is given twice/],
    ["y:a;garbage", /"garbage" is not name:value/],
    ["y:a  b", /^y\.0: metric names are/],
    [`re:${"a".repeat(201)}`, /^re: at most 200 characters/],
  ];
  for (const [text, message] of cases) {
    const r = parsePanel(text);
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.error, message, text);
  }
});

test("bad panels of a URL are left out, each with a message; the good ones kept in order", () => {
  const { panels, errors } = parsePanels(["y:a", "x:nope;y:b", "re:c"]);
  assert.deepEqual(panels.map((p) => formatPanel(p)), ["y:a", "re:c"]);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /^panel 2: x: /);
  const many = parsePanels(Array.from({ length: MAX_PANELS + 2 }, (_, i) => `y:m${i}`));
  assert.equal(many.panels.length, MAX_PANELS);
  assert.match(many.errors[0], /at most 12 custom panels/);
});

test("a regex matches whole metric names, as W&B's `val_.*` means", () => {
  assert.deepEqual(matchMetrics("val_.*", NAMES), ["val_acc", "val_loss"]);
  assert.deepEqual(matchMetrics("(train|val)_loss", NAMES), ["train_loss", "val_loss"]);
  assert.deepEqual(matchMetrics("val.*", NAMES), ["val_acc", "val_loss", "val/f1"]);
  assert.deepEqual(matchMetrics(".*loss", NAMES), ["eval_loss", "train_loss", "val_loss"]);
  assert.deepEqual(matchMetrics("loss", NAMES), []);
  assert.deepEqual(matchMetrics("val_(", NAMES), []); // not a regex: matches nothing, throws nothing
  // named metrics first, then the regex's matches, each once, at most 10
  assert.deepEqual(panelMetrics({ y: ["val_loss", "grad_norm"], re: "val_.*" }, NAMES), { y: ["val_loss", "grad_norm", "val_acc"], more: 0 });
  const lots = Array.from({ length: 14 }, (_, i) => `m${i}`);
  assert.deepEqual(panelMetrics({ y: [], re: "m.*" }, lots), { y: lots.slice(0, 10), more: 4 });
  // classes, counts, alternation and RE2's inline flags
  assert.deepEqual(matchMetrics("[a-z]+_(loss|acc)", NAMES), ["eval_loss", "train_loss", "val_acc", "val_loss"]);
  assert.deepEqual(matchMetrics("(?i)VAL_.{3,4}", NAMES), ["val_acc", "val_loss"]);
  assert.deepEqual(matchMetrics("val/\\w+", NAMES), ["val/f1"]);
});

// A link can carry any pattern, and the page (and the server, for the first render) matches it
// against every metric name. With a backtracking engine, (a+)+! against 128 a's takes longer
// than the universe has existed; on RE2 it is linear in the name. The timeout turns a regression
// into a failure rather than a hung suite.
test("a pathological pattern from a link is matched in time linear in the names", { timeout: 10_000 }, () => {
  const long = ["a".repeat(128), "aaa!", `${"a".repeat(127)}!`];
  assert.deepEqual(matchMetrics("(a+)+!", long), ["aaa!", `${"a".repeat(127)}!`]);
  assert.deepEqual(matchMetrics("(a|a)*b", long), []);
  assert.deepEqual(matchMetrics("(a*)*(a*)*(a*)*c", long), []);
  assert.deepEqual(panelMetrics({ y: [], re: "(.*a){12}!" }, long), { y: [`${"a".repeat(127)}!`], more: 0 });
});

test("the view fetches the plain panels' metrics and each custom panel's x and y", () => {
  const panels = [{ x: { metric: "train_loss" }, y: [], re: "val_.*" }, { y: ["grad_norm"] }];
  assert.deepEqual(viewKeys(["val_loss"], panels, NAMES), ["val_loss", "train_loss", "val_acc", "grad_norm"]);
  // without names (a regex not matched yet) it resolves to nothing
  assert.deepEqual(viewKeys(["val_loss"], panels, null), ["val_loss", "train_loss", "grad_norm"]);
  assert.equal(viewKeys([], [{ y: [], re: "m.*" }], Array.from({ length: 30 }, (_, i) => `m${i}`)).length, 10);
});

test("the view asks for each custom panel's y metrics aligned with its metric on x (pair=y~x), among the keys it fetches", () => {
  const panels = [{ x: { metric: "train_loss" }, y: ["grad_norm"], re: "val_.*" }, { y: ["grad_norm"] }, { x: { mode: "step" as const }, y: ["val_loss"] }, { x: { metric: "grad_norm" }, y: ["grad_norm", "train_loss"] }];
  const keys = viewKeys(["val_loss"], panels, NAMES);
  assert.deepEqual(viewPairs(panels, NAMES, keys), [["grad_norm", "train_loss"], ["val_acc", "train_loss"], ["val_loss", "train_loss"], ["train_loss", "grad_norm"]], "a metric against itself is no pair");
  // without names (a regex not matched yet): the named metrics only
  assert.deepEqual(viewPairs(panels, null, viewKeys(["val_loss"], panels, null)), [["grad_norm", "train_loss"], ["train_loss", "grad_norm"]]);
  // a metric the view does not fetch (past the 20 keys) is paired with nothing
  assert.deepEqual(viewPairs(panels, NAMES, ["val_loss", "grad_norm"]), []);
});

test("the compare view's URL holds its panels compactly and reads them back", () => {
  const q = "runs=abcd1234&metrics=-&panel=x:metric:train_loss;re:val_.*&panel=y:grad_norm;smooth:none;group:cell";
  const v = parseCompareView(new URLSearchParams(q));
  assert.deepEqual(v.metrics, []);
  assert.equal(v.panels.length, 2);
  assert.deepEqual(v.panelErrors, []);
  assert.equal(compareViewQuery(v), q);
  // characters of a regex survive the query string, `+` among them
  const odd = parseCompareView(new URLSearchParams({ panel: "re:^(a|b)+[0-9]{2}$ x#&%" }));
  assert.equal(odd.panels[0].re, "^(a|b)+[0-9]{2}$ x#&%");
  assert.equal(parseCompareView(new URLSearchParams(compareViewQuery(odd))).panels[0].re, "^(a|b)+[0-9]{2}$ x#&%");
  // Next gives repeated parameters as an array
  const rec = parseCompareView({ runs: "abcd1234", panel: ["y:a", "x:bad;y:b"] });
  assert.deepEqual(rec.panels, [{ y: ["a"] }]);
  assert.match(rec.panelErrors[0], /^panel 2: x:/);
});

const tuple = (step: number, value: number | null, t = step / 10): SeriesTuple => [step, value, t];

test("a metric on x pairs the points of the same step; steps without a finite x are left out", () => {
  const x = [tuple(1, 2.0), tuple(2, 1.5), tuple(3, null), tuple(5, 1.0)];
  const y = [tuple(2, 0.9), tuple(3, 0.8), tuple(4, 0.7), tuple(5, 0.6)];
  assert.deepEqual(pairByStep(x, y), [
    { x: 1.5, y: 0.9, t: 0.2 },
    { x: 1.0, y: 0.6, t: 0.5 },
  ]);
});

const run = (id: string, extra: Partial<CompareRun> = {}): CompareRun => ({ id, name: `n-${id}`, state: "finished", sweepId: "swp1", kind: "engine", config: { cell: "lstm" }, params: {}, summary: {}, startedAt: null, tags: [], runGroup: null, ...extra });
const PAGE: PageSettings = { x: "step", smoothing: { kind: "ema", amount: 0.6 }, group: "cell", band: "minmax", log: false };

test("a panel's own settings win over the page's; absent ones follow it", () => {
  const own = resolvePanel({ x: { metric: "train_loss" }, y: [], re: "val_.*", smooth: { kind: "none", amount: 0 }, group: "none", log: true }, PAGE, NAMES);
  assert.equal(own.xMode, "value");
  assert.equal(own.xMetric, "train_loss");
  assert.deepEqual(own.y, ["val_acc", "val_loss"]);
  assert.deepEqual(own.smoothing, { kind: "none", amount: 0 });
  assert.equal(own.group, null);
  assert.equal(own.log, true);
  assert.equal(own.title, "/val_.*/ vs train_loss");
  const follows = resolvePanel({ y: ["val_loss"] }, PAGE, NAMES);
  assert.equal(follows.xMode, "step");
  assert.deepEqual(follows.smoothing, PAGE.smoothing);
  assert.equal(follows.group, "cell");
  assert.equal(follows.title, "val_loss");
});

test("a panel of several metrics: one curve per run and metric, the run's colour, one dash per metric", () => {
  const runs = [run("aaaa"), run("bbbb")];
  const series = { aaaa: { val_loss: [tuple(1, 1)], val_acc: [tuple(1, 0.5)], train_loss: [tuple(1, 2)] }, bbbb: { val_loss: [tuple(1, 3)], train_loss: [tuple(1, 4)] } };
  const panel = resolvePanel({ x: { metric: "train_loss" }, y: [], re: "val_.*" }, PAGE, NAMES);
  const colors = runColors(["aaaa", "bbbb"]);
  const s = panelSeries({ series }, runs, panel, new Map(), colors);
  assert.deepEqual(s.map((c) => c.runId), ["aaaa|val_acc", "bbbb|val_acc", "aaaa|val_loss", "bbbb|val_loss"]);
  assert.deepEqual(s.map((c) => c.name), ["n-aaaa · val_acc", "n-bbbb · val_acc", "n-aaaa · val_loss", "n-bbbb · val_loss"]);
  assert.deepEqual(s.map((c) => c.color), [colors.get("aaaa"), colors.get("bbbb"), colors.get("aaaa"), colors.get("bbbb")]);
  assert.deepEqual(s.map((c) => c.dash), [DASHES[0], DASHES[0], DASHES[1], DASHES[1]]);
  assert.deepEqual(s[2].points, [{ x: 2, y: 1, t: 0.1 }]);
  assert.deepEqual(s[1].points, []);
  // one metric: curves keyed by run, as the plain panels (legend hover highlights them)
  const single = panelSeries({ series }, runs, resolvePanel({ y: ["val_loss"] }, PAGE, NAMES), new Map(), colors);
  assert.deepEqual(single.map((c) => c.runId), ["aaaa", "bbbb"]);
  assert.equal(curveKey("aaaa", "val_loss", false), "aaaa");
});

test("grouping a panel by tag: a run with two tags counts in both groups; per metric with several", () => {
  const runs = [run("aaaa", { tags: ["base", "lr"] }), run("bbbb", { tags: ["lr"] }), run("cccc")];
  const panel = resolvePanel({ y: ["val_loss", "val_acc"], group: "run:tags" }, PAGE, NAMES);
  const groups = panelGroups(runs, panel)!;
  assert.deepEqual(groups.map((g) => g.label), ["tag=base (1) · val_loss", "tag=lr (2) · val_loss", "no tag (1) · val_loss", "tag=base (1) · val_acc", "tag=lr (2) · val_acc", "no tag (1) · val_acc"]);
  assert.deepEqual(groups[1].runIds, ["aaaa|val_loss", "bbbb|val_loss"]);
  assert.deepEqual(groups[3].dash, DASHES[1]);
  assert.equal(panelGroups(runs, resolvePanel({ y: ["val_loss"], group: "none" }, PAGE, NAMES)), null);
});

const VIEW_NAMES = ["eval_loss", "grad_norm", "train_loss", "val_acc", "val_loss"];

test("the server fetches what the page draws: a panel's regex matched against the runs' metric names, as the browser matches it", () => {
  const view = parseCompareView(new URLSearchParams("metrics=train_loss&panel=x:metric:train_loss;re:val_.*&panel=y:grad_norm;re:(val|eval)_loss"));
  const got = viewFetch(view.metrics, view.panels, VIEW_NAMES);
  assert.deepEqual(got, { keys: ["train_loss", "val_acc", "val_loss", "grad_norm", "eval_loss"], pair: [["val_acc", "train_loss"], ["val_loss", "train_loss"]] });
  // the very keys and pairs CompareView computes from the same names
  const keys = viewKeys(view.metrics, view.panels, VIEW_NAMES);
  assert.deepEqual(got.keys, keys);
  assert.deepEqual(got.pair, viewPairs(view.panels, VIEW_NAMES, keys));
  // no regex: the named metrics
  assert.deepEqual(viewFetch(["val_loss"], [{ y: ["grad_norm"] }], VIEW_NAMES), { keys: ["val_loss", "grad_norm"], pair: [] });
});

test("a pathological regex in a link is matched whole, in time linear in the names (RE2): the first render fetches what the page draws", { timeout: 10_000 }, () => {
  // (a+)+! backtracks exponentially, in JavaScript's own engine, on a long name of a's that does not end in !
  const names = [...VIEW_NAMES, "a".repeat(128), "aaaa!"];
  const view = parseCompareView(new URLSearchParams("metrics=val_loss&panel=y:grad_norm;re:(a%2B)%2B!"));
  assert.equal(view.panels[0].re, "(a+)+!");
  assert.deepEqual(viewFetch(view.metrics, view.panels, names), { keys: ["val_loss", "grad_norm", "aaaa!"], pair: [] });
  assert.deepEqual(matchMetrics("val_.*", names), ["val_acc", "val_loss"]);
});
