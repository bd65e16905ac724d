// The studio's frame: the top bar, the file list, the palette, the problems list, the conflict dialog, sign-in.
import { useState } from "react";
import type { Diagnostic, StudioFile, StudioInfo } from "../api/types";
import { Icon } from "../canvas/icons";
import type { ActionKind } from "../model/edits";
import { periods } from "../model/liveBadges";
import type { Route } from "../routes";

export function TopBar(props: {
  folder: string; route: Route; onRoute(r: Route): void; dirty: boolean; canEdit: boolean;
  errors: number; warnings: number; checking: boolean;
  onUndo(): void; onRedo(): void; onSave(): void; status: string | null;
  /** In the service: the period of the live counts drawn on the canvas (null: off). */
  live: boolean; period: string | null; onPeriod(period: string | null): void;
}) {
  const { route, onRoute } = props;
  const tab = (view: Route["view"], label: string, icon: string) => (
    <button role="tab" aria-selected={route.view === view} className={route.view === view ? "active" : ""} onClick={() => onRoute({ view } as Route)} data-testid={`${view}-tab`}>
      <Icon name={icon} size={13} /> {label}
    </button>
  );
  return (
    <header className="topbar">
      <div className="brand"><span className="brand-mark">FA</span> FlowAutomation <span className="brand-studio">Studio</span></div>
      <div className="folder"><Icon name="file" size={14} /> {props.folder}/</div>
      <nav className="tabs" role="tablist">
        {tab("flow", "This file", "file")}
        <button role="tab" aria-selected={route.view === "all"} className={route.view === "all" ? "active" : ""} onClick={() => onRoute({ view: "all" })} data-testid="all-flows-tab">
          <Icon name="grid" size={13} /> All flows
        </button>
        {tab("scenario", "Scenarios", "timeline")}
        {props.live && tab("conversations", "Conversations", "chat")}
      </nav>
      {props.live && (
        <label className="live-select" title="What the flows did in the service, drawn on the canvas">
          <Icon name="chart" size={14} />
          <select value={props.period ?? ""} onChange={(e) => props.onPeriod(e.target.value || null)} data-testid="live-period" aria-label="Live counts">
            <option value="">Live counts: off</option>
            {periods.map((p) => <option key={p.value} value={p.value}>Live: {p.label}</option>)}
          </select>
        </label>
      )}
      <div className="health" data-testid="health">
        {props.checking ? <span className="muted">checking…</span>
          : props.errors > 0 ? <span className="problem-error">{props.errors} error{props.errors > 1 ? "s" : ""}</span>
          : <span className="ok"><Icon name="check" size={14} /> no errors</span>}
        {props.warnings > 0 && <span className="problem-warning">{props.warnings} warning{props.warnings > 1 ? "s" : ""}</span>}
      </div>
      <div className="spacer" />
      {props.status && <div className="status" data-testid="status">{props.status}</div>}
      <button className="tool" onClick={props.onUndo} disabled={!props.canEdit} title="Undo (Ctrl+Z)" aria-label="Undo"><Icon name="undo" /></button>
      <button className="tool" onClick={props.onRedo} disabled={!props.canEdit} title="Redo (Ctrl+Shift+Z)" aria-label="Redo"><Icon name="redo" /></button>
      <button className={`save ${props.dirty ? "dirty" : ""}`} onClick={props.onSave} disabled={!props.dirty} data-testid="save" title="Save (Ctrl+S)">
        <Icon name="save" size={15} /> {props.dirty ? "Save" : "Saved"}
      </button>
    </header>
  );
}

export function FileList(props: { files: string[]; current: string | null; dirty: Set<string>; counts: Map<string, { errors: number; warnings: number }>; onOpen(path: string): void }) {
  return (
    <aside className="files" aria-label="Flow files">
      <div className="pane-title">Flow files</div>
      <ul>
        {props.files.map((f) => {
          const c = props.counts.get(f);
          return (
            <li key={f}>
              <button className={f === props.current ? "active" : ""} onClick={() => props.onOpen(f)} data-testid="file" data-path={f}>
                <Icon name="file" size={14} />
                <span className="file-name">{f}</span>
                {props.dirty.has(f) && <span className="dot dirty-dot" title="unsaved changes" />}
                {c && c.errors > 0 && <span className="count count-error">{c.errors}</span>}
                {c && c.errors === 0 && c.warnings > 0 && <span className="count count-warning">{c.warnings}</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </aside>
  );
}

const paletteItems: { kind: ActionKind; label: string; icon: string }[] = [
  { kind: "reply", label: "Message", icon: "chat" },
  { kind: "tag", label: "Tag", icon: "tag" },
  { kind: "untag", label: "Untag", icon: "untag" },
  { kind: "assign", label: "Assign", icon: "user" },
  { kind: "follow_up", label: "Follow-up", icon: "clock" },
  { kind: "close", label: "Close", icon: "check" },
  { kind: "report_spam", label: "Spam", icon: "flag" },
  { kind: "stop", label: "Stop", icon: "stop" },
];

const paletteTitles: Record<ActionKind, string> = {
  reply: "a message", tag: "a tag", untag: "a tag removal", assign: "an assignment to a team", set: "a contact field",
  follow_up: "a follow-up", close: "closing the conversation", report_spam: "a spam report", stop: "a stop", unassign: "an unassignment",
};

export function Palette({ onAdd, target }: { onAdd(kind: ActionKind): void; target: string }) {
  return (
    <div className="palette" aria-label="Add an action" title={`Adds ${target}`}>
      <div className="palette-title">Add</div>
      {paletteItems.map((p) => (
        <button key={p.kind} onClick={() => onAdd(p.kind)} data-testid={`palette-${p.kind}`} title={`Add ${paletteTitles[p.kind]} ${target}`}>
          <Icon name={p.icon} size={16} />
          <span>{p.label}</span>
        </button>
      ))}
    </div>
  );
}

export function Problems({ diagnostics, onOpen }: { diagnostics: Diagnostic[]; onOpen(d: Diagnostic): void }) {
  const [open, setOpen] = useState(true);
  return (
    <section className={`problems ${open ? "open" : ""}`}>
      <button className="pane-title problems-title" onClick={() => setOpen(!open)}>
        Problems in the folder <span className="count">{diagnostics.length}</span>
      </button>
      {open && (
        <ul data-testid="problems">
          {diagnostics.length === 0 && <li className="muted">None: every flow compiles.</li>}
          {diagnostics.map((d, i) => (
            <li key={i}>
              <button onClick={() => onOpen(d)} className={`problem-${d.severity}`}>
                <span className="problem-code">{d.code}</span> <span className="mono">{d.path}({d.line},{d.column})</span> {d.message}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function ConflictDialog(props: { path: string; mine: string; onDisk: StudioFile | null; onKeepMine(): void; onTakeDisk(): void; onCancel(): void }) {
  return (
    <div className="dialog-backdrop" role="dialog" aria-modal="true" aria-labelledby="conflict-title">
      <div className="dialog" data-testid="conflict">
        <h2 id="conflict-title">{props.path} changed on disk since you opened it</h2>
        <p>Nothing was written. Compare both versions and choose which one to keep.</p>
        <div className="compare">
          <div><h3>Your version</h3><pre>{props.mine}</pre></div>
          <div><h3>On disk now</h3><pre>{props.onDisk?.text ?? "(the file was deleted)"}</pre></div>
        </div>
        <div className="dialog-actions">
          <button onClick={props.onCancel}>Cancel</button>
          {props.onDisk && <button onClick={props.onTakeDisk}>Use the version on disk</button>}
          <button className="primary" onClick={props.onKeepMine}>Save mine over it</button>
        </div>
      </div>
    </div>
  );
}

export function SignIn({ info, error, onKey }: { info: StudioInfo; error: string | null; onKey(key: string): void }) {
  const [key, setKey] = useState("");
  return (
    <div className="signin">
      <form onSubmit={(e) => { e.preventDefault(); onKey(key); }}>
        <div className="brand"><span className="brand-mark">FA</span> FlowAutomation <span className="brand-studio">Studio</span></div>
        {info.mode === "admin-key" ? (
          <>
            <p>The studio edits the flows this service runs. Enter the admin key (sent as the <code>{info.header}</code> header, kept in this tab only).</p>
            <input type="password" autoFocus aria-label="Admin key" value={key} onChange={(e) => setKey(e.target.value)} />
            <button className="primary" type="submit">Open the studio</button>
          </>
        ) : (
          <p>Open the address <code>flowctl studio</code> printed (it starts with <code>studio:</code>); each address works once.</p>
        )}
        {error && <p className="problem-error">{error}</p>}
      </form>
    </div>
  );
}
