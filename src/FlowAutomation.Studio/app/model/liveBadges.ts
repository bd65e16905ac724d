// What the flows did in the service, as badges on the canvas: on a flow's trigger the events that reached it and the
// times it fired, on its conditions how many passed, on each action what it did (messages sent, refusals by reason,
// follow-ups scheduled, run and cancelled), and on each card of the all-flows view the flow's totals.
import type { LiveCounts, LiveFlowCounts } from "../api/types";
import type { FlowSummary, GraphNode } from "./flowGraph";

export type BadgeTone = "count" | "fired" | "sent" | "refused" | "muted";

export interface Badge { readonly label: string; readonly tone: BadgeTone; readonly title?: string }

const n = (x: number) => x.toLocaleString("en");

function flowOf(counts: LiveCounts, flowId: string): LiveFlowCounts | undefined {
  return counts.flows.find((f) => f.flow === flowId);
}

/** The events that reached a flow: the running service's count, or the events of its trigger for a flow it does not run (yet). */
function reached(counts: LiveCounts, flow: LiveFlowCounts | undefined, trigger: string): number {
  return flow?.reached ?? counts.events[trigger] ?? 0;
}

function refusals(refused: Record<string, number>): Badge[] {
  return Object.entries(refused).sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, count]) => ({ label: `${n(count)} ${reason}`, tone: "refused" as const, title: `${n(count)} refused by the guard: ${reason}` }));
}

/** The badges of each node of one file's graph. */
export function nodeBadges(nodes: readonly GraphNode[], counts: LiveCounts): Map<string, Badge[]> {
  const result = new Map<string, Badge[]>();
  for (const node of nodes) {
    const flow = flowOf(counts, node.flowId);
    const d = node.data;
    if (d.kind === "trigger") {
      const events = reached(counts, flow, d.trigger);
      result.set(node.id, [
        { label: `${n(events)} event${events === 1 ? "" : "s"}`, tone: "count", title: `events of ${d.trigger} that reached ${node.flowId}` },
        { label: `${n(flow?.fired ?? 0)} fired`, tone: "fired" },
      ]);
      continue;
    }
    if (d.kind === "conditions") {
      const events = flow?.reached ?? null;
      result.set(node.id, [{ label: events === null ? `${n(flow?.fired ?? 0)} passed` : `${n(flow?.fired ?? 0)} of ${n(events)} passed`, tone: "fired" }]);
      continue;
    }
    const at = flow?.nodes.find((c) => c.node === node.path.join("/"));
    const s = at?.statuses ?? {};
    const badges: Badge[] = [];
    if (d.kind === "reply") {
      badges.push({ label: `${n(s.sent ?? 0)} sent`, tone: "sent" }, ...refusals(at?.refused ?? {}));
    } else if (d.kind === "follow_up") {
      badges.push({ label: `${n(s.scheduled ?? 0)} scheduled`, tone: "count" });
      if (s.done) badges.push({ label: `${n(s.done)} ran`, tone: "fired" });
      if (s.cancelled) badges.push({ label: `${n(s.cancelled)} cancelled`, tone: "muted" });
      if (s.skipped) badges.push({ label: `${n(s.skipped)} skipped`, tone: "muted" });
    } else {
      badges.push({ label: `${n(s.done ?? 0)}×`, tone: "count", title: "times this action ran" });
    }
    result.set(node.id, badges);
  }
  return result;
}

/** A flow's totals for its card in the all-flows view. */
export function cardBadges(card: FlowSummary, counts: LiveCounts): Badge[] {
  const flow = flowOf(counts, card.id);
  return [
    { label: `${n(reached(counts, flow, card.trigger))} in`, tone: "count", title: "events that reached the flow" },
    { label: `${n(flow?.fired ?? 0)} fired`, tone: "fired" },
    { label: `${n(flow?.sent ?? 0)} sent`, tone: "sent" },
    ...refusals(flow?.refusedBy ?? {}),
  ];
}

/** The periods the page offers, as the API's `last`. */
export const periods: readonly { value: string; label: string }[] = [
  { value: "1h", label: "last hour" },
  { value: "24h", label: "last 24 hours" },
  { value: "7d", label: "last 7 days" },
  { value: "30d", label: "last 30 days" },
  { value: "all", label: "all time" },
];
