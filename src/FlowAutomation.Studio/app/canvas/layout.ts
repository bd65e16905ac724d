// Automatic layout with elkjs (layered, top to bottom): positions live only in the page, never in the flow files.
import ELK from "elkjs/lib/elk.bundled.js";

export interface Box { id: string; width: number; height: number }
export interface Link { id: string; source: string; target: string }
export type Positions = Map<string, { x: number; y: number }>;

const elk = new ELK();

export async function layout(boxes: readonly Box[], links: readonly Link[], direction: "DOWN" | "RIGHT" = "DOWN"): Promise<Positions> {
  const ids = new Set(boxes.map((b) => b.id));
  const graph = await elk.layout({
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": direction,
      "elk.edgeRouting": "ORTHOGONAL",
      "elk.spacing.nodeNode": "36",
      "elk.layered.spacing.nodeNodeBetweenLayers": "44",
      "elk.spacing.componentComponent": "72",
      "elk.separateConnectedComponents": "true",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
      "elk.aspectRatio": "2.2",
    },
    children: boxes.map((b) => ({ id: b.id, width: b.width, height: b.height })),
    edges: links.filter((l) => ids.has(l.source) && ids.has(l.target)).map((l) => ({ id: l.id, sources: [l.source], targets: [l.target] })),
  });
  const positions: Positions = new Map();
  for (const child of graph.children ?? []) positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  return positions;
}
