import { describe, expect, it } from "vitest";
import type { TimelineEntry, TimelineWindow } from "../app/api/types";
import type { FlowCard } from "../app/model/chains";
import { bandAt, clockWords, durationWords, entryNode, offsetWords, overviewRange, tally, windowsAlong, windowSpans } from "../app/model/timeline";

const window = (opensAt: string, used: number, allowed: number | null = 10): TimelineWindow => {
  const closesAt = new Date(Date.parse(opensAt) + 48 * 3600_000).toISOString();
  return { opensAt, closesAt, open: true, used, allowed, left: allowed === null ? null : allowed - used };
};

let index = 0;
const entry = (at: string, part: Partial<TimelineEntry>): TimelineEntry => ({
  index: index++, seq: null, at, kind: "action", lane: "flows", type: null, depth: 0, flow: null, node: null, action: null, status: null,
  reason: null, content: null, message: null, text: "", window: null, conditions: null, source: null, ...part,
});

const t0 = "2026-03-02T02:00:00.000Z";
const entries: TimelineEntry[] = [
  entry(t0, { kind: "event", lane: "customer", type: "message.received", window: window(t0, 0) }),
  entry(t0, { kind: "rule", flow: "catalogue", node: "trigger", status: "fired" }),
  entry(t0, { lane: "business", action: "reply", status: "sent", flow: "catalogue", node: "then/0", window: window(t0, 10) }),
  entry(t0, { lane: "business", action: "reply", status: "blocked", reason: "quota_exhausted", flow: "new-arrivals", node: "then/4", window: window(t0, 10) }),
  entry("2026-03-04T03:00:00.000Z", { kind: "event", type: "advance" }),
];

describe("the timeline's clock", () => {
  it("writes durations as the flow language does", () => {
    expect([0, 45_000, 300_000, 5_400_000, 48 * 3600_000, (4 * 24 + 2) * 3600_000].map(durationWords)).toEqual(["0s", "45s", "5m", "1h30m", "48h", "4d2h"]);
    expect(offsetWords("2026-03-02T02:05:00Z", t0)).toBe("+5m");
    expect(clockWords("2026-03-04T02:00:00Z")).toBe("4 Mar 02:00");
  });
});

describe("the reply window along a timeline", () => {
  it("carries the last window an entry showed to the entries after it", () => {
    const along = windowsAlong(entries);
    expect(along[1]).toBe(entries[0]!.window);
    expect(along[4]).toBe(entries[3]!.window);
  });

  it("bands an entry by the window it falls in: room, little or none left, closed", () => {
    expect(bandAt(null, t0)).toBe("none");
    expect(bandAt(window(t0, 3), t0)).toBe("open");
    expect(bandAt(window(t0, 9), t0)).toBe("low");
    expect(bandAt(window(t0, 10), t0)).toBe("full");
    expect(bandAt(window(t0, 1), "2026-03-04T02:00:00Z")).toBe("closed");
    expect(bandAt(window(t0, 40, null), t0)).toBe("open");
  });

  it("lists each window once, and the overview spans the events and the window's close", () => {
    const spans = windowSpans(entries);
    expect(spans).toEqual([{ opensAt: Date.parse(t0), closesAt: Date.parse("2026-03-04T02:00:00Z") }]);
    expect(overviewRange(entries, spans, t0)).toEqual([Date.parse(t0), Date.parse("2026-03-04T03:00:00Z")]);
  });
});

describe("entries and flows", () => {
  const cards = [
    { id: "catalogue", file: "guard-demo.yaml", doc: 0 },
    { id: "new-arrivals", file: "guard-demo.yaml", doc: 1 },
  ] as unknown as FlowCard[];

  it("finds the node that produced an entry: the action's path, the trigger for a flow that fired, a follow-up's flow", () => {
    expect(entryNode(entries[3]!, cards)).toEqual({ file: "guard-demo.yaml", doc: 1, nodeId: "1:then/4" });
    expect(entryNode(entries[1]!, cards)).toEqual({ file: "guard-demo.yaml", doc: 0, nodeId: "0:trigger" });
    expect(entryNode({ flow: "catalogue#1", node: null }, cards)?.nodeId).toBe("0:trigger");
    expect(entryNode({ flow: "gone", node: "then/0" }, cards)).toBeNull();
  });

  it("adds up messages sent, refusals by reason and flows fired", () => {
    const t = tally(entries);
    expect([t.sent, [...t.refused], t.fired]).toEqual([1, [["quota_exhausted", 1]], ["catalogue"]]);
  });
});
