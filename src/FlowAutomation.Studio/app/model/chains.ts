// The view of all flows: one card per flow, and the edges tag chaining makes between them: a flow that adds tag X
// feeds every flow `on: contact.tagged` whose `event.tag` is X (or that takes any tag).
import type { FlowSummary } from "./flowGraph";

export interface FlowCard extends FlowSummary {
  readonly file: string;
  readonly key: string;
}

export interface ChainEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly tag: string;
}

export const cardKey = (file: string, doc: number): string => `${file}#${doc}`;

export function tagChains(cards: readonly FlowCard[]): ChainEdge[] {
  const edges: ChainEdge[] = [];
  for (const from of cards) {
    for (const tag of new Set(from.addsTags)) {
      for (const to of cards) {
        if (to.trigger !== "contact.tagged") continue;
        if (to.listensTo !== null && !to.listensTo.includes(tag)) continue;
        edges.push({ id: `${from.key}->${to.key}:${tag}`, source: from.key, target: to.key, tag });
      }
    }
  }
  return edges;
}
