import { Descriptions, Space, Tag } from "antd";
import { moneyColumn, textColumn } from "../../components/columns";
import { DataTable } from "../../components/DataTable";
import { Money } from "../../components/Money";
import { useI18n } from "../../i18n";
import { formatDateTime, orDash } from "../../lib/format";
import type { ListDiagnosis, ListFeeItem, ListProcedure, SettlementList } from "../../lib/types";

const codeAndName = (code: string | null, name: string | null) => (code === null ? "—" : name && name !== code ? `${code} ${name}` : code);

/**
 * The settlement list (医保结算清单) the hospital uploaded after discharge: the stay as the list states it, its diagnoses
 * and procedures in the 医保版 codes, and its fees by category (which sum to the settlement's total).
 */
export function SettlementListSection({ list }: { list: SettlementList }) {
  const { t } = useI18n();
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="settlement-list">
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, sm: 2, lg: 3 }}
        items={[
          { key: "version", label: t("setlList.version"), children: t("setlList.versionOf", { version: list.version, infno: list.infno }) },
          { key: "uploaded", label: t("setlList.uploaded_at"), children: formatDateTime(list.uploaded_at) },
          { key: "first", label: t("setlList.first_uploaded_at"), children: formatDateTime(list.first_uploaded_at) },
          { key: "adm", label: t("setlList.adm_time"), children: formatDateTime(list.adm_time) },
          { key: "dscg", label: t("setlList.dscg_time"), children: formatDateTime(list.dscg_time) },
          { key: "days", label: t("setlList.ipt_days"), children: orDash(list.ipt_days) },
          { key: "dscg_way", label: t("setlList.dscg_way"), children: codeAndName(list.dscg_way, list.dscg_way_name) },
          { key: "ipt_med_type", label: t("setlList.ipt_med_type"), children: codeAndName(list.ipt_med_type, list.ipt_med_type_name) },
          {
            key: "age",
            label: t("setlList.age"),
            children: list.nwb_age_days !== null ? t("setlList.ageDays", { days: list.nwb_age_days }) : t("setlList.ageYears", { years: list.age }),
          },
          ...(list.nwb_bir_wt !== null ? [{ key: "bir_wt", label: t("setlList.nwb_bir_wt"), children: `${list.nwb_bir_wt} g` }] : []),
          { key: "total", label: t("setlList.medfee_sumamt"), children: <Money value={list.medfee_sumamt} /> },
        ]}
      />
      <DataTable<ListDiagnosis>
        label={t("setlList.diagnoses")}
        testId="settlement-list-diagnoses"
        rowKey={(d) => `${d.diag_type}/${d.diag_code}`}
        dataSource={list.diagnoses}
        pagination={false}
        columns={[
          { title: t("setlList.main"), dataIndex: "maindiag_flag", key: "maindiag_flag", render: (v: boolean) => (v ? <Tag color="blue">{t("setlList.principal")}</Tag> : "") },
          textColumn(t("setlList.diag_type"), "diag_type_name"),
          textColumn(t("setlList.diag_code"), "diag_code"),
          textColumn(t("setlList.diag_name"), "diag_name"),
          textColumn(t("setlList.adm_cond_type"), "adm_cond_type"),
        ]}
      />
      <DataTable<ListProcedure>
        label={t("setlList.procedures")}
        testId="settlement-list-procedures"
        rowKey={(p) => `${p.oprn_oprt_code}/${p.oprn_oprt_date}/${p.oprn_oprt_type}`}
        dataSource={list.procedures}
        pagination={false}
        columns={[
          { title: t("setlList.main"), dataIndex: "oprn_oprt_type", key: "oprn_oprt_type", render: (v: string) => (v === "1" ? <Tag color="blue">{t("setlList.principal")}</Tag> : "") },
          textColumn(t("setlList.oprn_oprt_code"), "oprn_oprt_code"),
          textColumn(t("setlList.oprn_oprt_name"), "oprn_oprt_name"),
          textColumn(t("setlList.oprn_oprt_date"), "oprn_oprt_date"),
          textColumn(t("setlList.anst_way"), "anst_way"),
          textColumn(t("setlList.oper_dr_name"), "oper_dr_name"),
        ]}
      />
      <DataTable<ListFeeItem>
        label={t("setlList.items")}
        testId="settlement-list-items"
        rowKey="med_chrgitm"
        dataSource={list.items}
        pagination={false}
        columns={[
          { title: t("setlList.med_chrgitm"), dataIndex: "med_chrgitm", key: "med_chrgitm", render: (_: string, i: ListFeeItem) => codeAndName(i.med_chrgitm, i.med_chrgitm_name) },
          moneyColumn(t("setlList.amt"), "amt"),
          moneyColumn(t("setlList.claa_sumfee"), "claa_sumfee"),
          moneyColumn(t("setlList.clab_amt"), "clab_amt"),
          moneyColumn(t("split.fulamt_ownpay_amt"), "fulamt_ownpay_amt"),
          moneyColumn(t("setlList.oth_amt"), "oth_amt"),
        ]}
      />
    </Space>
  );
}
