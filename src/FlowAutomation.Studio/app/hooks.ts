// The page's calls that follow its state: a scenario run again whenever the scenario or the flows change, and the
// service's counts for the chosen period, fetched again every little while.
import { useCallback, useEffect, useState } from "react";
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
