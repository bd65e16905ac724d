import { describe, expect, it } from "vitest";
import type { LiveCounts } from "../app/api/types";
import { buildFlowGraph } from "../app/model/flowGraph";
import { cardBadges, nodeBadges } from "../app/model/liveBadges";
import { parseYamlFile } from "../app/model/yamlFile";
import { read } from "./repoFiles";

const graph = buildFlowGraph(parseYamlFile(read("samples/guard/flows/guard-demo.yaml")));

const counts: LiveCounts = {
  from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z", events: { "message.received": 3 },
  flows: [
    { flow: "catalogue", trigger: "message.received", reached: 3, fired: 2, sent: 12, refused: 0, refusedBy: {}, nodes: [{ node: "then/0", action: "reply", statuses: { sent: 2 }, refused: {} }] },
    {
      flow: "new-arrivals", trigger: "message.received", reached: 3, fired: 1, sent: 4, refused: 1, refusedBy: { quota_exhausted: 1 },
      nodes: [{ node: "then/4", action: "reply", statuses: { blocked: 1 }, refused: { quota_exhausted: 1 } }],
    },
  ],
};

const labels = (id: string) => nodeBadges(graph.nodes, counts).get(id)?.map((b) => b.label);

describe("live counts as badges", () => {
  it("puts events reached and fired on a trigger, passes on conditions, sent and refusals on a reply", () => {
    expect(labels("0:trigger")).toEqual(["3 events", "2 fired"]);
    expect(labels("0:when")).toEqual(["2 of 3 passed"]);
    expect(labels("0:then/0")).toEqual(["2 sent"]);
    expect(labels("1:then/4")).toEqual(["0 sent", "1 quota_exhausted"]);
  });

  it("counts a flow the service does not run by the events of its trigger", () => {
    const lead = graph.flows.find((f) => f.id === "lead-hello")!;
    expect(labels(lead.triggerNode)).toEqual(["0 events", "0 fired"]);
    expect(cardBadges(graph.flows.find((f) => f.id === "new-arrivals")!, counts).map((b) => b.label)).toEqual(["3 in", "1 fired", "4 sent", "1 quota_exhausted"]);
  });
});
