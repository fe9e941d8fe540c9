import { Flex, Typography } from "antd";
import { CodeTag } from "../../../components/CodeTag";
import { Money } from "../../../components/Money";
import { useI18n } from "../../../i18n";
import { formatDateTime } from "../../../lib/format";
import type { DuplicateCase } from "../../../lib/types";

/** What was decided for a resolved case: how, which enrollment stayed, the refund, by whom and when, the note. */
export function Resolution({ item }: { item: DuplicateCase }) {
  const { t } = useI18n();
  if (item.status !== "resolved") return <>—</>;
  return (
    <Flex vertical gap={2} data-testid="duplicate-resolution">
      <span>
        <CodeTag prefix="resolution" code={item.resolution} />
        {item.kept_enrollment_id !== null ? t("duplicates.kept", { id: item.kept_enrollment_id }) : null}
      </span>
      <span>
        {t("duplicates.refund")}：<Money value={item.refund} />
      </span>
      <Typography.Text type="secondary">
        {item.resolved_by ?? "—"} · {formatDateTime(item.resolved_at)}
      </Typography.Text>
      {item.note ? <Typography.Text type="secondary">{item.note}</Typography.Text> : null}
    </Flex>
  );
}
