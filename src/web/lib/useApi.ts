import { useCallback, useEffect, useRef, useState } from "react";

/**
 * Loads data for a component. `key` names what is wanted (change it to reload; null to wait); `load` fetches it.
 * The last answer stays on screen while the next one loads, so tables do not flash empty between pages.
 */
export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

interface Answer<T> {
  key: string;
  data?: T;
  error?: unknown;
}

export function useApi<T>(key: string | null, load: () => Promise<T>): Loaded<T> {
  const loader = useRef(load);
  useEffect(() => {
    loader.current = load;
  });
  const [generation, setGeneration] = useState(0);
  const [answer, setAnswer] = useState<Answer<T>>({ key: "" });
  const wanted = key === null ? null : `${generation}:${key}`;

  useEffect(() => {
    if (wanted === null) return;
    let live = true;
    loader.current().then(
      (data) => live && setAnswer({ key: wanted, data }),
      (error: unknown) => live && setAnswer((before) => ({ key: wanted, data: before.data, error })),
    );
    return () => {
      live = false;
    };
  }, [wanted]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: answer.data, error: answer.key === wanted ? answer.error : undefined, loading: wanted !== null && answer.key !== wanted, reload };
}
