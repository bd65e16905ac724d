// Compiler diagnostics placed in both panes: as character ranges in the text, and on the canvas node whose
// characters contain them (the innermost one).
import type { Diagnostic } from "../api/types";
import type { FlowGraph, GraphNode } from "./flowGraph";
import { offsetOf, type YamlFile } from "./yamlFile";

/** [from, to) of a diagnostic in the text; a point becomes the rest of its word (at least one character). */
export function diagnosticRange(file: YamlFile, d: Diagnostic): [number, number] {
  const from = offsetOf(file, d.line, d.column);
  let to = d.endLine > d.line || (d.endLine === d.line && d.endColumn > d.column) ? offsetOf(file, d.endLine, d.endColumn) : from;
  if (to <= from) {
    const rest = file.text.slice(from).match(/^[^\s,\]}]*/)?.[0].length ?? 0;
    to = Math.min(file.text.length, from + Math.max(1, rest));
  }
  return [Math.min(from, file.text.length), Math.max(to, Math.min(from + 1, file.text.length))];
}

/** The innermost node whose characters contain the offset (the cursor's node), or undefined. */
export function nodeAtOffset(graph: FlowGraph, offset: number): GraphNode | undefined {
  let best: GraphNode | undefined;
  for (const node of graph.nodes) {
    const [from, to] = node.range;
    if (offset < from || offset > to) continue;
    if (!best || to - from < best.range[1] - best.range[0]) best = node;
  }
  return best;
}

/** Each diagnostic of this file on the node it concerns (a diagnostic outside every flow goes on the first one). */
export function diagnosticsByNode(file: YamlFile, graph: FlowGraph, diagnostics: readonly Diagnostic[]): Map<string, Diagnostic[]> {
  const result = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const node = nodeAtOffset(graph, offsetOf(file, d.line, d.column)) ?? graph.nodes[0];
    if (!node) continue;
    result.set(node.id, [...(result.get(node.id) ?? []), d]);
  }
  return result;
}
