import { NotFound } from "./_components/NotFound";

export const metadata = { title: "Not found" };

export default function RootNotFound() {
  return <NotFound kind="page" />;
}
