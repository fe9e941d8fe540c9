import { ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { en } from "./en";
import { zh, type MessageKey, type Messages } from "./zh";

/** Chinese by default, English by the header's toggle; the choice is remembered in localStorage. */

export type Locale = "zh" | "en";
export type { MessageKey };

const STORAGE_KEY = "yibao.locale";
const MESSAGES: Record<Locale, Messages> = { zh, en };
const HTML_LANG: Record<Locale, string> = { zh: "zh-CN", en: "en" };
const DAYJS_LOCALE: Record<Locale, string> = { zh: "zh-cn", en: "en" };

function storedLocale(): Locale {
  try {
    return window.localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "zh";
  } catch {
    return "zh";
  }
}

export type Vars = Record<string, string | number>;

export type Translate = (key: MessageKey, vars?: Vars) => string;

export function translate(messages: Messages, key: MessageKey, vars?: Vars): string {
  const text = messages[key];
  return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : text;
}

interface I18nValue {
  locale: Locale;
  setLocale(locale: Locale): void;
  t: Translate;
  /** A text whose key is built at run time (a code from the server), or the fallback when there is none. */
  tryT(key: string, fallback: string, vars?: Vars): string;
}

/**
 * Ant Design's theme with contrast raised to WCAG AA on the app's light grey background (its default secondary text and
 * link blue fall short of 4.5:1). Buttons keep their text as written ("登录", not "登 录"), so the visible text and the
 * accessible name agree.
 */
const THEME = {
  token: {
    colorPrimary: "#1464c8",
    colorInfo: "#1464c8",
    colorLink: "#1458b4",
    colorTextSecondary: "rgba(0, 0, 0, 0.68)",
    colorTextDescription: "rgba(0, 0, 0, 0.66)",
    colorTextTertiary: "rgba(0, 0, 0, 0.62)",
    colorTextPlaceholder: "rgba(0, 0, 0, 0.6)",
    colorError: "#c41d1d",
  },
};

const I18nContext = createContext<I18nValue | undefined>(undefined);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(storedLocale);

  useEffect(() => {
    document.documentElement.lang = HTML_LANG[locale];
    dayjs.locale(DAYJS_LOCALE[locale]);
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private windows may refuse storage; the choice then lasts for this page only.
    }
    dayjs.locale(DAYJS_LOCALE[next]);
    setLocaleState(next);
  }, []);

  const value = useMemo<I18nValue>(() => {
    const messages = MESSAGES[locale];
    return {
      locale,
      setLocale,
      t: (key, vars) => translate(messages, key, vars),
      tryT: (key, fallback, vars) => (key in messages ? translate(messages, key as MessageKey, vars) : fallback),
    };
  }, [locale, setLocale]);

  return (
    <I18nContext.Provider value={value}>
      <ConfigProvider locale={locale === "zh" ? zhCN : enUS} theme={THEME} button={{ autoInsertSpace: false }}>
        {children}
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}

/** dayjs starts in Chinese before the first render, so the first dates drawn are in the right language. */
dayjs.locale(DAYJS_LOCALE[storedLocale()]);
