// One file's flows on the canvas, laid out by elkjs from the nodes' measured sizes.
//
// The canvas says `data-layout="done"` once the flows stand still: this structure's layout placed from every node's
// measured size, the first view fitted, no viewport move under way, and a frame gone by since the nodes last changed
// (in which the browser reports any size a change gave a node), the nodes built from the present graph, problems and
// selection, and no compiler answer for the present text still to come (its words and problems can resize a node).
// Until then it says "pending": the first layout uses estimated sizes and is placed again once the nodes are measured,
// and every edit is laid out anew.
import { applyNodeChanges, Background, Controls, MarkerType, ReactFlow, useReactFlow, useStore, type Edge, type NodeChange } from "@xyflow/react";
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Diagnostic } from "../api/types";
import type { FlowGraph, GraphNode } from "../model/flowGraph";
import type { Badge } from "../model/liveBadges";
import { layout } from "./layout";
import { nodeTypes, type Slot, type StudioNode } from "./nodes";

interface Props {
  graph: FlowGraph;
  problems: Map<string, Diagnostic[]>;
  selectedId: string | null;
  onSelect(id: string): void;
  /** What each node did in the service (flowctl serve, live counts on). */
  badges?: Map<string, Badge[]>;
  /** Without the palette above the flows (the small canvas beside a timeline). */
  compact?: boolean;
  /** The compiler's answer for the present text is still to come (its words and problems may resize nodes). */
  compiling?: boolean;
}

type Size = { width: number; height: number };

/** A size measured within this of the one laid out needs no new layout. */
const close = (a: Size, b: Size) => Math.abs(a.width - b.width) <= 2 && Math.abs(a.height - b.height) <= 2;

/** The palette floats along the canvas's top; the flows start below it. */
const paletteSpace = 56;

function estimate(node: GraphNode): Size {
  const d = node.data;
  const lines = (text: string, perLine = 34) => Math.max(1, Math.ceil(text.length / perLine)) + (text.match(/\n/g)?.length ?? 0);
  switch (d.kind) {
    case "trigger": return { width: 300, height: 118 };
    case "conditions": return { width: 300, height: 52 + d.lines.length * 22 + d.keywords.length * 70 };
    case "reply": return { width: 300, height: 60 + lines(d.value) * 20 };
    default: return { width: 300, height: 78 };
  }
}

/** For each action, its list and place in it (for the move and remove buttons). */
function slots(graph: FlowGraph): Map<string, Slot> {
  const bySeq = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) {
    if (n.kind === "trigger" || n.kind === "conditions") continue;
    const key = `${n.doc}:${n.path.slice(0, -1).join("/")}`;
    bySeq.set(key, [...(bySeq.get(key) ?? []), n]);
  }
  const result = new Map<string, Slot>();
  for (const group of bySeq.values())
    group.forEach((n, i) => result.set(n.id, { seq: n.path.slice(0, -1), index: i, count: group.length }));
  return result;
}

export const FlowCanvas = memo(function FlowCanvas({ graph, problems, selectedId, onSelect, badges, compact, compiling }: Props) {
  const paletteHeight = compact ? 0 : paletteSpace;
  const [nodes, setNodes] = useState<StudioNode[]>([]);
  /** What the nodes were last built from: until they are built from the present props, they are about to change. */
  const [builtFrom, setBuiltFrom] = useState<unknown[]>([]);
  const inputs = [graph, problems, selectedId, badges, compact];
  const measured = useRef(new Map<string, Size>());
  const used = useRef(new Map<string, Size>());
  const [relayout, setRelayout] = useState(0);
  /** Where the last layout put the nodes, and the layout (structure@relayout) it was once placed and fitted. */
  const placedAt = useRef(new Map<string, { x: number; y: number }>());
  const [placed, setPlaced] = useState<string | null>(null);
  /** The nodes (the state's array) seen standing still under the layout they were placed by. */
  const [settled, setSettled] = useState<{ layout: string; nodes: StudioNode[] } | null>(null);
  /** The view is moving (an animated setCenter, a zoom button, a pan); `ours` is the move of this canvas under way. */
  const [moving, setMoving] = useState(false);
  const moves = useRef({ count: 0, ours: 0 });
  const fitted = useRef(false);
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  const flow = useReactFlow();
  const paneWidth = useStore((s) => s.width);
  const paneHeight = useStore((s) => s.height);
  const structure = graph.nodes.map((n) => n.id).join("|") + "#" + graph.edges.map((e) => e.id).join("|");
  const layoutKey = `${structure}@${relayout}`;

  // Moves the view, the canvas pending until the move has ended. A move cut short by a later one never says it ended
  // (d3 interrupts it): the later one's end counts for both; React Flow's onMoveEnd only says that some move ended.
  const move = useCallback(async (to: () => Promise<unknown>) => {
    const id = ++moves.current.count;
    moves.current.ours = id;
    setMoving(true);
    await to();
    if (moves.current.ours !== id) return;
    moves.current.ours = 0;
    setMoving(false);
  }, []);

  useEffect(() => {
    const slotOf = slots(graph);
    setNodes((previous) => {
      // Each node keeps its place and the size React Flow measured: without one React Flow hides the node until it
      // measures it again.
      const before = new Map(previous.map((n) => [n.id, n]));
      return graph.nodes.map((g) => ({
        id: g.id,
        type: "studio" as const,
        position: before.get(g.id)?.position ?? { x: 0, y: 0 },
        measured: before.get(g.id)?.measured,
        data: { graph: g, diagnostics: problems.get(g.id) ?? [], slot: compact ? undefined : slotOf.get(g.id), badges: badges?.get(g.id) },
        selected: g.id === selectedId,
      }));
    });
    setBuiltFrom(inputs);
  }, [graph, problems, selectedId, badges, compact]);

  useEffect(() => {
    let cancelled = false;
    const boxes = graph.nodes.map((g) => {
      const size = measured.current.get(g.id) ?? estimate(g);
      used.current.set(g.id, size);
      return { id: g.id, ...size };
    });
    void layout(boxes, graph.edges).then(async (positions) => {
      if (cancelled) return;
      placedAt.current = positions;
      setNodes((previous) => previous.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position })));
      // Fitted to every layout until the flows first stand still (the first layout uses estimated sizes).
      if (!fitted.current && graph.nodes.length > 0) {
        // The whole of the flows when that still reads well; otherwise their top, at a readable zoom.
        const boxesAt = boxes.map((b) => ({ ...b, ...positions.get(b.id)! }));
        const minX = Math.min(...boxesAt.map((b) => b.x));
        const maxX = Math.max(...boxesAt.map((b) => b.x + b.width));
        const minY = Math.min(...boxesAt.map((b) => b.y));
        const maxY = Math.max(...boxesAt.map((b) => b.y + b.height));
        const byWidth = (paneWidth - 48) / (maxX - minX);
        const byHeight = (paneHeight - paletteHeight - 32) / (maxY - minY);
        const whole = Math.min(1, byWidth, byHeight);
        const zoom = whole >= 0.6 ? whole : Math.max(0.7, Math.min(1, byWidth));
        const x = Math.max(24, (paneWidth - (maxX - minX) * zoom) / 2) - minX * zoom;
        await move(() => flow.setViewport({ x, y: paletteHeight + 12 - minY * zoom, zoom }));
      }
      // Beside a timeline: the selected node in the middle once the flows are placed.
      const chosen = compact && selectedRef.current ? selectedRef.current : null;
      const at = chosen ? positions.get(chosen) : undefined;
      const size = chosen ? used.current.get(chosen) : undefined;
      if (at && size) await move(() => flow.setCenter(at.x + size.width / 2, at.y + size.height / 2, { zoom: 0.85 }));
      if (!cancelled) setPlaced(layoutKey);
    });
    return () => {
      cancelled = true;
    };
    // Layout again when the structure changes or a node's measured size differs from the one laid out.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [structure, relayout]);

  // Standing still: two frames after the nodes last changed (the browser reports the sizes a change gave them in the
  // first), every node measured at the size laid out and where the layout put it; looked at again each frame until so.
  useEffect(() => {
    if (placed !== layoutKey || moving || compiling) return;
    const still = () => graph.nodes.every((g) => {
      const node = flow.getInternalNode(g.id);
      const size = node?.measured;
      const laidOut = used.current.get(g.id);
      const want = placedAt.current.get(g.id);
      return node && size?.width && size.height && laidOut && close({ width: size.width, height: size.height }, laidOut)
        && want && node.position.x === want.x && node.position.y === want.y;
    });
    let frame = 0;
    const look = (wait: number) => {
      frame = requestAnimationFrame(() => {
        if (wait > 0 || !still()) return look(wait - 1);
        fitted.current = true;
        setSettled({ layout: layoutKey, nodes });
      });
    };
    look(1);
    return () => cancelAnimationFrame(frame);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [placed, layoutKey, moving, nodes, compiling]);
  const done = !compiling && inputs.every((input, i) => input === builtFrom[i])
    && placed === layoutKey && !moving && settled?.layout === layoutKey && settled.nodes === nodes;

  // A node selected from the YAML (the cursor) is brought into view.
  useEffect(() => {
    const node = selectedId ? flow.getNode(selectedId) : undefined;
    if (!node || !node.measured?.width || !node.measured.height) return;
    const { x, y, zoom } = flow.getViewport();
    const left = node.position.x * zoom + x;
    const top = node.position.y * zoom + y;
    const visible = left >= 0 && top >= paletteHeight && left + node.measured.width * zoom <= paneWidth && top + node.measured.height * zoom <= paneHeight;
    // Beside a timeline the small canvas follows the selection: the selected node in the middle, readable.
    const centre = { x: node.position.x + node.measured.width / 2, y: node.position.y + node.measured.height / 2 };
    if (compact) void move(() => flow.setCenter(centre.x, centre.y, { zoom: Math.max(zoom, 0.8), duration: 200 }));
    else if (!visible) void move(() => flow.setCenter(centre.x, centre.y, { zoom, duration: 200 }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedId]);

  const onNodesChange = useCallback((changes: NodeChange<StudioNode>[]) => {
    let stale = false;
    for (const c of changes) {
      if (c.type !== "dimensions" || !c.dimensions) continue;
      measured.current.set(c.id, c.dimensions);
      const size = used.current.get(c.id);
      if (!size || !close(size, c.dimensions)) stale = true;
    }
    setNodes((ns) => applyNodeChanges(changes.filter((c) => c.type !== "select"), ns));
    if (stale) setRelayout((n) => n + 1);
  }, []);

  const edges: Edge[] = useMemo(() => graph.edges.map((e) => ({
    id: e.id,
    source: e.source,
    target: e.target,
    label: e.label,
    type: "smoothstep",
    className: e.kind === "wait" ? "edge-wait" : "edge-next",
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
    labelBgPadding: [6, 3] as [number, number],
    labelBgBorderRadius: 8,
  })), [graph.edges]);

  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      onNodeClick={(_, node) => onSelect(node.id)}
      onMoveStart={() => setMoving(true)}
      onMoveEnd={(event) => {
        // A pan or zoom by hand (it has an event) interrupts any move of ours.
        if (event) moves.current.ours = 0;
        if (!moves.current.ours) setMoving(false);
      }}
      nodesConnectable={false}
      nodesDraggable={false}
      minZoom={0.2}
      maxZoom={1.5}
      proOptions={{ hideAttribution: true }}
      data-testid="flow-canvas"
      data-layout={done ? "done" : "pending"}
    >
      <Background gap={20} size={1.2} color="#d7dce5" />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
});
