import { Form, Input, Modal, Radio } from "antd";
import { useState } from "react";
import { ErrorView } from "../../../components/ErrorView";
import { useI18n } from "../../../i18n";
import { resolveDuplicate } from "../../../lib/api";
import { useUser } from "../../../lib/auth";
import { formatDate } from "../../../lib/format";
import type { DuplicateCase, ResolveResult } from "../../../lib/types";

interface Choice {
  keep: number;
  note: string;
}

/** A clerk names the enrollment to keep and says why; the others end and are refunded. */
export function ClerkResolveModal({ item, onClose, onResolved }: { item: DuplicateCase; onClose(): void; onResolved(result: ResolveResult): void }) {
  const { t, tryT } = useI18n();
  const user = useUser();
  const [form] = Form.useForm<Choice>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const submit = async (choice: Choice) => {
    setBusy(true);
    setError(undefined);
    try {
      onResolved(await resolveDuplicate(item.id, { by: "clerk", keep_enrollment_id: choice.keep, clerk: user.username, note: choice.note.trim() }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t("duplicates.clerkTitle", { id: item.id, name: item.psn_name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t("common.confirm")}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      okButtonProps={{ "data-testid": "duplicate-resolve-confirm" }}
      destroyOnHidden
    >
      <Form<Choice> form={form} layout="vertical" onFinish={(v) => void submit(v)} name={`resolve-${item.id}`}>
        <Form.Item name="keep" label={t("duplicates.keep")} rules={[{ required: true, message: t("duplicates.keepRequired") }]}>
          <Radio.Group
            options={item.enrollments.map((e) => ({
              value: e.id,
              label: `${e.id} · ${tryT(`insutype.${e.insutype}`, e.insutype)} · ${e.admdvs} · ${formatDate(e.psn_insu_date)}`,
            }))}
            style={{ display: "flex", flexDirection: "column", gap: 8 }}
          />
        </Form.Item>
        <Form.Item name="note" label={t("duplicates.reason")} rules={[{ required: true, whitespace: true, message: t("duplicates.reasonRequired") }]}>
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="duplicate-note" />
        </Form.Item>
      </Form>
      {error !== undefined ? <ErrorView error={error} /> : null}
    </Modal>
  );
}
