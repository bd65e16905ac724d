// A timeline as the page reads it: times in words on the virtual clock, the reply windows the entries lived in, the
// window as it stood at each entry (for the bar and the gauge), and the flow node each entry came from.
import type { TimelineEntry, TimelineWindow } from "../api/types";
import type { FlowCard } from "./chains";

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

const time = (t: string | number): number => (typeof t === "number" ? t : Date.parse(t));

/** A duration as the flow language writes it: 45s, 5m, 1h30m, 48h, and 4d2h past four days (as the transcripts do). */
export function durationWords(ms: number): string {
  if (ms <= 0) return "0s";
  const parts: string[] = [];
  const add = (n: number, unit: string) => {
    if (n > 0) parts.push(`${n}${unit}`);
  };
  if (ms < 4 * day) add(Math.floor(ms / hour), "h");
  else {
    add(Math.floor(ms / day), "d");
    add(Math.floor((ms % day) / hour), "h");
  }
  add(Math.floor((ms % hour) / minute), "m");
  add(Math.floor((ms % minute) / second), "s");
  return parts.length === 0 ? "0s" : parts.join("");
}

/** "+0s", "+5m", "+2d3h": the time since the scenario's start. */
export const offsetWords = (at: string | number, start: string | number): string => "+" + durationWords(time(at) - time(start));

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => String(n).padStart(2, "0");

/** "2 Mar 02:00" in UTC (the virtual clock and the service's records are UTC). */
export function clockWords(at: string | number): string {
  const d = new Date(time(at));
  const seconds = d.getUTCSeconds() ? `:${pad(d.getUTCSeconds())}` : "";
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${seconds}`;
}

/** For each entry, the reply window as it stood then: the latest one an entry carried at or before it (null before any). */
export function windowsAlong(entries: readonly TimelineEntry[]): (TimelineWindow | null)[] {
  let current: TimelineWindow | null = null;
  return entries.map((e) => (current = e.window ?? current));
}

export interface WindowSpan { opensAt: number; closesAt: number }

/** The reply windows the timeline went through, each once, in order. */
export function windowSpans(entries: readonly TimelineEntry[]): WindowSpan[] {
  const spans: WindowSpan[] = [];
  const seen = new Set<number>();
  for (const e of entries) {
    if (!e.window) continue;
    const opensAt = time(e.window.opensAt);
    if (seen.has(opensAt)) continue;
    seen.add(opensAt);
    spans.push({ opensAt, closesAt: time(e.window.closesAt) });
  }
  return spans;
}

/** The time covered by at least one window, as few spans as can say it (for drawing many windows). */
export function coverage(spans: readonly WindowSpan[]): WindowSpan[] {
  const sorted = [...spans].sort((a, b) => a.opensAt - b.opensAt);
  const merged: WindowSpan[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.opensAt <= last.closesAt) merged[merged.length - 1] = { opensAt: last.opensAt, closesAt: Math.max(last.closesAt, s.closesAt) };
    else merged.push({ ...s });
  }
  return merged;
}

/** How the reply window stands at an entry: none yet, open (with room, little room, or none left), or closed. */
export type Band = "none" | "open" | "low" | "full" | "closed";

export function bandAt(window: TimelineWindow | null, at: string | number): Band {
  if (!window) return "none";
  if (time(at) >= time(window.closesAt)) return "closed";
  if (window.allowed === null) return "open";
  const left = window.left ?? window.allowed - window.used;
  return left <= 0 ? "full" : left <= 2 ? "low" : "open";
}

/** The span of time the overview shows: from the start (or first entry) to the last entry or the last window's close, whichever is later. */
export function overviewRange(entries: readonly TimelineEntry[], spans: readonly WindowSpan[], start?: string | null): [number, number] {
  const first = entries[0];
  const last = entries[entries.length - 1];
  const froms = [start ? time(start) : NaN, first ? time(first.at) : NaN, ...spans.map((s) => s.opensAt)].filter(Number.isFinite);
  const from = froms.length > 0 ? Math.min(...froms) : 0;
  const tos = [last ? time(last.at) : NaN, ...spans.map((s) => s.closesAt)].filter(Number.isFinite);
  return [from, Math.max(from + minute, ...tos)];
}

/** Where an entry of a flow is drawn: the file holding the flow, and its node (the trigger for a flow that fired). */
export function entryNode(entry: { flow: string | null; node: string | null }, cards: readonly FlowCard[]): { file: string; nodeId: string; doc: number } | null {
  if (!entry.flow) return null;
  // A follow-up's condition is traced under its own id (flow#1): it belongs to its flow.
  const flowId = entry.flow.split("#")[0];
  const card = cards.find((c) => c.id === flowId);
  if (!card) return null;
  return { file: card.file, doc: card.doc, nodeId: `${card.doc}:${entry.node ?? "trigger"}` };
}

/** What the entries add up to: messages sent, refusals by reason, flows fired. */
export function tally(entries: readonly TimelineEntry[]): { sent: number; refused: Map<string, number>; fired: string[] } {
  const refused = new Map<string, number>();
  const fired: string[] = [];
  let sent = 0;
  for (const e of entries) {
    if (e.kind === "action" && e.action === "reply" && e.status === "sent") sent++;
    if (e.kind === "action" && e.status === "blocked" && e.reason) refused.set(e.reason, (refused.get(e.reason) ?? 0) + 1);
    if (e.kind === "rule" && e.status === "fired" && e.flow && !fired.includes(e.flow)) fired.push(e.flow);
  }
  return { sent, refused, fired };
}
