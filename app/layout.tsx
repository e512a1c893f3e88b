import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Nav } from "./_components/Nav";
import { SignOut } from "./_components/auth/SignOut";
import { accessConfig } from "./_server/access";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Sweeplab", template: "%s · Sweeplab" },
  description: "Experiment tracking and hyperparameter sweeps for small recurrent networks",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <Link href="/" className="brand">
            <span className="logo" aria-hidden /> Sweeplab
          </Link>
          <Nav />
          <span className="spacer" />
          {accessConfig().token !== null && <SignOut />}
        </header>
        <main className="page">{children}</main>
      </body>
    </html>
  );
}
