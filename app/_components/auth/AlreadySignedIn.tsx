"use client";
import { useEffect } from "react";

// The session cookie is SameSite=Strict, so a link from another site (chat, e-mail) arrives
// without it and lands here. A request from this page is same-site and carries it: when it
// gets through, the browser is signed in after all and goes on to where it was headed.
export function AlreadySignedIn(props: { next: string }) {
  useEffect(() => {
    fetch("/api/session", { cache: "no-store" })
      .then((res) => {
        if (res.ok) window.location.replace(props.next);
      })
      .catch(() => {});
  }, [props.next]);
  return null;
}
