import { accessConfig, isHttps, safeNext, sameSecret, sessionCookie, sessionValue } from "../../_server/access";
import { handle, jsonError } from "../../_lib/api";
import { readBodyText } from "../../_lib/body";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** A wrong token costs this long: guessing is slow even for a weak token. */
const FAILURE_DELAY_MS = 750;

/**
 * POST /api/login — form fields (or JSON) `token` and `next`: with the right access token, a
 * session cookie and a 303 to `next` (a path on this server); with a wrong one, back to the
 * sign-in page (a form) or a 401 (JSON).
 */
export const POST = handle(async (req: Request) => {
  const body = await readBodyText(req, 4096);
  if (!body.ok) return body.response;
  const json = (req.headers.get("content-type") ?? "").includes("application/json");
  let fields: { token?: unknown; next?: unknown };
  try {
    fields = json ? (JSON.parse(body.data) as typeof fields) : Object.fromEntries(new URLSearchParams(body.data));
  } catch {
    return jsonError(400, "the body is not valid JSON");
  }
  const next = safeNext(typeof fields.next === "string" ? fields.next : null);
  const { token } = accessConfig();
  const redirect = (to: string, cookie?: string) => new Response(null, { status: 303, headers: { location: to, ...(cookie ? { "set-cookie": cookie } : {}), "cache-control": "no-store" } });
  if (token === null) return json ? Response.json({ ok: true, next }) : redirect(next); // nothing to sign in to
  if (typeof fields.token === "string" && sameSecret(fields.token.trim(), token)) {
    const cookie = sessionCookie(sessionValue(token), isHttps(req));
    return json ? Response.json({ ok: true, next }, { headers: { "set-cookie": cookie } }) : redirect(next, cookie);
  }
  await new Promise((r) => setTimeout(r, FAILURE_DELAY_MS));
  if (json) return jsonError(401, "wrong access token", [{ path: "token", message: "wrong access token" }]);
  return redirect(`/login?${new URLSearchParams({ error: "1", next })}`);
});
