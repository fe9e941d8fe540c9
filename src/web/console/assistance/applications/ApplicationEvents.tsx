import { CodeTag } from "../../../components/CodeTag";
import { dateTimeColumn, textColumn } from "../../../components/columns";
import { DataTable } from "../../../components/DataTable";
import { useI18n } from "../../../i18n";
import type { ApplicationEvent } from "../../../lib/types";
import { APPLICATION_STATE_COLORS } from "./colors";

/** Who filed, reviewed and paid the application, when, and what they recorded. */
export function ApplicationEvents({ events }: { events: ApplicationEvent[] }) {
  const { t, tryT } = useI18n();
  return (
    <DataTable<ApplicationEvent>
      label={t("application.events")}
      testId="application-events"
      rowTestId="application-event-row"
      rowKey={(e) => `${e.at}:${e.action}`}
      dataSource={events}
      columns={[
        dateTimeColumn(t("warning.at"), "at"),
        textColumn(t("warning.actor"), "actor"),
        { title: t("warning.action"), dataIndex: "action", key: "action", render: (a: string) => tryT(`assistanceEvent.${a}`, a) },
        {
          title: t("warning.stateChange"),
          key: "states",
          render: (_: unknown, e) => (
            <>
              {e.from_state ? (
                <>
                  <CodeTag prefix="applicationState" code={e.from_state} color={APPLICATION_STATE_COLORS} /> →{" "}
                </>
              ) : null}
              <CodeTag prefix="applicationState" code={e.to_state} color={APPLICATION_STATE_COLORS} />
            </>
          ),
        },
        { title: t("warning.note"), dataIndex: "note", key: "note", render: (note: string | null) => <div className="cell-note">{note ?? "—"}</div> },
      ]}
    />
  );
}
