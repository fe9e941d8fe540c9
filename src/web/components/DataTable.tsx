import { Table, type TableProps } from "antd";
import { useEffect, useRef, type HTMLAttributes } from "react";
import { useI18n, type Translate } from "../i18n";
import type { Paged } from "../lib/types";

/**
 * The app's table: a caption for screen readers (tables are named), horizontal scroll on narrow screens, and stable
 * data-testid hooks on the table and its rows for the browser tests.
 */
export type DataTableProps<T> = Omit<TableProps<T>, "caption"> & {
  /** What the table lists; read out as its caption. */
  label: string;
  testId?: string;
  rowTestId?: string;
};

export function DataTable<T extends object>({ label, testId, rowTestId, onRow, pagination, expandable, ...rest }: DataTableProps<T>) {
  const { t } = useI18n();
  const wrapper = useRef<HTMLDivElement>(null);

  // A table wider than the screen scrolls sideways: its scroll box must take keyboard focus to be scrolled by keys.
  useEffect(() => {
    for (const box of wrapper.current?.querySelectorAll<HTMLElement>(".ant-table-content, .ant-table-body") ?? []) {
      if (box.scrollWidth > box.clientWidth) box.tabIndex = 0;
      else box.removeAttribute("tabindex");
    }
  });

  return (
    <div data-testid={testId} className="data-table" ref={wrapper}>
      <Table<T>
        expandable={expandable ? { columnTitle: <span className="sr-only">{t("common.details")}</span>, ...expandable } : undefined}
        size="middle"
        scroll={{ x: "max-content" }}
        caption={<span className="sr-only">{label}</span>}
        pagination={pagination ?? false}
        onRow={(record, index) => ({
          ...onRow?.(record, index),
          ...(rowTestId ? ({ "data-testid": rowTestId } as HTMLAttributes<HTMLElement>) : {}),
        })}
        {...rest}
      />
    </div>
  );
}

/** Server-side paging of a Paged answer. */
export function pagingOf<T>(t: Translate, paged: Paged<T> | undefined, onChange: (page: number, pageSize: number) => void): TableProps<T>["pagination"] {
  if (!paged) return false;
  return {
    current: paged.page,
    pageSize: paged.page_size,
    total: paged.total,
    onChange,
    showSizeChanger: false,
    // Past the server's count cap the total reads "10,000+": the exact figure would cost a read of every row.
    showTotal: (total) => (paged.total_capped ? t("common.rowsMore", { total }) : t("common.rows", { total })),
  };
}
