import { isHttps, sessionCookie } from "../../_server/access";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** POST /api/logout — clears the session cookie, then the sign-in page. */
export function POST(req: Request): Response {
  return new Response(null, { status: 303, headers: { location: "/login", "set-cookie": sessionCookie("", isHttps(req)), "cache-control": "no-store" } });
}
