import assert from "node:assert/strict";
import test from "node:test";
import type { CompareResponse, CompareRun } from "./compare-api";
import { PALETTE, runColors } from "./colors";
import { colorKeys, distinctDigits, groupableKeys, groupsFor, groupTitle, keysDrawn, markColors, markGroups, seriesFor, shownRunIds } from "./compare-shape";
import { compareViewQuery, parseCompareView } from "./compare-view";

const run = (id: string, cell: string, lr: number): CompareRun => ({ id, name: `n-${id}`, state: "finished", sweepId: null, kind: "engine", config: { cell, learning_rate: lr, seed: 1 }, params: {}, summary: {}, startedAt: "2026-01-01T00:00:00.000Z", tags: [], runGroup: null });
const runs = [run("aaaa", "lstm", 0.1), run("bbbb", "rnn", 0.1), run("cccc", "lstm", 0.01)];

test("groups by a config key, in value order, with counts in the label", () => {
  const g = groupsFor(runs, "cell");
  assert.deepEqual(g.map((x) => x.key), ["cell=lstm", "cell=rnn"]);
  assert.deepEqual(g[0].runIds, ["aaaa", "cccc"]);
  assert.equal(g[0].label, "cell=lstm (2)");
  assert.deepEqual(groupsFor(runs, "learning_rate").map((x) => x.label), ["learning_rate=0.01 (1)", "learning_rate=0.1 (2)"]);
});

test("groupable keys are those that vary", () => {
  assert.deepEqual(groupableKeys(runs), ["cell", "learning_rate"]);
});

test("series carry step, value and time, the run's start for wall time, and the view's colours", () => {
  const data: CompareResponse = { runs, names: ["val_loss"], missing: [], series: { aaaa: { val_loss: [[1, 2, 0.5]] } } };
  const s = seriesFor(data, "val_loss", new Map([["aaaa", "lstm"]]), runColors(runs.map((r) => r.id)));
  assert.deepEqual(s.map((x) => x.color), PALETTE.slice(0, 3));
  assert.deepEqual(s[0].points, [{ x: 1, y: 2, t: 0.5 }]);
  assert.equal(s[0].name, "lstm");
  assert.equal(s[0].startedAt, Date.parse("2026-01-01T00:00:00.000Z"));
  assert.deepEqual(s[1].points, []);
});

// One colour assignment for the view: the legend's keys (groups, or runs), the curves and the
// scatter's points all take their colours from colorKeys.
test("grouped, every run's mark takes its group's colour, the colour of the group's curve and legend item", () => {
  const colors = runColors(runs.map((r) => r.id));
  const groups = groupsFor(runs, "cell");
  const keys = colorKeys(runs, new Map(), colors, groups);
  assert.deepEqual(keys.map((k) => [k.key, k.name, k.color]), groups.map((g) => [g.key, g.label, g.color]));
  const marks = markColors(keys, new Set());
  assert.deepEqual([...marks], [["aaaa", groups[0].color], ["cccc", groups[0].color], ["bbbb", groups[1].color]]);
  // the group colours are not the runs' own (bbbb would be PALETTE[1] either way: cccc is what tells)
  assert.notEqual(marks.get("cccc"), colors.get("cccc"));
  // seriesFor with the same marks: ungrouped or not, curves and points agree
  const data: CompareResponse = { runs, names: ["val_loss"], missing: [], series: {} };
  assert.deepEqual(seriesFor(data, "val_loss", new Map(), marks).map((s) => [s.runId, s.color]), runs.map((r) => [r.id, marks.get(r.id)]));
});

test("ungrouped, the keys are the runs with their own colours, names and early ends", () => {
  const colors = runColors(runs.map((r) => r.id));
  const pruned = [runs[0], { ...runs[1], state: "pruned" as const }];
  const keys = colorKeys(pruned, new Map([["aaaa", "n-aaaa · lstm"]]), colors, null);
  assert.deepEqual(keys, [
    { key: "aaaa", name: "n-aaaa · lstm", color: PALETTE[0], runIds: ["aaaa"], end: undefined },
    { key: "bbbb", name: "n-bbbb", color: PALETTE[1], runIds: ["bbbb"], end: "pruned" },
  ]);
  assert.deepEqual(markColors(keys, new Set()), new Map([["aaaa", PALETTE[0]], ["bbbb", PALETTE[1]]]));
});

test("a run under several keys (tags) takes the first one shown; hidden keys hide their runs", () => {
  const tagged = [{ ...runs[0], tags: ["a", "b"] }, { ...runs[1], tags: ["b"] }, { ...runs[2], tags: [] }];
  const groups = groupsFor(tagged, "run:tags");
  const keys = colorKeys(tagged, new Map(), runColors([]), groups);
  const [a, b] = keys;
  assert.equal(markColors(keys, new Set()).get("aaaa"), a.color);
  assert.equal(markColors(keys, new Set([a.key])).get("aaaa"), b.color);
  assert.equal(shownRunIds(keys, new Set()), null);
  // (cccc has no tag: the "no tag" group)
  assert.deepEqual(shownRunIds(keys, new Set([a.key])), new Set(["aaaa", "bbbb", "cccc"]));
  assert.deepEqual(shownRunIds(keys, new Set([b.key])), new Set(["aaaa", "cccc"]));
  assert.deepEqual(shownRunIds(keys, new Set([a.key, b.key])), new Set(["cccc"]));
});

// Runs without a value for the key (a program's runs among engine runs grouped by cell, runs
// without a run group or tag): one group, named "no <key>" wherever a group is named, listed last.
test("the runs without the grouping key form one group, 'no cell', listed last", () => {
  const program: CompareRun = { ...runs[0], id: "pppp", kind: "program", config: { lr: 0.1 } };
  const nulled: CompareRun = { ...runs[0], id: "qqqq", config: { cell: null } };
  // "rnn" sorts after "null" as JSON: the unset group must still come last
  const g = groupsFor([program, ...runs, nulled], "cell");
  assert.deepEqual(g.map((x) => x.label), ["cell=lstm (2)", "cell=rnn (1)", "no cell (2)"]);
  assert.deepEqual(g[2].runIds, ["pppp", "qqqq"]);
  assert.equal(g[2].title, "no cell");
  // its key is what the URL's hidden list has always held for it
  assert.equal(g[2].key, "cell=null");
  // numbers in order, then the unset group
  assert.deepEqual(groupsFor([program, ...runs], "learning_rate").map((x) => x.title), ["learning_rate=0.01", "learning_rate=0.1", "no learning_rate"]);
  // run groupings name it by the grouping's name
  assert.deepEqual(groupsFor(runs, "run:group").map((x) => x.label), ["no run group (3)"]);
  assert.deepEqual(groupsFor([{ ...runs[0], tags: ["a"] }, runs[1]], "run:tags").map((x) => x.label), ["tag=a (1)", "no tag (1)"]);
  assert.equal(groupTitle("run:sweep", null), "no sweep");
  assert.equal(groupTitle("opt", { name: "adam" }), 'opt={"name":"adam"}');
});

test("grouped, each run's mark is named by the group its colour comes from; ungrouped, by none", () => {
  const tagged = [{ ...runs[0], tags: ["a", "b"] }, { ...runs[1], tags: ["b"] }, { ...runs[2], tags: [] }];
  const keys = colorKeys(tagged, new Map(), runColors([]), groupsFor(tagged, "run:tags"));
  const names = markGroups(keys, new Set())!;
  assert.deepEqual([...names], [["aaaa", "tag=a"], ["bbbb", "tag=b"], ["cccc", "no tag"]]);
  // tag a hidden: aaaa takes tag b's colour, and its name with it
  const hidden = new Set([keys[0].key]);
  assert.equal(markGroups(keys, hidden)!.get("aaaa"), "tag=b");
  assert.equal(markColors(keys, hidden).get("aaaa"), keys[1].color);
  assert.equal(markGroups(colorKeys(runs, new Map(), runColors([]), null), new Set()), null);
});

// Values that read alike once unquoted (the string "null" and no value, "0.1" and 0.1, "" and
// nothing): each value its own group, with its own key (hiding one hides only it) and a name that
// tells them apart: a string that would read as another value, or is empty, in JSON quotes.
test("every distinct value is its own group: the string 'null' is not the missing value, '' is shown as \"\"", () => {
  const withCell = (id: string, cell: unknown): CompareRun => ({ ...runs[0], id, config: cell === undefined ? { seed: 1 } : { cell, seed: 1 } });
  const mixed = [withCell("s1", "null"), withCell("m1", undefined), withCell("e1", ""), withCell("n1", 0.1), withCell("t1", "0.1"), withCell("l1", "lstm"), withCell("b1", true), withCell("u1", null)];
  const g = groupsFor(mixed, "cell");
  assert.equal(g.length, 7);
  assert.equal(new Set(g.map((x) => x.key)).size, 7);
  const by = (id: string) => g.find((x) => x.runIds.includes(id))!;
  assert.deepEqual(by("m1").runIds, ["m1", "u1"]);
  assert.deepEqual([by("s1").title, by("m1").title, by("e1").title, by("n1").title, by("t1").title, by("l1").title, by("b1").title], ['cell="null"', "no cell", 'cell=""', "cell=0.1", 'cell="0.1"', "cell=lstm", "cell=true"]);
  // the keys of ordinary values, and of the runs without one, are the ones old links hold
  assert.deepEqual([by("m1").key, by("n1").key, by("l1").key, by("b1").key], ["cell=null", "cell=0.1", "cell=lstm", "cell=true"]);
  // hiding one hides only its runs
  const keys = colorKeys(mixed, new Map(), runColors([]), g);
  assert.deepEqual(shownRunIds(keys, new Set([by("s1").key])), new Set(mixed.map((r) => r.id).filter((id) => id !== "s1")));
  // and every key survives the URL's hidden list (and so a saved view)
  const hidden = g.map((x) => x.key);
  assert.deepEqual(parseCompareView(new URLSearchParams(compareViewQuery({ ...parseCompareView({ runs: "abcd1234" }), group: "cell", hidden }))).hidden, hidden);
});

test("a key the runs either have with one value or lack tells them apart: it is offered", () => {
  const program: CompareRun = { ...runs[0], id: "pppp", kind: "program", config: { lr: 0.1 } };
  // cell and learning_rate vary; seed is 1 on every engine run and missing on the program's; lr only on the program's
  assert.deepEqual(groupableKeys([...runs, program]), ["cell", "learning_rate", "lr", "seed"]);
  // one value on every run, or null where it is missing: one group, not offered
  assert.deepEqual(groupableKeys([runs[0], { ...runs[2], config: { ...runs[2].config, cell: "lstm" } }]), ["learning_rate"]);
  assert.deepEqual(groupableKeys([runs[0], { ...runs[0], id: "zzzz", config: { ...runs[0].config, cell: null } }]).includes("cell"), true);
});

test("a chart's legend lists the keys it draws marks of: a group none of whose runs has a point is left out", () => {
  const program: CompareRun = { ...runs[0], id: "pppp", kind: "program", config: { lr: 0.1 } };
  const keys = colorKeys([...runs, program], new Map(), runColors([]), groupsFor([...runs, program], "cell"));
  // points of aaaa (lstm) and pppp (no cell): rnn has none
  assert.deepEqual(keysDrawn(keys, new Set(["aaaa", "pppp"])).map((k) => k.name), ["cell=lstm (2)", "no cell (1)"]);
  assert.deepEqual(keysDrawn(keys, new Set()), []);
  // ungrouped, the runs with a point
  assert.deepEqual(keysDrawn(colorKeys(runs, new Map(), runColors([]), null), new Set(["bbbb"])).map((k) => k.key), ["bbbb"]);
});

test("a string is quoted in a group's name exactly when JSON would read it as another value, or it is empty or starts or ends in white space", () => {
  const reads = (s: string) => {
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  };
  const strings = ["lstm", "null", "nullable", "true", "tanh", "false", "0.1", "-0.5", "1e-4", "1.2.3", " 1", "1 ", "1,234", "[64]", "[64", '"a"', '"a', "{}", "{a", "", " ", "x y", "NaN", "Infinity", "0x10"];
  for (const s of strings) assert.equal(groupTitle("cell", s), `cell=${s.trim() !== s || s === "" || reads(s) ? JSON.stringify(s) : s}`, JSON.stringify(s));
});

// Numbers are named at 3 significant digits, and at more where two groups would read alike there:
// learning rates 0.1 and 0.1004 were two groups both named "learning_rate=0.1" in two colours.
test("numeric groups that read alike at 3 digits are named at the fewest digits that tell them apart; their keys are as before", () => {
  const lrs = [0.1, 0.1004, 0.2, 0.01];
  const g = groupsFor(lrs.map((lr, i) => run(`r${i}`, "lstm", lr)), "learning_rate");
  assert.deepEqual(g.map((x) => x.title), ["learning_rate=0.01", "learning_rate=0.1", "learning_rate=0.1004", "learning_rate=0.2"]);
  assert.deepEqual(g.map((x) => x.label), ["learning_rate=0.01 (1)", "learning_rate=0.1 (1)", "learning_rate=0.1004 (1)", "learning_rate=0.2 (1)"]);
  // the keys (the URL's hidden list, saved views) spell the value as JSON does, as they always have
  assert.deepEqual(g.map((x) => x.key), ["learning_rate=0.01", "learning_rate=0.1", "learning_rate=0.1004", "learning_rate=0.2"]);
  // values apart at 3 digits keep 3 (0.12345 → 0.123), even beside a value with more digits
  assert.deepEqual(groupsFor([run("a", "lstm", 0.12345), run("b", "lstm", 0.5)], "learning_rate").map((x) => x.title), ["learning_rate=0.123", "learning_rate=0.5"]);
  // one number of digits for the key: every group at the fewest that tell each pair apart
  assert.deepEqual(groupsFor([run("a", "lstm", 0.123456), run("b", "lstm", 0.123457), run("c", "lstm", 0.5)], "learning_rate").map((x) => x.title), ["learning_rate=0.123456", "learning_rate=0.123457", "learning_rate=0.5"]);
  // in exponent notation too, and an integer beside a fraction that rounds to it
  assert.deepEqual(groupsFor([run("a", "lstm", 1e-4), run("b", "lstm", 1.0002e-4)], "learning_rate").map((x) => x.title), ["learning_rate=1e-4", "learning_rate=1.0002e-4"]);
  assert.deepEqual(groupsFor([run("a", "lstm", 1), run("b", "lstm", 1.0001)], "learning_rate").map((x) => x.title), ["learning_rate=1", "learning_rate=1.0001"]);
});

test("distinct digits: at least 3, at most the shortest round-trip spelling, whatever the values", () => {
  assert.equal(distinctDigits([]), 3);
  assert.equal(distinctDigits([0.1, 0.1]), 3);
  assert.equal(distinctDigits([0.1, 0.1004]), 4);
  // neighbouring doubles: 17 digits, and each still named by its shortest round-trip spelling
  const next = 0.1 + 2 ** -56;
  assert.notEqual(next, 0.1);
  assert.equal(distinctDigits([0.1, next]), 17);
  assert.deepEqual(groupsFor([run("a", "lstm", 0.1), run("b", "lstm", next)], "learning_rate").map((x) => x.title), ["learning_rate=0.1", `learning_rate=${next}`]);
  for (let i = 0; i < 200; i++) {
    const values = Array.from({ length: 5 }, () => Number((Math.random() * 10 ** (Math.floor(Math.random() * 8) - 4)).toPrecision(1 + Math.floor(Math.random() * 17))));
    const titles = groupsFor(values.map((v, j) => run(`r${j}`, "lstm", v)), "learning_rate").map((x) => x.title);
    assert.equal(new Set(titles).size, new Set(values).size, JSON.stringify(values));
  }
});
