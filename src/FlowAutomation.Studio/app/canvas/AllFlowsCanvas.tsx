// Every flow of the folder as a card, with the edges tag chaining makes between them.
import { applyNodeChanges, Background, Controls, Handle, MarkerType, Position, ReactFlow, useNodesInitialized, useReactFlow, type Edge, type Node, type NodeChange, type NodeProps } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { tagChains, type FlowCard } from "../model/chains";
import type { Badge } from "../model/liveBadges";
import { Icon } from "./icons";
import { layout } from "./layout";
import { Badges, triggerWords } from "./nodes";

type CardData = { card: FlowCard; errors: number; warnings: number; open: boolean; badges?: Badge[] };
type CardNode = Node<CardData, "card">;

function CardView({ data }: NodeProps<CardNode>) {
  const { card, errors, warnings, badges } = data;
  return (
    <div className={`card ${errors > 0 ? "has-error" : warnings > 0 ? "has-warning" : ""}`} data-testid="flow-card" data-flow-id={card.id}>
      <Handle type="target" position={Position.Left} />
      {badges && <Badges badges={badges} />}
      <div className="card-trigger"><Icon name="bolt" size={13} /> {triggerWords[card.trigger] ?? card.trigger}</div>
      <div className="card-name">{card.name ?? card.id}</div>
      <div className="card-meta"><span className="mono">{card.id}</span> · {card.file}</div>
      {card.addsTags.length > 0 && (
        <div className="card-tags">{[...new Set(card.addsTags)].map((t) => <span className="chip chip-small" key={t}>{t}</span>)}</div>
      )}
      {(errors > 0 || warnings > 0) && (
        <div className="card-problems">{errors > 0 && <span className="problem-error">{errors} error{errors > 1 ? "s" : ""}</span>} {warnings > 0 && <span className="problem-warning">{warnings} warning{warnings > 1 ? "s" : ""}</span>}</div>
      )}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

const nodeTypes = { card: CardView };

interface Props {
  cards: FlowCard[];
  counts: Map<string, { errors: number; warnings: number }>;
  onOpen(card: FlowCard): void;
  /** Each flow's totals in the service (live counts on), by card key. */
  badges?: Map<string, Badge[]>;
}

/**
 * The cards are held here with the sizes React Flow measured (`onNodesChange`), so that a render of the view (new
 * counts, the positions from elkjs, the page's own renders) keeps them: cards without a measured size are hidden and
 * their edges not drawn until React Flow measures them again, which it may never do when a render lands between its
 * measurement and its next render (the ResizeObserver reports a size once).
 */
export function AllFlowsCanvas({ cards, counts, onOpen, badges }: Props) {
  const chains = useMemo(() => tagChains(cards), [cards]);
  const [positions, setPositions] = useState<{ structure: string; at: Map<string, { x: number; y: number }> }>({ structure: "", at: new Map() });
  const [fitted, setFitted] = useState<string | null>(null);
  const [nodes, setNodes] = useState<CardNode[]>([]);
  const flow = useReactFlow();
  const measured = useNodesInitialized();
  const structure = cards.map((c) => c.key).join("|") + "#" + chains.map((c) => c.id).join("|") + (badges ? "#badges" : "");

  useEffect(() => {
    let cancelled = false;
    void layout(cards.map((c) => ({ id: c.key, width: 260, height: (c.addsTags.length > 0 ? 124 : 96) + (badges ? 30 : 0) })), chains, "RIGHT").then((at) => {
      if (!cancelled) setPositions({ structure, at });
    });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [structure]);

  useEffect(() => {
    setNodes((previous) => {
      const before = new Map(previous.map((n) => [n.id, n]));
      return cards.map((card) => ({
        id: card.key,
        type: "card" as const,
        position: positions.at.get(card.key) ?? before.get(card.key)?.position ?? { x: 0, y: 0 },
        measured: before.get(card.key)?.measured,
        data: { card, errors: counts.get(card.key)?.errors ?? 0, warnings: counts.get(card.key)?.warnings ?? 0, open: false, badges: badges?.get(card.key) },
      }));
    });
  }, [cards, counts, badges, positions]);

  // Fitted once the cards stand where this layout put them (React Flow has them: its effects ran before this one).
  const placed = positions.structure === structure && nodes.length === cards.length && nodes.every((n) => n.position === positions.at.get(n.id));
  useEffect(() => {
    if (!placed) return;
    let cancelled = false;
    void flow.fitView({ padding: 0.12, maxZoom: 1 }).then(() => !cancelled && setFitted(structure));
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [placed, structure]);

  const onNodesChange = useCallback((changes: NodeChange<CardNode>[]) => {
    setNodes((ns) => applyNodeChanges(changes.filter((c) => c.type === "dimensions"), ns));
  }, []);

  const edges: Edge[] = useMemo(() => chains.map((c) => ({
    id: c.id, source: c.source, target: c.target, label: `tag: ${c.tag}`, type: "smoothstep", animated: true,
    className: "edge-chain", markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 }, labelBgPadding: [6, 3] as [number, number], labelBgBorderRadius: 8,
  })), [chains]);

  // "done" once this structure's layout is placed, every card measured (so every edge drawn) and the view fitted.
  const done = placed && (cards.length === 0 || (fitted === structure && measured));
  return (
    <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} onNodesChange={onNodesChange} nodesConnectable={false} nodesDraggable={false}
      onNodeClick={(_, node) => onOpen((node as CardNode).data.card)} minZoom={0.2} maxZoom={1.5} proOptions={{ hideAttribution: true }}
      data-testid="all-flows-canvas" data-layout={done ? "done" : "pending"}>
      <Background gap={20} size={1.2} color="#d7dce5" />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}
