import { Tag } from "antd";
import { useState } from "react";
import { dateTimeColumn, textColumn } from "../../components/columns";
import { DataTable, pagingOf } from "../../components/DataTable";
import { ErrorView } from "../../components/ErrorView";
import { Page, Section } from "../../components/Page";
import { useI18n } from "../../i18n";
import { listSignins } from "../../lib/api";
import type { SigninAttempt } from "../../lib/types";
import { useApi } from "../../lib/useApi";

const PAGE_SIZE = 50;

/** Every sign-in attempt in the user's region: who, when, from where, and whether it succeeded. */
export default function SigninsPage() {
  const { t, tryT } = useI18n();
  const [page, setPage] = useState(1);
  const signins = useApi(`signins:${page}`, () => listSignins({ page, page_size: PAGE_SIZE }));
  return (
    <Page title={t("signins.title")}>
      <Section title={t("signins.title")}>
        {signins.error ? (
          <ErrorView error={signins.error} onRetry={signins.reload} />
        ) : (
          <DataTable<SigninAttempt>
            label={t("signins.title")}
            testId="signins-table"
            rowTestId="signin-row"
            rowKey={(r) => `${r.at}:${r.username}:${r.ip}`}
            loading={signins.loading}
            dataSource={signins.data?.items}
            pagination={pagingOf(t, signins.data, setPage)}
            columns={[
              dateTimeColumn(t("signins.at"), "at"),
              textColumn(t("signins.username"), "username"),
              textColumn(t("signins.display_name"), "display_name"),
              textColumn(t("signins.ip"), "ip"),
              {
                title: t("signins.result"),
                dataIndex: "success",
                key: "success",
                render: (ok: boolean) => <Tag color={ok ? "green" : "red"}>{ok ? t("signins.ok") : t("signins.failed")}</Tag>,
              },
              { title: t("signins.reason"), dataIndex: "reason", key: "reason", render: (r: string) => tryT(`signinReason.${r}`, r) },
              textColumn(t("signins.user_agent"), "user_agent", { ellipsis: true, width: 280 }),
            ]}
          />
        )}
      </Section>
    </Page>
  );
}
