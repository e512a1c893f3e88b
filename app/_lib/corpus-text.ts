import { jsonError } from "./api";
import { corpusText } from "../../prisma/store";
import { corpusNameProblem } from "../../engine/corpus/names";
import { SHA256_HEADER } from "../../sweeps/agent-corpus";

/** A registered corpus's text as a response: 400 for what cannot be a name, 404 for an unknown one. */
export async function corpusTextResponse(name: string): Promise<Response> {
  const bad = name === "builtin" ? null : corpusNameProblem(name);
  if (bad) return jsonError(400, bad, [{ path: "name", message: bad }]);
  const found = await corpusText(name);
  if (!found) return jsonError(404, `no corpus named "${name}"`);
  return new Response(found.text, {
    headers: { "content-type": "text/plain; charset=utf-8", [SHA256_HEADER]: found.sha256, "cache-control": "no-store", "x-content-type-options": "nosniff" },
  });
}
