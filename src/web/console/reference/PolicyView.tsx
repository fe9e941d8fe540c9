import { Descriptions, Flex, Typography } from "antd";
import type { ReactNode } from "react";
import { Section } from "../../components/Page";
import { DataTable } from "../../components/DataTable";
import { useI18n } from "../../i18n";
import { formatValue, isPlainObject, isScalar, isTable, keyLabel } from "./policyValues";

/**
 * A policy document rendered generically but readably: each top-level part is a section, objects become
 * Descriptions (with nested parts as sub-headings), lists of objects become tables; keys get their Chinese labels.
 */
export function PolicyView({ document }: { document: Record<string, unknown> }) {
  const i18n = useI18n();
  const entries = Object.entries(document);
  const scalars = entries.filter(([, v]) => isScalar(v));
  const parts = entries.filter(([, v]) => !isScalar(v));
  return (
    <>
      {scalars.length ? <Fields entries={scalars} /> : null}
      {parts.map(([key, value]) => (
        <Section key={key} title={keyLabel(i18n, key)} testId={`policy-${key}`}>
          <Block name={key} value={value} depth={3} />
        </Section>
      ))}
    </>
  );
}

function Fields({ entries, parent }: { entries: [string, unknown][]; parent?: string }) {
  const i18n = useI18n();
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, sm: 2, lg: 3 }}
      items={entries.map(([key, value]) => ({
        key,
        label: keyLabel(i18n, key),
        children: <span className={typeof value === "number" ? "money" : undefined}>{formatValue(i18n, key, value, parent)}</span>,
      }))}
    />
  );
}

/** One part of the document at a heading level (h3 below the section's h2, down to h6). */
function Block({ name, value, depth }: { name: string; value: unknown; depth: number }): ReactNode {
  const i18n = useI18n();
  if (isTable(value)) return <PolicyTable name={name} rows={value} />;
  if (!isPlainObject(value)) return <Fields entries={[[name, value]]} />;
  const entries = Object.entries(value);
  const scalars = entries.filter(([, v]) => isScalar(v));
  const parts = entries.filter(([, v]) => !isScalar(v));
  const Heading = `h${Math.min(depth, 6)}` as "h3";
  return (
    <Flex vertical gap="small">
      {scalars.length ? <Fields entries={scalars} parent={name} /> : null}
      {parts.map(([key, inner]) => (
        <div key={key} className="policy-part">
          <Heading className="policy-heading">{keyLabel(i18n, key)}</Heading>
          <Block name={key} value={inner} depth={depth + 1} />
        </div>
      ))}
    </Flex>
  );
}

function PolicyTable({ name, rows }: { name: string; rows: Record<string, unknown>[] }) {
  const i18n = useI18n();
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return (
    <DataTable<Record<string, unknown> & { __row: number }>
      label={keyLabel(i18n, name)}
      size="small"
      rowKey="__row"
      dataSource={rows.map((r, i) => ({ ...r, __row: i }))}
      columns={columns.map((key) => ({
        title: keyLabel(i18n, key),
        dataIndex: key,
        key,
        render: (v: unknown) =>
          isTable(v) ? (
            <ul className="policy-cell-list">
              {v.map((item, i) => (
                <li key={i}>{formatValue(i18n, key, item, name)}</li>
              ))}
            </ul>
          ) : (
            <Typography.Text>{formatValue(i18n, key, v, name)}</Typography.Text>
          ),
      }))}
    />
  );
}
