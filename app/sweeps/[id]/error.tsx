"use client";
import Link from "next/link";
import { ErrorBox, PageHeader } from "../../_components/ui";

export default function SweepError(props: { error: Error; reset: () => void }) {
  return (
    <>
      <PageHeader title="Could not show this sweep" />
      <ErrorBox title="Something went wrong while loading it.">
        {props.error.message}{" "}
        <button type="button" className="btn btn-sm" onClick={props.reset}>
          Try again
        </button>{" "}
        or go back to <Link href="/sweeps">all sweeps</Link>.
      </ErrorBox>
    </>
  );
}
