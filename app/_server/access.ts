import crypto from "node:crypto";

// Who may talk to this server, decided once per request by proxy.ts (before any page or
// route runs). Three checks, in order:
//
//  1. Host: the request must name a host this server serves — localhost, 127.0.0.1, [::1],
//     the address it listens on, and the names in SWEEPLAB_ALLOWED_HOSTS. A web page that
//     re-points its own domain at 127.0.0.1 (DNS rebinding) sends its own name and is refused.
//  2. Origin: a request that can change something (not GET/HEAD/OPTIONS) coming from a page
//     of another origin is refused, whatever its content type (text/plain needs no CORS
//     preflight, so only this check stops a cross-site POST).
//  3. Access token: when SWEEPLAB_ACCESS_TOKEN is set — and it must be when the server
//     listens beyond loopback (HOST=0.0.0.0) — every page and API call needs either the
//     session cookie the login page sets or `Authorization: Bearer <token>`. Agents keep
//     their own bearer token on /api/agent/* (SWEEPLAB_AGENT_TOKEN, checked by the route).
//
// Secrets are compared in constant time (sameSecret); the session cookie is an issue time
// and an HMAC-SHA256 of it keyed by the token (node:crypto), HttpOnly and SameSite=Strict,
// valid for SESSION_MAX_AGE_S or until the token changes. Nothing here touches the database,
// so the module is cheap enough to run on every request.

export const SESSION_COOKIE = "sweeplab_session";
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;
export const TOKEN_MIN_LENGTH = 16;
const DEFAULT_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

/** Two secrets are equal; the time taken does not depend on where (or whether) they differ. */
export function sameSecret(given: string, expected: string): boolean {
  const a = crypto.createHash("sha256").update(given, "utf8").digest();
  const b = crypto.createHash("sha256").update(expected, "utf8").digest();
  return crypto.timingSafeEqual(a, b) && given.length === expected.length;
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(req: Request): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "");
  return m ? m[1] : null;
}

/** A hostname as compared: lower case, IPv6 in brackets, no port. */
export function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  if (h.split(":").length > 2) return `[${h}]`; // a bare IPv6 address
  return h.split(":")[0];
}

const isLoopback = (hostname: string) => /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === "[::1]" || hostname === "localhost";
const ANY_ADDRESS = new Set(["0.0.0.0", "[::]", ""]);

export interface AccessConfig {
  /** The access token, or null when none is needed. */
  token: string | null;
  /** The address the server listens on, as far as it can tell. */
  listen: string;
  beyondLoopback: boolean;
  /** Hostnames requests may name (Host header). */
  hosts: Set<string>;
  /** Why the server must refuse every request (misconfigured), or null. */
  problem: string | null;
}

let cached: { key: string; config: AccessConfig } | null = null;

/**
 * The access rules from the environment. The listen address is HOST (npm start passes it to
 * `next start -H`); else the one Next reports, where "localhost" also stands for "every
 * interface" (`next start` without -H, or -H 0.0.0.0) and so counts as beyond loopback.
 */
export function accessConfig(env: Record<string, string | undefined> = process.env): AccessConfig {
  const key = [env.HOST, env.__NEXT_PRIVATE_ORIGIN, env.SWEEPLAB_ACCESS_TOKEN, env.SWEEPLAB_ALLOWED_HOSTS].join("\u0000");
  if (cached?.key === key) return cached.config;
  let listen = env.HOST !== undefined ? hostnameOf(env.HOST) : "127.0.0.1";
  let explicit = true; // HOST, or the default; false when Next's report is ambiguous
  if (env.HOST === undefined && env.__NEXT_PRIVATE_ORIGIN) {
    try {
      listen = hostnameOf(new URL(env.__NEXT_PRIVATE_ORIGIN).host);
      explicit = listen !== "localhost" && listen !== "[::1]"; // Next reports -H :: as [::1]
    } catch {
      // keep the default
    }
  }
  const beyondLoopback = !(isLoopback(listen) && explicit);
  const token = env.SWEEPLAB_ACCESS_TOKEN?.trim() || null;
  const hosts = new Set(DEFAULT_HOSTS);
  if (!ANY_ADDRESS.has(listen)) hosts.add(listen);
  for (const h of (env.SWEEPLAB_ALLOWED_HOSTS ?? "").split(",")) if (h.trim()) hosts.add(hostnameOf(h));
  let problem: string | null = null;
  if (token !== null && token.length < TOKEN_MIN_LENGTH)
    problem = `SWEEPLAB_ACCESS_TOKEN is too short (${token.length} characters; at least ${TOKEN_MIN_LENGTH}): use a long random secret, e.g. \`openssl rand -hex 32\``;
  else if (beyondLoopback && token === null)
    problem = `this server listens beyond loopback (${listen === "localhost" ? "on every interface" : `on ${listen}`}) without an access token: restart it with SWEEPLAB_ACCESS_TOKEN=<a long random secret> (e.g. \`openssl rand -hex 32\`), or listen on 127.0.0.1`;
  const config = { token, listen, beyondLoopback, hosts, problem };
  cached = { key, config };
  return config;
}

// --- the session cookie ----------------------------------------------------------------------

const mac = (token: string, issuedAt: number) => crypto.createHmac("sha256", token).update(`sweeplab-session:${issuedAt}`).digest("base64url");

/** The session cookie's value for a sign-in now: `<issued at, s>.<HMAC of it>`. */
export function sessionValue(token: string, now = Date.now()): string {
  const issuedAt = Math.floor(now / 1000);
  return `${issuedAt}.${mac(token, issuedAt)}`;
}

export function sessionValid(value: string | undefined, token: string, now = Date.now()): boolean {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? "");
  if (!m) return false;
  const issuedAt = Number(m[1]), age = now / 1000 - issuedAt;
  return age >= -60 && age <= SESSION_MAX_AGE_S && sameSecret(m[2], mac(token, issuedAt));
}

/** Set-Cookie for a session (or, with value "", for signing out). */
export function sessionCookie(value: string, secure: boolean): string {
  const maxAge = value ? SESSION_MAX_AGE_S : 0;
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`;
}

/** Is the request on HTTPS (directly, or behind a proxy that says so)? Decides the cookie's Secure flag. */
export const isHttps = (req: Request) => new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto")?.split(",")[0].trim() === "https";

const cookieOf = (req: Request, name: string) =>
  (req.headers.get("cookie") ?? "")
    .split(";")
    .map((c) => c.trim().split("="))
    .find(([k]) => k === name)?.[1];

// --- the checks ------------------------------------------------------------------------------

export type Verdict =
  | { ok: true }
  /** refuse with this status and message (the API's error shape) */
  | { ok: false; status: 401 | 403; error: string; signIn?: boolean };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Paths that answer without an access token: the sign-in itself, and the agents' endpoints (their own token). */
const OPEN_PATHS = [/^\/login\/?$/, /^\/api\/login\/?$/, /^\/api\/logout\/?$/, /^\/api\/agent\//];

export function checkHost(req: Request, config: AccessConfig): Verdict {
  const host = req.headers.get("host") ?? "";
  if (config.hosts.has(hostnameOf(host))) return { ok: true };
  return {
    ok: false,
    status: 403,
    error: `this server does not serve the host "${host.slice(0, 100)}": it serves ${[...config.hosts].join(", ")}. Add the name to SWEEPLAB_ALLOWED_HOSTS if it should`,
  };
}

/** A state-changing request must come from this server's own pages (or from a client that is no browser page: no Origin). */
export function checkOrigin(req: Request): Verdict {
  if (SAFE_METHODS.has(req.method)) return { ok: true };
  const origin = req.headers.get("origin");
  const host = (req.headers.get("host") ?? "").toLowerCase();
  const refused = (from: string): Verdict => ({ ok: false, status: 403, error: `cross-site request refused: a ${req.method} from ${from} cannot change anything here` });
  if (origin !== null) {
    let originHost: string;
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch {
      return refused(`origin "${origin.slice(0, 100)}"`);
    }
    return originHost === host ? { ok: true } : refused(origin.slice(0, 100));
  }
  // (browsers that leave Origin out still say where a request comes from)
  const site = req.headers.get("sec-fetch-site");
  return site === "cross-site" || site === "same-site" ? refused(`another site (Sec-Fetch-Site: ${site})`) : { ok: true };
}

export function checkAccessToken(req: Request, config: AccessConfig): Verdict {
  if (config.token === null) return { ok: true };
  const path = new URL(req.url).pathname;
  if (OPEN_PATHS.some((re) => re.test(path))) return { ok: true };
  const bearer = bearerToken(req);
  if (bearer !== null && sameSecret(bearer, config.token)) return { ok: true };
  if (sessionValid(cookieOf(req, SESSION_COOKIE), config.token)) return { ok: true };
  return {
    ok: false,
    status: 401,
    signIn: true,
    error: bearer !== null ? "wrong access token" : "sign in first: open /login in a browser, or send Authorization: Bearer <SWEEPLAB_ACCESS_TOKEN>",
  };
}

/** Every check of a request, the first refusal wins. */
export function checkRequest(req: Request, config = accessConfig()): Verdict {
  if (config.problem) return { ok: false, status: 403, error: config.problem };
  for (const verdict of [checkHost(req, config), checkOrigin(req), checkAccessToken(req, config)]) if (!verdict.ok) return verdict;
  return { ok: true };
}

/** Where to go after signing in: a path on this server only (never another site). */
export function safeNext(raw: string | null | undefined): string {
  return raw && /^\/(?![/\\])/.test(raw) && !/[\u0000-\u001f]/.test(raw) ? raw : "/";
}
