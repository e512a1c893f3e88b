import crypto from "node:crypto";
import { corpusNameProblem } from "../engine/corpus/names";
import { Servers } from "./agent";

// A remote agent's corpora: the text of a run's `corpus` comes from the server, by name
// (GET /api/agent/corpus/:name), checked against the sha256 the server sends with it, and kept
// in memory for the agent's next runs (a name always means the same text). The agent never
// opens a path that came from the server.

export const SHA256_HEADER = "x-sweeplab-sha256";

export function serverCorpora(options: { server: string | Servers; credential: string; timeoutMs?: number }): (name: string) => Promise<string> {
  const servers = Servers.of(options.server);
  const cache = new Map<string, Promise<string>>();
  const fetchText = async (name: string): Promise<string> => {
    const bad = corpusNameProblem(name);
    if (bad) throw new Error(`corpus: ${bad}`);
    const res = await servers.fetch(`/api/agent/corpus/${encodeURIComponent(name)}`, () => ({
      headers: { authorization: `Bearer ${options.credential}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
    }));
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: string } | null;
      throw new Error(`corpus "${name}": the server answered ${res.status}: ${body?.error ?? res.statusText}`);
    }
    const text = await res.text();
    const sha = crypto.createHash("sha256").update(text, "utf8").digest("hex");
    if (sha !== res.headers.get(SHA256_HEADER)) throw new Error(`corpus "${name}": the text received does not match its sha256 (${res.headers.get(SHA256_HEADER) ?? "none sent"})`);
    return text;
  };
  return (name) => {
    let text = cache.get(name);
    if (!text) {
      text = fetchText(name);
      cache.set(name, text);
      text.catch(() => cache.delete(name)); // a failure is not remembered: the next run asks again
    }
    return text;
  };
}
