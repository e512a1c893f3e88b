import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LARGEST_BODY, nestingDepth, readBodyText, readJsonBody } from "./body";

// Bodies are read with a byte limit while they stream: the reader stops pulling at the limit.

/** A request whose body is `chunks` chunks of `size` bytes, counting how many were pulled. */
function streamed(chunks: number, size: number, headers: Record<string, string> = {}) {
  const pulled = { n: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.n >= chunks) return controller.close();
      pulled.n++;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
  return { req: new Request("http://x/", { method: "POST", body, headers, duplex: "half" } as RequestInit), pulled };
}

describe("request bodies", () => {
  it("a body over the limit is a 413 after reading just past the limit, not the whole of it", async () => {
    const { req, pulled } = streamed(10_000, 64 * 1024); // 640 MB if read whole
    const res = await readBodyText(req, 256 * 1024);
    assert.equal(res.ok, false);
    if (!res.ok) {
      assert.equal(res.response.status, 413);
      const body = (await res.response.json()) as { error: string; issues: { path: string }[] };
      assert.match(body.error, /larger than 256 KiB/);
      assert.equal(body.issues[0].path, "body");
    }
    assert.ok(pulled.n <= 6, `pulled ${pulled.n} chunks`);
  });

  it("a declared Content-Length over the limit is refused before reading", async () => {
    const { req, pulled } = streamed(10, 1024, { "content-length": String(600 * 1024 * 1024) });
    const res = await readBodyText(req, 1024);
    assert.equal(res.ok ? 0 : res.response.status, 413);
    assert.equal(pulled.n, 0);
  });

  it("bytes that are not UTF-8 are a 400 naming the field", async () => {
    const req = new Request("http://x/", { method: "POST", body: new Uint8Array([0x68, 0x69, 0xff, 0xfe]) });
    const res = await readBodyText(req, 1024, { field: "text" });
    assert.equal(res.ok, false);
    if (!res.ok) {
      assert.equal(res.response.status, 400);
      assert.equal(((await res.response.json()) as { issues: { path: string }[] }).issues[0].path, "text");
    }
  });

  it("a JSON document nested thousands deep is a 400 before it is parsed", async () => {
    const deep = `{"a":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const res = await readJsonBody(new Request("http://x/", { method: "POST", body: deep }), 1 << 20);
    assert.equal(res.ok ? 0 : res.response.status, 400);
    const fine = await readJsonBody(new Request("http://x/", { method: "POST", body: '{"a":[[1]],"b":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}' }), 1 << 20);
    assert.equal(fine.ok, true, "brackets inside strings do not count");
  });

  it("Next's copy of a body (proxy.ts runs first) is larger than any body a route accepts, so a cut body is never taken for a whole one", async () => {
    const { CORPUS_MAX_BYTES } = await import("../../prisma/store/corpora");
    // @ts-expect-error: next.config.js is plain JavaScript, typed by a JSDoc comment only
    const nextConfig = (await import("../../next.config.js")).default as { experimental: { proxyClientMaxBodySize: number } };
    assert.ok(LARGEST_BODY >= CORPUS_MAX_BYTES);
    assert.ok(nextConfig.experimental.proxyClientMaxBodySize > LARGEST_BODY);
  });

  it("nesting depth: JSON exactly, YAML flow collections and compact sequences", () => {
    assert.equal(nestingDepth('{"a": [1, {"b": "]]]"}]}'), 3);
    assert.equal(nestingDepth('{"a": "\\"[[["}'), 1);
    assert.equal(nestingDepth("parameters:\n  x: {values: [1, 2]}\n"), 2);
    assert.equal(nestingDepth("x:\n  - - - - 1\n"), 4);
    assert.equal(nestingDepth("note: it's [fine]\n"), 1, "an apostrophe inside a plain scalar opens no string");
  });
});
