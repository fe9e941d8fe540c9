import { moneyColumn, textColumn } from "../../components/columns";
import { DataTable } from "../../components/DataTable";
import { useI18n } from "../../i18n";
import type { FeeLine } from "../../lib/types";

/** Every fee line with its split: total, fully self-paid, above the price cap, self-paid first, in scope. */
export function FeeLinesTable({ lines }: { lines: FeeLine[] }) {
  const { t, tryT } = useI18n();
  return (
    <DataTable<FeeLine>
      label={t("settlement.lines")}
      testId="settlement-lines"
      rowTestId="fee-line"
      rowKey="feedetl_sn"
      dataSource={lines}
      pagination={lines.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
      columns={[
        textColumn(t("line.feedetl_sn"), "feedetl_sn"),
        textColumn(t("line.med_list_codg"), "med_list_codg"),
        textColumn(t("line.med_list_name"), "med_list_name"),
        { title: t("line.list_type"), dataIndex: "list_type", key: "list_type", render: (v: string) => tryT(`listType.${v}`, v) },
        textColumn(t("line.chrgitm_lv_name"), "chrgitm_lv_name"),
        moneyColumn(t("line.pric"), "pric"),
        textColumn(t("line.cnt"), "cnt", { align: "right" }),
        moneyColumn(t("line.det_item_fee_sumamt"), "det_item_fee_sumamt"),
        moneyColumn(t("split.fulamt_ownpay_amt"), "fulamt_ownpay_amt"),
        moneyColumn(t("line.overlmt_amt"), "overlmt_amt"),
        moneyColumn(t("split.preselfpay_amt"), "preselfpay_amt"),
        moneyColumn(t("split.inscp_scp_amt"), "inscp_scp_amt"),
      ]}
    />
  );
}
