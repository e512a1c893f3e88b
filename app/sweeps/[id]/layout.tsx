import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { getSweep } from "../../../prisma/store";

// The sweep page streams behind its loading skeleton (loading.tsx), so a missing sweep is
// found here, above that boundary, before anything is sent: the answer is then a real 404
// (app/sweeps/not-found.tsx), not a 200 with a not-found message in it.
export default async function SweepLayout(props: { children: ReactNode; params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  if (!/^[0-9a-z]{4,32}$/.test(id) || !(await getSweep(id))) notFound();
  return props.children;
}
