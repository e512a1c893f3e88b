import { NotFound } from "../_components/NotFound";

export default function SweepNotFound() {
  return <NotFound kind="sweep" />;
}
