import { CodeTag } from "../../../components/CodeTag";
import { dateTimeColumn } from "../../../components/columns";
import { DataTable } from "../../../components/DataTable";
import { useI18n } from "../../../i18n";
import type { WarningEvent } from "../../../lib/types";
import { WARNING_STATE_COLORS } from "./colors";

/** Who did what and when: the monitor's checks and the clerks' actions, oldest first, with their notes. */
export function WarningEvents({ events }: { events: WarningEvent[] }) {
  const { t, tryT } = useI18n();
  return (
    <DataTable<WarningEvent>
      label={t("warning.events")}
      testId="warning-events"
      rowTestId="warning-event-row"
      rowKey="id"
      dataSource={events}
      columns={[
        dateTimeColumn(t("warning.at"), "at"),
        { title: t("warning.actor"), dataIndex: "actor", key: "actor", render: (a: string) => (a === "system" ? t("warning.system") : a) },
        { title: t("warning.action"), dataIndex: "action", key: "action", render: (a: string, e) => tryT(`warningEvent.${a}`, e.action_name) },
        {
          title: t("warning.stateChange"),
          key: "states",
          render: (_: unknown, e) =>
            e.to_state && e.to_state !== e.from_state ? (
              <>
                <CodeTag prefix="warningState" code={e.from_state} color={WARNING_STATE_COLORS} /> → <CodeTag prefix="warningState" code={e.to_state} color={WARNING_STATE_COLORS} />
              </>
            ) : (
              "—"
            ),
        },
        { title: t("warning.note"), dataIndex: "note", key: "note", render: (note: string | null) => <div className="cell-note">{note ?? "—"}</div> },
      ]}
    />
  );
}
