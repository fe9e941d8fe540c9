import { Button, Checkbox, Flex, Form, Input, InputNumber, Modal, Typography } from "antd";
import { useState } from "react";
import { ErrorView } from "../../../components/ErrorView";
import { useI18n } from "../../../i18n";
import { approveApplication, payApplication, rejectApplication } from "../../../lib/api";
import { formatYuan } from "../../../lib/format";
import type { AssistanceApplication, PayAnswer } from "../../../lib/types";

type Step = "approve" | "reject" | "pay";

/**
 * What a clerk or administrator may do with the application now: approve or reject one submitted, pay one approved.
 * Approval is recomputed by the server on the settlements stored today; payment confirms the approved amount.
 */
export function ReviewActions({ application: a, onDone }: { application: AssistanceApplication; onDone(message: string, paid?: PayAnswer): void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<Step | null>(null);
  if (a.state === "rejected" || a.state === "paid") return <Typography.Text type="secondary">{t(`application.finished.${a.state}`)}</Typography.Text>;
  const done = (message: string, paid?: PayAnswer) => {
    setOpen(null);
    onDone(message, paid);
  };
  return (
    <>
      <Flex gap="small" wrap>
        {a.state === "submitted" ? (
          <>
            <Button type="primary" onClick={() => setOpen("approve")} data-testid="application-approve">
              {t("application.approve")}
            </Button>
            <Button danger onClick={() => setOpen("reject")} data-testid="application-reject">
              {t("application.reject")}
            </Button>
          </>
        ) : (
          <Button type="primary" onClick={() => setOpen("pay")} data-testid="application-pay">
            {t("application.pay")}
          </Button>
        )}
      </Flex>
      {open === "approve" ? <ApproveModal application={a} onClose={() => setOpen(null)} onDone={done} /> : null}
      {open === "reject" ? <RejectModal application={a} onClose={() => setOpen(null)} onDone={done} /> : null}
      {open === "pay" ? <PayModal application={a} onClose={() => setOpen(null)} onDone={done} /> : null}
    </>
  );
}

interface ModalProps {
  application: AssistanceApplication;
  onClose(): void;
  onDone(message: string, paid?: PayAnswer): void;
}

/** Runs one request of a modal: busy while it runs, its error shown in the modal. */
function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = async (request: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await request();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

function ApproveModal({ application: a, onClose, onDone }: ModalProps) {
  const { t } = useI18n();
  const [certify, setCertify] = useState(false);
  const { busy, error, run } = useSubmit();
  return (
    <Modal
      open
      title={t("application.approveTitle", { id: a.application_id })}
      onCancel={onClose}
      onOk={() =>
        void run(async () => {
          const approved = await approveApplication(a.application_id, a.certified_difficulty ? undefined : certify || undefined);
          onDone(t("application.approved", { amount: formatYuan(approved.amount) }));
        })
      }
      okText={t("application.approve")}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      okButtonProps={{ "data-testid": "application-approve-confirm" }}
      destroyOnHidden
    >
      <Typography.Paragraph>{t("application.approveHint")}</Typography.Paragraph>
      {a.certified_difficulty ? null : (
        <Checkbox checked={certify} onChange={(e) => setCertify(e.target.checked)} data-testid="application-certify">
          {t("application.certify")}
        </Checkbox>
      )}
      {error !== undefined ? <ErrorView error={error} /> : null}
    </Modal>
  );
}

function RejectModal({ application: a, onClose, onDone }: ModalProps) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const { busy, error, run } = useSubmit();
  return (
    <Modal
      open
      title={t("application.rejectTitle", { id: a.application_id })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t("application.reject")}
      okButtonProps={{ danger: true, "data-testid": "application-reject-confirm" }}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form<{ reason: string }>
        form={form}
        layout="vertical"
        name={`reject-${a.application_id}`}
        onFinish={({ reason }) =>
          void run(async () => {
            await rejectApplication(a.application_id, reason.trim());
            onDone(t("application.rejected"));
          })
        }
      >
        <Form.Item name="reason" label={t("application.reason")} rules={[{ required: true, whitespace: true, message: t("application.reasonRequired") }]}>
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="application-reject-reason" />
        </Form.Item>
      </Form>
      {error !== undefined ? <ErrorView error={error} /> : null}
    </Modal>
  );
}

function PayModal({ application: a, onClose, onDone }: ModalProps) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ amount: number }>();
  const { busy, error, run } = useSubmit();
  return (
    <Modal
      open
      title={t("application.payTitle", { id: a.application_id })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t("application.pay")}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      okButtonProps={{ "data-testid": "application-pay-confirm" }}
      destroyOnHidden
    >
      <Typography.Paragraph>{t("application.payHint", { fund: a.fund_pay_type_name, name: a.psn_name, amount: formatYuan(a.amount) })}</Typography.Paragraph>
      <Form<{ amount: number }>
        form={form}
        layout="vertical"
        name={`pay-${a.application_id}`}
        initialValues={{ amount: a.amount }}
        onFinish={({ amount }) =>
          void run(async () => {
            const paid = await payApplication(a.application_id, amount);
            onDone(t("application.paid", { amount: formatYuan(paid.transfer.amount) }), paid);
          })
        }
      >
        <Form.Item name="amount" label={t("application.payAmount")} rules={[{ required: true, message: t("application.payAmountRequired") }]}>
          <InputNumber<number> min={0} precision={2} className="input-amount" data-testid="application-pay-amount" />
        </Form.Item>
      </Form>
      {error !== undefined ? <ErrorView error={error} /> : null}
    </Modal>
  );
}
