// A flow file as a graph: for each flow (YAML document), its trigger, its conditions in words, its actions in
// order, follow-ups with their delay and nested actions, and `stop`. Derived from the parsed Document after every
// change; node ids are YAML paths, so a selection survives re-parsing.
import { Document, isMap, isPair, isScalar, isSeq, type Node } from "yaml";
import type { FlowWords } from "../api/types";
import { conditionLines, keywordTests, type KeywordTest } from "./conditions";
import { nodeAt, offsetOf, pairAt, pairRange, rangeOf, soleKey, stringAt, stringList, type YamlFile, type YamlPath } from "./yamlFile";

export type NodeKind =
  | "trigger" | "conditions" | "reply" | "tag" | "untag" | "assign" | "unassign" | "set" | "follow_up"
  | "report_spam" | "close" | "stop" | "unknown";

export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  readonly doc: number;
  readonly flowId: string;
  /** The characters the node stands for: the cursor there selects it, a diagnostic there is drawn on it. */
  readonly range: readonly [number, number];
  /** The characters clicking the node selects. */
  readonly select: readonly [number, number];
  /** Where the node is in the YAML (for actions, the path of the item in its `then` list). */
  readonly path: YamlPath;
  readonly data: NodeData;
}

export type NodeData =
  | { kind: "trigger"; trigger: string; name?: string; priority?: string; oncePer?: string; enabled: boolean }
  | { kind: "conditions"; lines: string[]; keywords: KeywordTest[]; fromCompiler: boolean }
  | { kind: "reply"; content: "text" | "image" | "share_post" | "none"; value: string; valuePath: YamlPath; validity?: string }
  | { kind: "tag" | "untag"; tags: string[]; valuePath: YamlPath }
  | { kind: "assign"; team?: string; agent?: string; strategy?: string; valuePath: YamlPath }
  | { kind: "set"; fields: [string, string][] }
  | { kind: "follow_up"; after: string; afterPath: YamlPath; unlessReplied: boolean; when: string[]; seq: YamlPath }
  | { kind: "unknown"; key: string }
  | { kind: "report_spam" | "close" | "stop" | "unassign" };

export interface GraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly label?: string;
  readonly kind: "next" | "wait";
}

export interface FlowSummary {
  readonly doc: number;
  readonly id: string;
  readonly name?: string;
  readonly trigger: string;
  readonly range: readonly [number, number];
  /** Tags the flow adds (directly or in follow-ups). */
  readonly addsTags: string[];
  /** For `on: contact.tagged`: the tags it reacts to (event.tag equals / in), or null for any tag. */
  readonly listensTo: string[] | null;
  readonly triggerNode: string;
}

export interface FlowGraph {
  readonly flows: FlowSummary[];
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
}

export const nodeId = (doc: number, path: YamlPath | string): string => `${doc}:${typeof path === "string" ? path : path.join("/")}`;

/** The graph of every flow in the file. Words from the compiler replace the YAML's own spelling where given. */
export function buildFlowGraph(file: YamlFile, words: readonly FlowWords[] = []): FlowGraph {
  const graph: FlowGraph = { flows: [], nodes: [], edges: [] };
  file.documents.forEach((doc, index) => {
    if (!isMap(doc.contents)) return;
    addFlow(graph, file, doc, index, words);
  });
  return graph;
}

function addFlow(graph: FlowGraph, file: YamlFile, doc: Document.Parsed, index: number, words: readonly FlowWords[]): void {
  const contents = doc.contents as Node;
  const range = rangeOf(contents)!;
  const flowId = stringAt(doc, ["flow"]) ?? `flow ${index + 1}`;
  const trigger = stringAt(doc, ["on"]) ?? "";
  const compiled = words.find((w) => within(offsetOf(file, w.line, w.column), range));
  const triggerPair = pairAt(doc, ["on"]) ?? pairAt(doc, ["flow"]);
  const triggerId = nodeId(index, "trigger");
  graph.nodes.push({
    id: triggerId, kind: "trigger", doc: index, flowId, range, path: [],
    select: (triggerPair && pairRange(triggerPair)) ?? range,
    data: {
      kind: "trigger", trigger, name: stringAt(doc, ["name"]), priority: stringAt(doc, ["priority"]),
      oncePer: stringAt(doc, ["once_per"]), enabled: stringAt(doc, ["enabled"]) !== "false",
    },
  });
  let previous = triggerId;

  const when = pairAt(doc, ["when"]);
  if (when?.value) {
    const id = nodeId(index, "when");
    const whenRange = pairRange(when)!;
    graph.nodes.push({
      id, kind: "conditions", doc: index, flowId, range: whenRange, select: whenRange, path: ["when"],
      data: {
        kind: "conditions",
        lines: compiled ? compiled.conditions : conditionLines(when.value),
        keywords: keywordTests(when.value, ["when"]),
        fromCompiler: compiled !== undefined,
      },
    });
    graph.edges.push({ id: `${previous}->${id}`, source: previous, target: id, kind: "next" });
    previous = id;
  }

  const addsTags: string[] = [];
  addActions(graph, file, doc, index, flowId, ["then"], previous, compiled, addsTags);
  graph.flows.push({
    doc: index, id: flowId, name: stringAt(doc, ["name"]), trigger, range, addsTags, triggerNode: triggerId,
    listensTo: trigger === "contact.tagged" ? listenedTags(doc) : null,
  });
}

function addActions(
  graph: FlowGraph, file: YamlFile, doc: Document.Parsed, index: number, flowId: string, seqPath: YamlPath,
  from: string, compiled: FlowWords | undefined, addsTags: string[], waitLabel?: string,
): void {
  const seq = nodeAt(doc, seqPath);
  if (!isSeq(seq)) return;
  let previous = from;
  let label = waitLabel;
  seq.items.forEach((item, i) => {
    const path = [...seqPath, i];
    const node = actionNode(file, doc, index, flowId, item as Node, path, compiled);
    graph.nodes.push(node);
    graph.edges.push({ id: `${previous}->${node.id}`, source: previous, target: node.id, label, kind: label ? "wait" : "next" });
    label = undefined;
    if (node.data.kind === "tag") addsTags.push(...node.data.tags);
    if (node.data.kind === "follow_up") {
      addActions(graph, file, doc, index, flowId, node.data.seq, node.id, compiled, addsTags, `after ${node.data.after}`);
      return; // the flow's own actions go on at once, without waiting for the follow-up
    }
    previous = node.id;
  });
}

function actionNode(file: YamlFile, doc: Document.Parsed, index: number, flowId: string, item: Node, path: YamlPath, compiled: FlowWords | undefined): GraphNode {
  const range = rangeOf(item) ?? [0, 0];
  const base = { id: nodeId(index, path), doc: index, flowId, range, select: range, path } as const;
  const key = soleKey(item);
  const valuePath = [...path, key ?? ""];
  const value = isMap(item) && isPair(item.items[0]) ? item.items[0].value : null;
  switch (key) {
    case "reply": {
      if (isScalar(value)) // `- reply: "text"`, the short form
        return { ...base, kind: "reply", data: { kind: "reply", content: "text", value: String(value.value ?? ""), valuePath } };
      const content = (["text", "image", "share_post"] as const).find((k) => isMap(value) && value.has(k)) ?? "none";
      return {
        ...base, kind: "reply",
        data: {
          kind: "reply", content, value: content === "none" ? "" : stringAt(doc, [...valuePath, content]) ?? "",
          valuePath: [...valuePath, content], validity: stringAt(doc, [...valuePath, "validity"]),
        },
      };
    }
    case "tag": case "untag":
      return { ...base, kind: key, data: { kind: key, tags: stringList(value), valuePath } };
    case "assign":
      return {
        ...base, kind: "assign",
        data: {
          kind: "assign", team: stringAt(doc, [...valuePath, "team"]), agent: stringAt(doc, [...valuePath, "agent"]),
          strategy: stringAt(doc, [...valuePath, "strategy"]), valuePath,
        },
      };
    case "set":
      return {
        ...base, kind: "set",
        data: { kind: "set", fields: isMap(value) ? value.items.filter(isPair).map((p) => [String(isScalar(p.key) ? p.key.value : ""), String(isScalar(p.value) ? p.value.value : "")]) : [] },
      };
    case "follow_up": {
      const words = compiled?.followUps.find((f) => within(offsetOf(file, f.line, f.column), range));
      const whenNode = nodeAt(doc, [...valuePath, "when"]);
      return {
        ...base, kind: "follow_up",
        data: {
          kind: "follow_up", after: stringAt(doc, [...valuePath, "after"]) ?? "?", afterPath: [...valuePath, "after"],
          unlessReplied: stringAt(doc, [...valuePath, "unless"]) === "customer_replied",
          when: words ? words.conditions : whenNode ? conditionLines(whenNode) : [], seq: [...valuePath, "then"],
        },
      };
    }
    case "unassign": case "report_spam": case "close": case "stop":
      return { ...base, kind: key, data: { kind: key } };
    default:
      return { ...base, kind: "unknown", data: { kind: "unknown", key: key ?? "?" } };
  }
}

/** `event.tag: vip`, `event.tag: { equals: vip }` or `{ in: [a, b] }` at the top of `when`; null when the flow takes any tag. */
function listenedTags(doc: Document.Parsed): string[] | null {
  const test = nodeAt(doc, ["when", "event.tag"]);
  if (isScalar(test)) return [String(test.value)];
  if (isMap(test)) {
    const equals = nodeAt(doc, ["when", "event.tag", "equals"]) ?? nodeAt(doc, ["when", "event.tag", "in"]);
    if (equals) return stringList(equals);
  }
  return null;
}

function within(offset: number, range: readonly [number, number]): boolean {
  return offset >= range[0] && offset <= range[1];
}
