"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";

const LINKS = [
  { href: "/", label: "Runs" },
  { href: "/sweeps", label: "Sweeps" },
  { href: "/compare", label: "Compare" },
  { href: "/sweeps/new", label: "New sweep" },
  { href: "/corpora", label: "Corpora" },
];

/** The main links; on a narrow screen they fold behind a menu button that names the current page. */
export function Nav() {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  // a followed link closes the menu
  useEffect(() => setOpen(false), [pathname]);
  const active = (href: string) =>
    href === "/" ? pathname === "/" || pathname.startsWith("/runs") : href === "/sweeps" ? pathname.startsWith("/sweeps") && !pathname.startsWith("/sweeps/new") : pathname.startsWith(href);
  const current = LINKS.find((l) => active(l.href));
  return (
    <>
      <button
        type="button"
        className="menu-toggle"
        aria-expanded={open}
        aria-controls="main-nav"
        data-testid="menu-toggle"
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => e.key === "Escape" && setOpen(false)}
      >
        <span aria-hidden className="menu-icon">
          {open ? "✕" : "☰"}
        </span>
        {current?.label ?? "Menu"}
      </button>
      <nav id="main-nav" aria-label="Main" data-open={open || undefined}>
        {LINKS.map((l) => (
          <Link key={l.href} href={l.href} aria-current={active(l.href) ? "page" : undefined}>
            {l.label}
          </Link>
        ))}
      </nav>
    </>
  );
}
