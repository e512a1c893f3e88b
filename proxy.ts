import { NextResponse, type NextRequest } from "next/server";
import { checkRequest } from "./app/_server/access";

// The trust boundary is the HTTP edge: every request passes here before any page or route
// runs (app/_server/access.ts decides: host, origin, access token). Static build assets are
// left out; they hold nothing of the user's.

export function proxy(req: NextRequest) {
  const verdict = checkRequest(req);
  if (verdict.ok) return NextResponse.next();
  const path = req.nextUrl.pathname;
  // a person opening a page without a session goes to the sign-in page, and back afterwards
  if (verdict.signIn && req.method === "GET" && !path.startsWith("/api/")) {
    const login = new URL("/login", req.url);
    login.searchParams.set("next", `${path}${req.nextUrl.search}`);
    return NextResponse.redirect(login, 303);
  }
  const headers: Record<string, string> = { "cache-control": "no-store" };
  if (verdict.status === 401) headers["www-authenticate"] = 'Bearer realm="sweeplab"';
  return Response.json({ error: verdict.error, issues: [] }, { status: verdict.status, headers });
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
