import { describe, expect, it } from "vitest";
import { cardKey, tagChains, type FlowCard } from "../app/model/chains";
import { diagnosticsByNode, nodeAtOffset } from "../app/model/diagnostics";
import { buildFlowGraph } from "../app/model/flowGraph";
import { parseYamlFile } from "../app/model/yamlFile";
import { flowFiles, read } from "./repoFiles";

describe("YAML to graph", () => {
  const text = read("flows/price-inquiry.yaml");
  const file = parseYamlFile(text);
  const graph = buildFlowGraph(file);

  it("draws trigger, conditions, the actions in order, the follow-up with its delay and nested reply, and stop", () => {
    expect(graph.nodes.map((n) => n.kind)).toEqual(["trigger", "conditions", "tag", "assign", "reply", "reply", "follow_up", "reply", "stop"]);
    const followUp = graph.nodes.find((n) => n.kind === "follow_up")!;
    expect(followUp.data).toMatchObject({ after: "24h", unlessReplied: true });
    const wait = graph.edges.find((e) => e.source === followUp.id)!;
    expect(wait).toMatchObject({ kind: "wait", label: "after 24h" });
    // The flow's own actions go on from the action before the follow-up, not after it.
    const stop = graph.nodes.find((n) => n.kind === "stop")!;
    expect(graph.edges.find((e) => e.target === stop.id)!.source).toBe("0:then/3");
  });

  it("gives each node the characters of its YAML", () => {
    const reply = graph.nodes.find((n) => n.id === "0:then/2")!;
    expect(text.slice(reply.range[0], reply.range[1])).toMatch(/^reply: \{ text: "Hi /);
    const conditions = graph.nodes.find((n) => n.kind === "conditions")!;
    expect(text.slice(conditions.select[0], conditions.select[1])).toMatch(/^when:\n {2}message\.text/);
    expect(conditions.data).toMatchObject({ keywords: [{ field: "message.text", operator: "contains_any", values: ["price", "prices", "cost", "how much", "多少钱", "harga"] }] });
  });

  it("selects the innermost node at a cursor position", () => {
    const nested = text.indexOf("Any questions about pricing");
    expect(nodeAtOffset(graph, nested)!.id).toBe("0:then/4/follow_up/then/0");
    expect(nodeAtOffset(graph, text.indexOf("price-asked"))!.kind).toBe("tag");
    expect(nodeAtOffset(graph, text.indexOf("priority"))!.kind).toBe("trigger");
  });

  it("uses the compiler's words for conditions when it has them", () => {
    const withWords = buildFlowGraph(file, [{ id: "price-inquiry", path: "price-inquiry.yaml", line: 3, column: 1, conditions: ["message.text contains any of …"], followUps: [] }]);
    expect(withWords.nodes[1]!.data).toMatchObject({ lines: ["message.text contains any of …"], fromCompiler: true });
  });

  it("puts a diagnostic on the node whose characters contain it", () => {
    const line = text.split("\n").findIndex((l) => l.includes("after: 24h")) + 1;
    const byNode = diagnosticsByNode(file, graph, [{ path: "p", line, column: 14, endLine: line, endColumn: 17, severity: "error", code: "FA2002", message: "m" }]);
    expect([...byNode.keys()]).toEqual(["0:then/4"]);
  });

  it.each(flowFiles().filter((f) => !f.endsWith(".scenario.yaml")))("draws every flow of %s", (path) => {
    const f = parseYamlFile(read(path));
    const g = buildFlowGraph(f);
    expect(g.flows.length).toBe(f.documents.length);
    expect(g.nodes.filter((n) => n.kind === "unknown")).toEqual([]);
  });
});

describe("all flows", () => {
  it("links a flow that tags vip to the flow on contact.tagged with event.tag vip", () => {
    const cards: FlowCard[] = [];
    for (const path of flowFiles().filter((f) => f.startsWith("flows/"))) {
      const g = buildFlowGraph(parseYamlFile(read(path)));
      cards.push(...g.flows.map((f) => ({ ...f, file: path, key: cardKey(path, f.doc) })));
    }
    expect(tagChains(cards).map((e) => `${e.source} -${e.tag}-> ${e.target}`)).toEqual(["flows/vip-routing.yaml#0 -vip-> flows/vip-routing.yaml#1"]);
  });
});
