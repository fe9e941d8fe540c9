import type { ReactNode } from "react";
import { Money } from "./Money";

export interface AmountItem {
  key: string;
  label: ReactNode;
  value: number | null | undefined;
  strong?: boolean;
  /** A smaller line under the item (what it is made of). */
  note?: ReactNode;
  indent?: boolean;
}

/** A simple list of labelled amounts, for phones: label on the left, amount on the right. */
export function AmountList({ items, testId }: { items: AmountItem[]; testId?: string }) {
  return (
    <ul className="amount-list" data-testid={testId}>
      {items.map((item) => (
        <li key={item.key} data-field={item.key} style={item.indent ? { paddingLeft: 16, fontSize: 13 } : undefined}>
          <span>
            {item.label}
            {item.note ? <div className="amount-note">{item.note}</div> : null}
          </span>
          <Money value={item.value} strong={item.strong} />
        </li>
      ))}
    </ul>
  );
}
