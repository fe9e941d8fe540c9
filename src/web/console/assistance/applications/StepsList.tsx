import { Fragment } from "react";
import { Link } from "../../../lib/router";
import type { ApplicationStep } from "../../../lib/types";
import { settlementPath } from "../../paths";

/**
 * The calculation's steps as the rule wrote them, in words and numbers (资格, each settlement counted or left out, the
 * base, the amount); a settlement's number in its step links to the settlement's page.
 */
export function StepsList({ steps, testId }: { steps: ApplicationStep[]; testId?: string }) {
  return (
    <ol className="calc-steps" data-testid={testId}>
      {steps.map((s, i) => (
        <li key={i} data-step={s.step}>
          {s.setl_id ? <WithLink text={s.text} setlId={s.setl_id} /> : s.text}
        </li>
      ))}
    </ol>
  );
}

function WithLink({ text, setlId }: { text: string; setlId: string }) {
  const parts = text.split(setlId);
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 ? <Link to={settlementPath(setlId)}>{setlId}</Link> : null}
          {part}
        </Fragment>
      ))}
    </>
  );
}
