import { GlobalOutlined } from "@ant-design/icons";
import { Button } from "antd";
import { useI18n } from "../i18n";

/** Switches between Chinese and English; the label is written in the language it switches to. */
export function LanguageToggle() {
  const { locale, setLocale, t } = useI18n();
  const next = locale === "zh" ? "en" : "zh";
  return (
    <Button
      type="text"
      icon={<GlobalOutlined aria-hidden />}
      onClick={() => setLocale(next)}
      aria-label={t("lang.toggleAria")}
      lang={next === "en" ? "en" : "zh-CN"}
      data-testid="language-toggle"
    >
      {t("lang.toggle")}
    </Button>
  );
}
