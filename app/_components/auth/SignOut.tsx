// Sign out: a form POST (the session cookie is HttpOnly; only the server can clear it).
export function SignOut() {
  return (
    <form method="post" action="/api/logout" style={{ margin: 0 }}>
      <button type="submit" className="btn btn-sm btn-ghost" style={{ color: "#cbd5e1" }} data-testid="sign-out">
        Sign out
      </button>
    </form>
  );
}
