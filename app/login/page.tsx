import Link from "next/link";
import { accessConfig, safeNext } from "../_server/access";
import { AlreadySignedIn } from "../_components/auth/AlreadySignedIn";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

/** /login?next=/path — the access token, once; a session cookie keeps the browser signed in. */
export default async function LoginPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await props.searchParams;
  const next = safeNext(typeof sp.next === "string" ? sp.next : null);
  const required = accessConfig().token !== null;
  return (
    <div className="card" style={{ maxWidth: 460, margin: "48px auto" }} data-testid="login">
      <div className="card-body">
        <h1 style={{ marginTop: 0 }}>Sign in to Sweeplab</h1>
        {!required ? (
          <p className="muted">
            This server needs no sign-in. <Link href={next}>Continue</Link>
          </p>
        ) : (
          <>
            <AlreadySignedIn next={next} />
            <p className="muted">This server is shared: enter its access token (SWEEPLAB_ACCESS_TOKEN). The browser stays signed in for 30 days.</p>
            <form method="post" action="/api/login" className="row" style={{ alignItems: "flex-end" }}>
              <input type="hidden" name="next" value={next} />
              <label className="field" style={{ flex: 1 }}>
                <span>Access token</span>
                <input className="input mono" type="password" name="token" autoComplete="current-password" required autoFocus data-testid="login-token" />
              </label>
              <button type="submit" className="btn btn-primary" data-testid="login-submit">
                Sign in
              </button>
            </form>
            {sp.error && (
              <p className="field-error" role="alert" data-testid="login-error">
                That is not the access token.
              </p>
            )}
          </>
        )}
      </div>
    </div>
  );
}
