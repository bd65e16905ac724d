// The canvas's nodes: what a marketer reads (the trigger in words, the conditions, each message as a bubble) and
// edits in place. Every change goes to the file as one Edit (model/edits.ts).
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { createContext, useContext, type ReactNode } from "react";
import type { Diagnostic } from "../api/types";
import type { Edit } from "../model/edits";
import type { Badge } from "../model/liveBadges";
import type { GraphNode } from "../model/flowGraph";
import type { YamlPath } from "../model/yamlFile";
import { BubbleEditor, ChipEditor, InlineInput } from "./editors";
import { Icon } from "./icons";

export interface CanvasActions {
  edit(edit: Edit): void;
}

export const CanvasActionsContext = createContext<CanvasActions>({ edit: () => undefined });

/** Where an action stands in its list, for moving and removing it. */
export interface Slot { seq: YamlPath; index: number; count: number }

export type StudioNodeData = { graph: GraphNode; diagnostics: Diagnostic[]; slot?: Slot; badges?: Badge[] };
export type StudioNode = Node<StudioNodeData, "studio">;

export const triggerWords: Record<string, string> = {
  "message.received": "A customer sends a message",
  "lead.submitted": "A lead form is submitted",
  "referral.received": "A customer arrives from an ad or link",
  "contact.tagged": "A contact is tagged",
};

const oncePerWords: Record<string, string> = { contact: "once per contact", conversation: "once per conversation", window: "once per reply window" };

export function StudioNodeView({ data, selected }: NodeProps<StudioNode>) {
  const { graph, diagnostics, slot, badges } = data;
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const status = errors > 0 ? "has-error" : diagnostics.length > 0 ? "has-warning" : "";
  return (
    <div className={`node node-${graph.kind} ${status} ${selected ? "is-selected" : ""}`} data-testid="flow-node" data-node-id={graph.id} data-kind={graph.kind}>
      {graph.kind !== "trigger" && <Handle type="target" position={Position.Top} />}
      {slot && <ActionToolbar doc={graph.doc} slot={slot} />}
      {badges && badges.length > 0 && <Badges badges={badges} />}
      <Body node={graph} />
      {diagnostics.length > 0 && (
        <ul className="node-problems">
          {diagnostics.map((d, i) => (
            <li key={i} className={`problem-${d.severity}`} data-testid="node-diagnostic">
              <Icon name="warn" size={13} />
              <span className="problem-code">{d.code}</span> {d.message}
            </li>
          ))}
        </ul>
      )}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}

/** What the node did in the service over the chosen period. */
export function Badges({ badges }: { badges: readonly Badge[] }) {
  return (
    <div className="badges" data-testid="live-badges">
      {badges.map((b, i) => <span key={i} className={`badge badge-${b.tone}`} title={b.title} data-testid="live-badge">{b.label}</span>)}
    </div>
  );
}

function Header({ icon, title, children }: { icon: string; title: string; children?: ReactNode }) {
  return (
    <div className="node-header">
      <span className="node-icon"><Icon name={icon} size={15} /></span>
      <span className="node-title">{title}</span>
      {children}
    </div>
  );
}

function Body({ node }: { node: GraphNode }) {
  const { edit } = useContext(CanvasActionsContext);
  const d = node.data;
  switch (d.kind) {
    case "trigger":
      return (
        <>
          <Header icon="bolt" title="When">
            <span className="pill">on {d.trigger || "?"}</span>
          </Header>
          <div className="trigger-words">{triggerWords[d.trigger] ?? (d.trigger || "no trigger yet")}</div>
          <div className="flow-name">{d.name ?? node.flowId}</div>
          <div className="flow-meta">
            <span className="mono">{node.flowId}</span>
            {d.priority && <span>priority {d.priority}</span>}
            {d.oncePer && <span>{oncePerWords[d.oncePer] ?? `once per ${d.oncePer}`}</span>}
            {!d.enabled && <span className="pill pill-off">disabled</span>}
          </div>
        </>
      );
    case "conditions":
      return (
        <>
          <Header icon="filter" title="Only if" />
          <ul className="condition-lines">
            {d.lines.map((line, i) => (
              <li key={i}>{i > 0 && <span className="joiner">and </span>}{line}</li>
            ))}
          </ul>
          {d.keywords.map((k) => (
            <div className="keywords" key={k.path.join("/")}>
              <div className="field-label">{k.field} · {k.operator.replaceAll("_", " ")}</div>
              <ChipEditor values={k.values} placeholder="add keyword" testId="keywords"
                onCommit={(values) => edit({ kind: "setList", doc: node.doc, path: k.path, values })} />
            </div>
          ))}
        </>
      );
    case "reply":
      return (
        <>
          <Header icon={d.content === "image" ? "image" : "chat"} title={d.content === "image" ? "Send image" : d.content === "share_post" ? "Share post" : "Send message"} />
          {d.content === "text" ? (
            <BubbleEditor value={d.value} testId="reply-text" onCommit={(value) => edit({ kind: "setText", doc: node.doc, path: d.valuePath, value })} />
          ) : d.content === "none" ? (
            <div className="muted">no text, image or post yet</div>
          ) : (
            <InlineInput value={d.value} label={d.content === "image" ? "Image address" : "Post id"} onCommit={(value) => edit({ kind: "setText", doc: node.doc, path: d.valuePath, value })} />
          )}
          {d.validity && <div className="muted">expires after {d.validity}</div>}
        </>
      );
    case "tag":
    case "untag":
      return (
        <>
          <Header icon={d.kind} title={d.kind === "tag" ? "Add tag" : "Remove tag"} />
          <ChipEditor values={d.tags} placeholder="tag" testId="tags" onCommit={(values) => edit({ kind: "setList", doc: node.doc, path: d.valuePath, values, single: true })} />
        </>
      );
    case "assign":
      return (
        <>
          <Header icon="user" title={d.agent ? "Assign to agent" : "Assign to team"} />
          {d.agent ? (
            <InlineInput value={d.agent} label="Agent" onCommit={(value) => edit({ kind: "setText", doc: node.doc, path: [...d.valuePath, "agent"], value })} />
          ) : (
            <div className="row">
              <InlineInput value={d.team ?? ""} label="Team" testId="team" onCommit={(value) => edit({ kind: "setText", doc: node.doc, path: [...d.valuePath, "team"], value })} />
              <span className="muted">{(d.strategy ?? "round_robin").replaceAll("_", " ")}</span>
            </div>
          )}
        </>
      );
    case "set":
      return (
        <>
          <Header icon="pencil" title="Save on the contact" />
          <ul className="fields">{d.fields.map(([k, v]) => <li key={k}><span className="mono">{k}</span> = {v}</li>)}</ul>
        </>
      );
    case "follow_up":
      return (
        <>
          <Header icon="clock" title="Follow up" />
          <div className="row">
            <span>after</span>
            <InlineInput value={d.after} label="Delay" testId="delay" width={64} onCommit={(value) => edit({ kind: "setText", doc: node.doc, path: d.afterPath, value })} />
          </div>
          {d.unlessReplied && <div className="muted">only if the customer has not replied</div>}
          {d.when.length > 0 && <div className="muted">if {d.when.join(" and ")}</div>}
        </>
      );
    case "stop":
      return <Header icon="stop" title="Stop: lower-priority flows do not run" />;
    case "close":
      return <Header icon="check" title="Close the conversation" />;
    case "report_spam":
      return <Header icon="flag" title="Report as spam" />;
    case "unassign":
      return <Header icon="user" title="Unassign" />;
    default:
      return <Header icon="warn" title={`Unknown action '${d.kind === "unknown" ? d.key : ""}'`} />;
  }
}

function ActionToolbar({ doc, slot }: { doc: number; slot: Slot }) {
  const { edit } = useContext(CanvasActionsContext);
  return (
    <div className="node-toolbar nodrag">
      <button type="button" title="Move up" aria-label="Move up" disabled={slot.index === 0}
        onClick={() => edit({ kind: "moveAction", doc, seq: slot.seq, from: slot.index, to: slot.index - 1 })}><Icon name="up" size={13} /></button>
      <button type="button" title="Move down" aria-label="Move down" disabled={slot.index === slot.count - 1}
        onClick={() => edit({ kind: "moveAction", doc, seq: slot.seq, from: slot.index, to: slot.index + 1 })}><Icon name="down" size={13} /></button>
      <button type="button" title="Remove" aria-label="Remove" disabled={slot.count === 1}
        onClick={() => edit({ kind: "removeAction", doc, seq: slot.seq, index: slot.index })}><Icon name="trash" size={13} /></button>
    </div>
  );
}

export const nodeTypes = { studio: StudioNodeView };
