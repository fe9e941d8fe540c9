import { Card, Flex } from "antd";
import { useEffect, useId, useRef, type ReactNode } from "react";
import { useI18n } from "../i18n";
import { navigationCount } from "../lib/router";

/**
 * A page: its one <h1> (focused after an in-app navigation, so a screen reader announces where the user is), the
 * document title, the page's actions beside the heading, then its content.
 */
export function Page({ title, extra, children }: { title: string; extra?: ReactNode; children: ReactNode }) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = `${title} · ${t("app.name")}`;
  }, [title, t]);

  useEffect(() => {
    if (navigationCount() > 0) heading.current?.focus({ preventScroll: true });
  }, []);

  return (
    <div className="page">
      <Flex className="page-head" justify="space-between" align="center" wrap gap="small">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {extra ? (
          <Flex wrap gap="small" align="center">
            {extra}
          </Flex>
        ) : null}
      </Flex>
      <Flex vertical gap="middle">
        {children}
      </Flex>
    </div>
  );
}

/** A titled part of a page: a card whose heading is an <h2> that names the region for assistive technology. */
export function Section({ title, extra, children, testId }: { title: string; extra?: ReactNode; children: ReactNode; testId?: string }) {
  const id = useId();
  return (
    <section aria-labelledby={id} data-testid={testId}>
      <Card
        title={
          <h2 id={id} className="section-title">
            {title}
          </h2>
        }
        extra={extra}
        size="small"
      >
        {children}
      </Card>
    </section>
  );
}
