import type { TableColumnType } from "antd";
import { formatCount, formatDate, formatDateTime, orDash } from "../lib/format";
import { Money } from "./Money";

/** Column builders shared by the tables: money and counts right-aligned, dates formatted, absent values as "—". */

type Column<T> = TableColumnType<T>;

/** A money column; `dataIndex` may be a path into a nested object (["platform", "medfee_sumamt"]). */
export function moneyColumn<T>(title: string, dataIndex: (keyof T & string) | string[], extra: Partial<Column<T>> = {}): Column<T> {
  const key = Array.isArray(dataIndex) ? dataIndex.join(".") : dataIndex;
  return { title, dataIndex, key, align: "right", render: (v: number | null) => <Money value={v} />, ...extra };
}

export function countColumn<T>(title: string, dataIndex: (keyof T & string) | string[], extra: Partial<Column<T>> = {}): Column<T> {
  const key = Array.isArray(dataIndex) ? dataIndex.join(".") : dataIndex;
  return { title, dataIndex, key, align: "right", render: (v: number | null) => formatCount(v), ...extra };
}

export function textColumn<T>(title: string, dataIndex: keyof T & string, extra: Partial<Column<T>> = {}): Column<T> {
  return { title, dataIndex, key: dataIndex, render: (v: string | number | null) => orDash(v), ...extra };
}

export function dateColumn<T>(title: string, dataIndex: keyof T & string, extra: Partial<Column<T>> = {}): Column<T> {
  return { title, dataIndex, key: dataIndex, render: (v: string | null) => formatDate(v), ...extra };
}

export function dateTimeColumn<T>(title: string, dataIndex: keyof T & string, extra: Partial<Column<T>> = {}): Column<T> {
  return { title, dataIndex, key: dataIndex, render: (v: string | null) => formatDateTime(v), ...extra };
}
