import { Button, Flex, Form, Input, Modal, Typography } from "antd";
import { useState } from "react";
import { ErrorView } from "../../../components/ErrorView";
import { useI18n } from "../../../i18n";
import { actOnWarning } from "../../../lib/api";
import type { WarningAction, WarningDetail } from "../../../lib/types";

/**
 * The actions the warning's state allows now (the server's allowed_actions): each asks for a note — required when the
 * clerk finds the family not eligible, since that is a finding that needs its reason — and moves the state.
 */
export function WarningActions({ warning, onDone }: { warning: WarningDetail; onDone(after: WarningDetail, action: WarningAction): void }) {
  const { t } = useI18n();
  const [action, setAction] = useState<WarningAction | null>(null);
  if (warning.allowed_actions.length === 0) return <Typography.Text type="secondary">{t("warning.noActions")}</Typography.Text>;
  return (
    <>
      <Flex gap="small" wrap>
        {warning.allowed_actions.map((a) => (
          <Button key={a} type={a === "not_eligible" ? "default" : "primary"} danger={a === "not_eligible"} onClick={() => setAction(a)} data-testid={`warning-action-${a}`}>
            {t(`warningAction.${a}`)}
          </Button>
        ))}
      </Flex>
      {action ? (
        <ActionModal
          warning={warning}
          action={action}
          onClose={() => setAction(null)}
          onDone={(after) => {
            setAction(null);
            onDone(after, action);
          }}
        />
      ) : null}
    </>
  );
}

function ActionModal({ warning, action, onClose, onDone }: { warning: WarningDetail; action: WarningAction; onClose(): void; onDone(after: WarningDetail): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ note: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const required = action === "not_eligible";

  const submit = async ({ note }: { note?: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      const text = note?.trim();
      onDone(await actOnWarning(warning.id, action, text ? text : undefined));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t("warning.actionTitle", { action: t(`warningAction.${action}`), id: warning.id })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t("common.confirm")}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      okButtonProps={{ "data-testid": "warning-action-confirm" }}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t(`warningActionHint.${action}`)}</Typography.Paragraph>
      <Form<{ note: string }> form={form} layout="vertical" name={`warning-${warning.id}-${action}`} onFinish={(v) => void submit(v)}>
        <Form.Item name="note" label={t("warning.note")} rules={required ? [{ required: true, whitespace: true, message: t("warning.noteRequired") }] : []}>
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="warning-action-note" />
        </Form.Item>
      </Form>
      {error !== undefined ? <ErrorView error={error} /> : null}
    </Modal>
  );
}
