// Every flow of the folder as a card, with the edges tag chaining makes between them.
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, useReactFlow, type Edge, type Node, type NodeProps } from "@xyflow/react";
import { useEffect, useMemo, useState } from "react";
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

export function AllFlowsCanvas({ cards, counts, onOpen, badges }: Props) {
  const chains = useMemo(() => tagChains(cards), [cards]);
  const [positions, setPositions] = useState<Map<string, { x: number; y: number }>>(new Map());
  const flow = useReactFlow();
  const structure = cards.map((c) => c.key).join("|") + "#" + chains.map((c) => c.id).join("|") + (badges ? "#badges" : "");

  useEffect(() => {
    let cancelled = false;
    void layout(cards.map((c) => ({ id: c.key, width: 260, height: (c.addsTags.length > 0 ? 124 : 96) + (badges ? 30 : 0) })), chains, "RIGHT").then((p) => {
      if (cancelled) return;
      setPositions(p);
      requestAnimationFrame(() => void flow.fitView({ padding: 0.12, maxZoom: 1 }));
    });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [structure]);

  const nodes: CardNode[] = cards.map((card) => ({
    id: card.key,
    type: "card",
    position: positions.get(card.key) ?? { x: 0, y: 0 },
    data: { card, errors: counts.get(card.key)?.errors ?? 0, warnings: counts.get(card.key)?.warnings ?? 0, open: false, badges: badges?.get(card.key) },
  }));
  const edges: Edge[] = chains.map((c) => ({
    id: c.id, source: c.source, target: c.target, label: `tag: ${c.tag}`, type: "smoothstep", animated: true,
    className: "edge-chain", markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 }, labelBgPadding: [6, 3], labelBgBorderRadius: 8,
  }));

  return (
    <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} nodesConnectable={false} nodesDraggable={false}
      onNodeClick={(_, node) => onOpen((node as CardNode).data.card)} minZoom={0.2} maxZoom={1.5} proOptions={{ hideAttribution: true }}>
      <Background gap={20} size={1.2} color="#d7dce5" />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}
