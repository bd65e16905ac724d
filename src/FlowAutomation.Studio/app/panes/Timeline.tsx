// A conversation on the clock, a dry run's or a live one's: the customer's events on the left, what the flows did in
// the middle, the business's messages on the right; a band beside each entry for the reply window it falls in; above,
// the reply windows to scale with every event on them, the messages left in the window, and each expectation's verdict.
// Selecting an entry selects the flow node and the YAML that produced it (App).
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { PendingFollowUp, TimelineEntry, TimelineVerdict, TimelineWindow } from "../api/types";
import { Icon } from "../canvas/icons";
import { bandAt, clockWords, coverage, durationWords, offsetWords, overviewRange, tally, windowsAlong, windowSpans, type Band } from "../model/timeline";

interface Props {
  entries: readonly TimelineEntry[];
  /** The virtual clock's start (a scenario's), from which offsets are counted; the first entry's time otherwise. */
  start?: string | null;
  expectations?: readonly TimelineVerdict[];
  pending?: readonly PendingFollowUp[];
  /** The service's clock, for "due in" (live conversations). */
  now?: string;
  selected: number | null;
  onSelect(entry: TimelineEntry): void;
  onSelectVerdict?(verdict: TimelineVerdict): void;
  onSelectPending?(pending: PendingFollowUp): void;
  header?: ReactNode;
  empty?: ReactNode;
}

// Each row holds one entry: it may use the lanes beside its own, and stays to its lane's side (left, middle, right).
const laneColumn = { customer: "3 / 5", flows: "3 / 6", business: "4 / 6" } as const;

export function Timeline(props: Props) {
  const { entries, selected, onSelect } = props;
  const start = props.start ?? entries[0]?.at ?? null;
  const along = useMemo(() => windowsAlong(entries), [entries]);
  const spans = useMemo(() => windowSpans(entries), [entries]);
  const totals = useMemo(() => tally(entries), [entries]);
  const focus = selected ?? entries.length - 1;
  const focusWindow = along[focus] ?? null;
  const { body, onScroll, shown, measure, virtual } = useWindowedRows(entries);

  // How long the timeline took from its data to the screen (the browser test reads these measures).
  useLayoutEffect(() => {
    if (entries.length === 0 || performance.getEntriesByName("timeline-data", "mark").length === 0) return;
    const frame = requestAnimationFrame(() => {
      performance.mark("timeline-painted");
      performance.measure("timeline-render", "timeline-data", "timeline-painted");
      // With a scenario run: from the request to the screen (the run on the server and the transfer included).
      if (performance.getEntriesByName("timeline-request", "mark").length > 0) performance.measure("timeline-run-and-render", "timeline-request", "timeline-painted");
      performance.clearMarks("timeline-data");
      performance.clearMarks("timeline-request");
    });
    return () => cancelAnimationFrame(frame);
  }, [entries]);

  return (
    <section className="timeline" data-testid="timeline" aria-label="Timeline">
      <div className="tl-head">
        {props.header}
        <div className={`tl-summary ${props.expectations && props.expectations.length > 0 ? "with-verdicts" : ""}`}>
          <div className="tl-overview-box">
            <Overview entries={entries} spans={spans} start={start} focus={entries[focus]?.at ?? null} focusWindow={focusWindow} />
            <div className="tl-chips">
              <span className="chip chip-sent" data-testid="tl-sent"><Icon name="send" size={12} /> {totals.sent} sent</span>
              {[...totals.refused].map(([reason, n]) => (
                <span className="chip chip-refused" data-testid="tl-refused" data-reason={reason} key={reason}><Icon name="block" size={12} /> {n} refused · {reason}</span>
              ))}
              {totals.fired.length > 0 && <span className="chip chip-fired"><Icon name="bolt" size={12} /> {totals.fired.join(", ")}</span>}
              {props.pending && props.pending.length > 0 && <span className="chip chip-pending"><Icon name="clock" size={12} /> {props.pending.length} follow-up{props.pending.length > 1 ? "s" : ""} waiting</span>}
            </div>
          </div>
          <Gauge window={focusWindow} at={entries[focus]?.at ?? null} />
          {props.expectations && props.expectations.length > 0 && <Verdicts verdicts={props.expectations} onSelect={props.onSelectVerdict} />}
        </div>
      </div>
      <div className="tl-lanes">
        <span />
        <span />
        <span className="lane-title lane-customer"><Icon name="user" size={13} /> Customer</span>
        <span className="lane-title lane-flows"><Icon name="bolt" size={13} /> Flows</span>
        <span className="lane-title lane-business"><Icon name="chat" size={13} /> Business</span>
      </div>
      <div className="tl-body" ref={body} onScroll={onScroll} data-entries={entries.length}>
        {entries.length === 0 && <div className="tl-empty muted">{props.empty ?? "Nothing happened yet."}</div>}
        {shown.top > 0 && <div style={{ height: shown.top }} />}
        {entries.slice(shown.from, shown.to).map((e, k) => {
          const i = shown.from + k;
          return (
            <Row key={e.index} entry={e} start={start} window={along[i] ?? null} showTime={i === 0 || entries[i - 1]!.at !== e.at}
              selected={selected === e.index} onSelect={onSelect} measure={virtual ? measure : undefined} />
          );
        })}
        {shown.bottom > 0 && <div style={{ height: shown.bottom }} />}
        {props.pending?.map((p) => (
          <div className="tl-row tl-pending" key={p.id} data-testid="timeline-pending" onClick={() => props.onSelectPending?.(p)}>
            <div className="tl-time"><b>{start ? offsetWords(p.dueAt, start) : ""}</b><span>{clockWords(p.dueAt)}</span></div>
            <div className="tl-band band-none" />
            <div className="tl-cell tl-cell-flows" style={{ gridColumn: laneColumn.flows }}>
              <div className="tl-note tl-note-pending">
                <Icon name="clock" size={14} />
                <span>follow-up <b>{p.followUp}</b> of {p.flow} waits: due {clockWords(p.dueAt)}{props.now ? ` (in ${durationWords(Date.parse(p.dueAt) - Date.parse(props.now))})` : ""}</span>
              </div>
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}

const Row = memo(function Row({ entry: e, start, window, showTime, selected, onSelect, measure }: {
  entry: TimelineEntry; start: string | null; window: TimelineWindow | null; showTime: boolean; selected: boolean; onSelect(e: TimelineEntry): void;
  measure?: (index: number, element: HTMLDivElement | null) => void;
}) {
  const band = bandAt(window, e.at);
  return (
    <div ref={measure ? (el) => measure(e.index, el) : undefined} data-index={e.index} className={`tl-row ${selected ? "is-selected" : ""} ${e.kind === "event" && e.depth === 0 && e.lane !== "flows" ? "tl-step" : ""}`}
      data-testid="timeline-entry" data-kind={e.kind} data-lane={e.lane} data-status={e.status ?? undefined} data-reason={e.reason ?? undefined}
      data-flow={e.flow ?? undefined} data-node={e.node ?? undefined} onClick={() => onSelect(e)}>
      <div className="tl-time">{showTime && <><b>{start ? offsetWords(e.at, start) : ""}</b><span>{clockWords(e.at)}</span></>}</div>
      <div className={`tl-band band-${band}`} title={bandTitle(band, window)} />
      <div className={`tl-cell tl-cell-${e.lane}`} style={{ gridColumn: laneColumn[e.lane] }}>
        <Card entry={e} window={window} selected={selected} />
      </div>
    </div>
  );
});

function bandTitle(band: Band, w: TimelineWindow | null): string {
  if (!w || band === "none") return "no reply window yet: the customer has not written";
  if (band === "closed") return `the reply window closed ${clockWords(w.closesAt)}`;
  return `reply window open until ${clockWords(w.closesAt)}${w.allowed !== null ? `; ${w.left ?? w.allowed - w.used} of ${w.allowed} messages left` : ""}`;
}

const eventWords: Record<string, [string, string]> = {
  "message.received": ["chat", "Message"],
  "lead.submitted": ["lead", "Lead form"],
  "referral.received": ["link", "From an ad or link"],
  "agent.sent": ["user", "Sent by a person"],
  "follow_up": ["clock", "Follow-up due"],
  "contact.tagged": ["tag", "Tagged"],
  "advance": ["forward", "The clock moves on"],
  "limit": ["warn", "Tag chain cut"],
};

/** What the customer sent, without the event's name: `message.received "Hi"` → Hi. */
function said(e: TimelineEntry): string {
  const type = e.type ?? "";
  let text = e.text.startsWith(type) ? e.text.slice(type.length).trim() : e.text;
  if (text.startsWith('"') && text.lastIndexOf('"') > 0) text = text.slice(1, text.lastIndexOf('"')) + text.slice(text.lastIndexOf('"') + 1);
  return text;
}

function Card({ entry: e, window, selected }: { entry: TimelineEntry; window: TimelineWindow | null; selected: boolean }) {
  if (e.kind === "event") {
    const [icon, label] = eventWords[e.type ?? ""] ?? ["bolt", e.type ?? "event"];
    if (e.lane === "customer")
      return (
        <div className="tl-in">
          <div className="bubble-in">{said(e) || label}</div>
          <div className="tl-meta"><Icon name={icon} size={12} /> {label}{e.window && <> · window open until {clockWords(e.window.closesAt)}</>}</div>
        </div>
      );
    if (e.lane === "business")
      return (
        <div className="tl-out">
          <div className="bubble-agent">{said(e)}</div>
          <div className="tl-meta"><Icon name={icon} size={12} /> {label}: uses the window's quota</div>
        </div>
      );
    return <div className={`tl-note tl-note-event depth-${Math.min(e.depth, 3)}`}><Icon name={icon} size={14} /><span>{e.type === "advance" ? label : e.text}</span></div>;
  }
  if (e.kind === "rule")
    return (
      <div className={`tl-rule ${e.status === "fired" ? "fired" : "not-fired"}`}>
        <div className="tl-rule-head"><Icon name="bolt" size={14} /> <b>{e.flow}</b> {e.status === "fired" ? "fired" : "did not fire"}</div>
        {selected && e.conditions && e.conditions.length > 0 && (
          <ul className="tl-conditions">
            {e.conditions.map((c, i) => (
              <li key={i} className={c.result ? "ok" : "no"} style={{ paddingLeft: c.depth * 12 }}>
                {c.result ? "✔" : "✘"} {c.path} {c.operator} {c.expected}{c.actual ? <span className="muted"> (was {c.actual})</span> : null}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  if (e.action === "reply") return <Reply entry={e} window={window} selected={selected} />;
  return (
    <div className={`tl-note tl-action status-${e.status}`}>
      <Icon name={actionIcon[e.action ?? ""] ?? "check"} size={14} />
      <span>{e.text}</span>
      <span className="tl-flow-tag">{e.flow}</span>
    </div>
  );
}

const actionIcon: Record<string, string> = {
  tag: "tag", untag: "untag", assign: "user", unassign: "user", set: "pencil", follow_up: "clock", report_spam: "flag", close: "check", stop: "stop",
};

function Reply({ entry: e, window, selected }: { entry: TimelineEntry; window: TimelineWindow | null; selected: boolean }) {
  const content = e.content === "image" ? <span className="mono">{e.message}</span> : e.content === "share_post" ? <>shared post <span className="mono">{e.message}</span></> : e.message;
  if (e.status === "sent")
    return (
      <div className="tl-out tl-out-row">
        <div className="tl-meta"><span className="tl-flow-tag">{e.flow}</span>{window && window.allowed !== null && <span className="tl-count" title={`message ${window.used} of the ${window.allowed} the window allows`}>{window.used}/{window.allowed}</span>}</div>
        <div className="bubble-out">{content}</div>
      </div>
    );
  const why = e.text.includes("): ") ? e.text.slice(e.text.indexOf("): ") + 3) : e.text;
  return (
    <div className="tl-out">
      <div className="tl-out-row">
        <div className="tl-meta"><span className="tl-flow-tag">{e.flow}</span></div>
        <div className="bubble-refused">{content}</div>
      </div>
      <div className="tl-refusal" data-testid="refusal">
        <div className="tl-refusal-head"><Icon name="block" size={13} /> refused: <span className="reason">{e.reason}</span></div>
        {window && (
          <div className="tl-numbers">
            {window.allowed !== null && <span><b>{window.left ?? Math.max(0, window.allowed - window.used)}</b> of {window.allowed} messages left</span>}
            <span>{window.open ? "window closes" : "window closed"} <b>{clockWords(window.closesAt)}</b></span>
          </div>
        )}
        {(selected || !window) && <div className="tl-why">{why}</div>}
      </div>
    </div>
  );
}

/** The reply windows to scale on the virtual clock, with every customer event, message sent and refusal on them. */
function Overview({ entries, spans, start, focus, focusWindow }: {
  entries: readonly TimelineEntry[]; spans: ReturnType<typeof windowSpans>; start: string | null; focus: string | null; focusWindow: TimelineWindow | null;
}) {
  const [from, to] = overviewRange(entries, spans, start);
  // Windows that overlap are drawn as the time they cover together; the one at the selected entry stands out.
  const drawn = useMemo(() => (spans.length > 20 ? coverage(spans) : spans), [spans]);
  // A little room at both ends, so that ticks at the very start or end show whole.
  const x = (t: number) => 12 + ((t - from) / (to - from)) * 976;
  const ticks = (pick: (e: TimelineEntry) => boolean) =>
    entries.filter(pick).map((e) => `M${x(Date.parse(e.at)).toFixed(1)} 0V1`).join("");
  const customer = ticks((e) => e.lane === "customer" && e.kind === "event");
  const sent = ticks((e) => e.action === "reply" && e.status === "sent");
  const refused = ticks((e) => e.status === "blocked");
  return (
    <div className="tl-overview" data-testid="window-bar">
      <div className="tl-overview-caption">
        <span>Reply window{spans.length > 1 ? "s" : ""}</span>
        {focusWindow ? (
          <span className="muted">{clockWords(focusWindow.opensAt)} → {clockWords(focusWindow.closesAt)} ({durationWords(Date.parse(focusWindow.closesAt) - Date.parse(focusWindow.opensAt))}){focusWindow.open ? "" : ", closed"}</span>
        ) : <span className="muted">none yet: the customer has not written</span>}
      </div>
      <svg className="tl-overview-svg" viewBox="0 0 1000 48" preserveAspectRatio="none" aria-hidden="true">
        <line x1="0" x2="1000" y1="24" y2="24" className="ov-axis" vectorEffect="non-scaling-stroke" />
        {drawn.map((s) => (
          <rect key={s.opensAt} x={x(s.opensAt)} width={Math.max(1, x(s.closesAt) - x(s.opensAt))} y={17} height={14} rx={3} className="ov-window" vectorEffect="non-scaling-stroke" />
        ))}
        {focusWindow && (
          <rect x={x(Date.parse(focusWindow.opensAt))} width={Math.max(1, x(Date.parse(focusWindow.closesAt)) - x(Date.parse(focusWindow.opensAt)))} y={17} height={14} rx={3}
            className="ov-window ov-window-focus" vectorEffect="non-scaling-stroke" />
        )}
        <g transform="translate(0 3) scale(1 10)"><path d={customer} className="ov-tick ov-customer" vectorEffect="non-scaling-stroke" /></g>
        <g transform="translate(0 35) scale(1 10)"><path d={sent} className="ov-tick ov-sent" vectorEffect="non-scaling-stroke" /></g>
        <g transform="translate(0 33) scale(1 13)"><path d={refused} className="ov-tick ov-refused" vectorEffect="non-scaling-stroke" /></g>
        {focus && <line x1={x(Date.parse(focus))} x2={x(Date.parse(focus))} y1="0" y2="48" className="ov-focus" vectorEffect="non-scaling-stroke" />}
      </svg>
      <div className="tl-overview-axis">
        <span>{clockWords(from)}</span>
        <span className="ov-legend"><i className="lg-customer" /> customer <i className="lg-sent" /> sent <i className="lg-refused" /> refused</span>
        <span>{clockWords(to)}</span>
      </div>
    </div>
  );
}

/** The messages left in the reply window at the selected entry (the last one when none is selected). */
function Gauge({ window, at }: { window: TimelineWindow | null; at: string | null }) {
  const band = at ? bandAt(window, at) : "none";
  const allowed = window?.allowed ?? null;
  const left = window ? (window.left ?? (allowed === null ? null : Math.max(0, allowed - window.used))) : null;
  return (
    <div className={`gauge gauge-${band}`} data-testid="gauge" data-left={left ?? undefined}>
      <div className="gauge-title">Messages left</div>
      {!window ? <div className="gauge-value muted">no window yet</div>
        : allowed === null ? <div className="gauge-value"><b>no limit</b></div>
        : (
          <>
            <div className="gauge-value"><b>{band === "closed" ? 0 : left}</b> of {allowed}</div>
            <div className="gauge-cells">
              {Array.from({ length: Math.min(allowed, 20) }, (_, i) => <span key={i} className={i < window.used || band === "closed" ? "used" : "free"} />)}
            </div>
          </>
        )}
      {window && <div className="gauge-note">{band === "closed" ? "window closed" : "window closes"} {clockWords(window.closesAt)}</div>}
    </div>
  );
}

function Verdicts({ verdicts, onSelect }: { verdicts: readonly TimelineVerdict[]; onSelect?(v: TimelineVerdict): void }) {
  const failed = verdicts.filter((v) => !v.passed).length;
  return (
    <div className="verdicts">
      <div className={`verdicts-title ${failed ? "problem-error" : "ok"}`}>
        <Icon name={failed ? "warn" : "check"} size={14} /> Expectations: {failed ? `${failed} of ${verdicts.length} not met` : `all ${verdicts.length} met`}
      </div>
      <ul>
        {verdicts.map((v, i) => (
          <li key={i} className={v.passed ? "passed" : "failed"} data-testid="verdict" data-passed={v.passed} onClick={() => onSelect?.(v)}>
            <span className="verdict-mark">{v.passed ? "✔" : "✘"}</span>
            <span>{v.expectation}</span>
            {v.failure && <span className="verdict-failure">{v.failure}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Above this many entries, only the rows in view (and some around them) are in the page. */
const windowFrom = 200;
const overscan = 800;

/** A first guess of a row's height, before it has been measured. */
function estimateHeight(e: TimelineEntry): number {
  if (e.status === "blocked") return 96;
  if (e.lane === "customer") return 58;
  if (e.action === "reply") return 38;
  return 32;
}

/**
 * Windowed rows for long timelines: each row's height is a guess until it has been in the page, then measured (and
 * watched while it stays); the rows above and below the ones in view are a spacer each, so that the scroll bar and
 * positions are those of the whole timeline. Short timelines are drawn whole.
 */
function useWindowedRows(entries: readonly TimelineEntry[]) {
  const virtual = entries.length > windowFrom;
  const body = useRef<HTMLDivElement>(null);
  // Heights are of this timeline's rows: a new timeline starts from guesses again.
  const store = useRef({ entries, heights: new Map<number, number>(), elements: new Map<number, HTMLDivElement>() });
  if (store.current.entries !== entries) store.current = { entries, heights: new Map(), elements: new Map() };
  const heights = { current: store.current.heights };
  const [measured, setMeasured] = useState(0);
  const [view, setView] = useState({ top: 0, height: 1200 });
  const observer = useRef<ResizeObserver | null>(null);
  const pending = useRef(false);

  const bump = useCallback(() => {
    if (pending.current) return;
    pending.current = true;
    requestAnimationFrame(() => {
      pending.current = false;
      setMeasured((n) => n + 1);
    });
  }, []);

  useEffect(() => {
    if (!virtual) return;
    observer.current = new ResizeObserver((items) => {
      let changed = false;
      for (const item of items) {
        const index = Number((item.target as HTMLElement).dataset.index);
        const height = (item.target as HTMLElement).offsetHeight;
        if (height > 0 && store.current.heights.get(index) !== height) {
          store.current.heights.set(index, height);
          changed = true;
        }
      }
      if (changed) bump();
    });
    return () => observer.current?.disconnect();
  }, [virtual, bump]);

  const measure = useCallback((index: number, element: HTMLDivElement | null) => {
    const elements = store.current.elements;
    const previous = elements.get(index);
    if (previous && previous !== element) observer.current?.unobserve(previous);
    if (element) {
      elements.set(index, element);
      observer.current?.observe(element);
    } else elements.delete(index);
  }, []);

  // Where each row starts: measured heights, guesses for the others.
  const offsets = useMemo(() => {
    const result = new Float64Array(entries.length + 1);
    if (!virtual) return result;
    entries.forEach((e, i) => (result[i + 1] = result[i]! + (heights.current.get(e.index) ?? estimateHeight(e))));
    return result;
    // `measured` says the heights changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [entries, virtual, measured]);

  useEffect(() => {
    if (body.current) setView({ top: body.current.scrollTop, height: body.current.clientHeight || 1200 });
  }, [entries]);

  const onScroll = useCallback(() => {
    const el = body.current;
    if (el && virtual) setView({ top: el.scrollTop, height: el.clientHeight });
  }, [virtual]);

  if (!virtual) return { body, onScroll, measure, virtual, shown: { from: 0, to: entries.length, top: 0, bottom: 0 } };
  const first = (y: number) => {
    let lo = 0, hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (offsets[mid + 1]! <= y) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const from = first(Math.max(0, view.top - overscan));
  const to = Math.min(entries.length, first(view.top + view.height + overscan) + 1);
  const total = offsets[entries.length]!;
  return { body, onScroll, measure, virtual, shown: { from, to, top: offsets[from]!, bottom: total - offsets[to]! } };
}
