// The page's calls that follow its state: a scenario run again whenever the scenario or the flows change, and the
// service's counts for the chosen period, fetched again every little while; and state that handlers read as it is now.
import { useCallback, useEffect, useRef, useState } from "react";
import type { StudioApi } from "./api/client";
import type { LiveCounts, ScenarioRun } from "./api/types";

const runDelay = 400;
const countsEvery = 10_000;

/** A scenario the page holds: picked from a folder (root and path), recorded from a live conversation, or new. */
export interface ScenarioDoc {
  readonly name: string;
  readonly text: string;
  readonly root?: string;
  readonly path?: string;
  readonly version?: string | null;
}

/**
 * The scenario's run against the flows as the page has them: again a moment after either changes. `flows` are the
 * page's texts of the files that differ from disk (a stable key says when they changed).
 */
export function useScenarioRun(api: StudioApi, scenario: ScenarioDoc | null, flows: { path: string; text: string }[], flowsKey: string, active: boolean) {
  const [run, setRun] = useState<{ text: string; result: ScenarioRun } | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!scenario || !active) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      setRunning(true);
      performance.mark("timeline-request");
      api.runScenario(scenario.name, scenario.text, flows, abort.signal)
        .then((result) => {
          performance.mark("timeline-data");
          setRun({ text: scenario.text, result });
          setError(null);
        })
        .catch((e: Error) => (e.name === "AbortError" ? undefined : setError(e.message)))
        .finally(() => setRunning(false));
    }, runDelay);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
    // flowsKey stands for the flows' texts.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, scenario?.name, scenario?.text, flowsKey, active]);

  return { run, running, error };
}

/** The service's counts for the period (null: off), fetched again every few seconds and on `refresh`. */
export function useLiveCounts(api: StudioApi, period: string | null) {
  const [counts, setCounts] = useState<LiveCounts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (!period) {
      setCounts(null);
      return;
    }
    let cancelled = false;
    const load = () => api.liveCounts(period)
      .then((c) => !cancelled && (setCounts(c), setError(null)))
      .catch((e: Error) => !cancelled && setError(e.message));
    void load();
    const timer = setInterval(() => void load(), countsEvery);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, period, tick]);

  return { counts: period ? counts : null, error, refresh };
}

/**
 * State whose ref holds every value as soon as it is set, for event handlers: a click can run before React has
 * rendered the click before it, when a handler's copy of the state is stale and an updater passed to React's setter
 * may run only at that render, after other handlers have moved on. The setter's updater runs at once, on the ref.
 */
export function useStateRef<T>(initial: T): [T, { readonly current: T }, (next: (now: T) => T) => void] {
  const [value, setValue] = useState(initial);
  const ref = useRef(initial);
  const set = useCallback((next: (now: T) => T) => {
    ref.current = next(ref.current);
    setValue(ref.current);
  }, []);
  return [value, ref, set];
}
