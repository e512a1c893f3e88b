import { NotFound } from "../../_components/NotFound";

export default function RunNotFound() {
  return <NotFound kind="run" />;
}
