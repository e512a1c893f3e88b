import { testDatabaseUrl } from "../testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { BUILTIN_CORPUS } from "../../engine/corpus/builtin";
import { corpusText, disconnectPrisma, getCorpus, knownCorpora, listCorpora, registerCorpus, registeredCorpusText, registerLocalCorpus, sha256Hex } from "./index";

// The corpus registry against a real SQLite file: names never change their text.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-corpora-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "corpora.db"));
after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("corpus registry", () => {
  it("lists the builtin corpus first, with its real size and hash", async () => {
    const [builtin] = await listCorpora();
    assert.deepEqual([builtin.name, builtin.builtin, builtin.sha256, builtin.size], ["builtin", true, sha256Hex(BUILTIN_CORPUS), Buffer.byteLength(BUILTIN_CORPUS)]);
    assert.equal((await corpusText("builtin"))?.text, BUILTIN_CORPUS);
  });

  it("counts characters as code points and bytes as UTF-8", async () => {
    const text = "naïve 😀 text\n".repeat(10);
    const r = await registerCorpus("unicode", text);
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual([r.corpus.size, r.corpus.chars], [Buffer.byteLength(text), Array.from(text).length]);
  });

  it("a local file is registered under its file name, or its name plus its hash when that name holds another text", async () => {
    const a = await registerLocalCorpus("/home/me/data/My Text.txt", "first text ".repeat(10));
    assert.equal(a.name, "My-Text.txt");
    assert.equal((await registerLocalCorpus("/elsewhere/My Text.txt", "first text ".repeat(10))).name, "My-Text.txt", "the same text: the same name");
    const b = await registerLocalCorpus("/tmp/My Text.txt", "second text ".repeat(10));
    assert.equal(b.name, `My-Text.txt-${sha256Hex("second text ".repeat(10)).slice(0, 12)}`);
    assert.equal((await registerLocalCorpus("../../..", "dots ".repeat(10))).name, "corpus");
    assert.equal((await registerLocalCorpus("./builtin", "not the shipped one")).name, "builtin-file");
  });

  it("never looks up what is not a name, and says why a run cannot have its text", async () => {
    assert.equal(await getCorpus("../My-Text.txt"), null);
    assert.equal(await corpusText("/etc/passwd"), null);
    assert.deepEqual([...(await knownCorpora(["builtin", "My-Text.txt", "nope", "/etc/passwd"]))].sort(), ["My-Text.txt", "builtin"]);
    await assert.rejects(registeredCorpusText("/etc/passwd"), /is a file path/);
    await assert.rejects(registeredCorpusText("nope"), /no corpus named "nope" is registered/);
    assert.equal(await registeredCorpusText("My-Text.txt"), "first text ".repeat(10));
  });
});
