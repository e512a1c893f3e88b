import { accessConfig } from "../../_server/access";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/session — answers only when the request got past the access check (proxy.ts): then it is signed in. */
export function GET(): Response {
  return Response.json({ signedIn: true, tokenRequired: accessConfig().token !== null }, { headers: { "cache-control": "no-store" } });
}
