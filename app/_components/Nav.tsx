"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/", label: "Runs" },
  { href: "/sweeps", label: "Sweeps" },
  { href: "/compare", label: "Compare" },
  { href: "/sweeps/new", label: "New sweep" },
  { href: "/corpora", label: "Corpora" },
];

export function Nav() {
  const pathname = usePathname();
  const active = (href: string) =>
    href === "/" ? pathname === "/" || pathname.startsWith("/runs") : href === "/sweeps" ? pathname.startsWith("/sweeps") && !pathname.startsWith("/sweeps/new") : pathname.startsWith(href);
  return (
    <nav aria-label="Main">
      {LINKS.map((l) => (
        <Link key={l.href} href={l.href} aria-current={active(l.href) ? "page" : undefined}>
          {l.label}
        </Link>
      ))}
    </nav>
  );
}
