// Live conversations (flowctl serve): look one up by its id, the contact's id or name; its path is the timeline
// beside, headed by who it is with, the assignment, the tags and the reply window now.
import { useEffect, useState } from "react";
import type { StudioApi } from "../api/client";
import type { ConversationSummary, LiveConversation } from "../api/types";
import { Icon } from "../canvas/icons";
import { clockWords, durationWords } from "../model/timeline";

export function ConversationList({ api, current, onOpen }: { api: StudioApi; current: string | null; onOpen(id: string): void }) {
  const [search, setSearch] = useState("");
  const [found, setFound] = useState<ConversationSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      api.conversations(search)
        .then((r) => !cancelled && (setFound(r.conversations), setError(null)))
        .catch((e: Error) => !cancelled && setError(e.message));
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, search, tick]);

  return (
    <aside className="conversation-panel" aria-label="Conversations">
      <div className="pane-title row-title">
        <span>Conversations</span>
        <button className="small-button" onClick={() => setTick((t) => t + 1)} title="Look again"><Icon name="refresh" size={12} /></button>
      </div>
      <div className="search-box">
        <Icon name="search" size={14} />
        <input value={search} onChange={(e) => setSearch(e.target.value)} placeholder="conversation, contact id or name" aria-label="Look up a conversation" data-testid="conversation-search" />
      </div>
      {error && <div className="problem-error panel-note">{error}</div>}
      <ul className="conversation-list">
        {found?.length === 0 && <li className="muted panel-note">No conversation matches.</li>}
        {found?.map((c) => (
          <li key={c.id}>
            <button className={c.id === current ? "active" : ""} onClick={() => onOpen(c.id)} data-testid="conversation" data-id={c.id}>
              <span className="conversation-name">{c.contactName ?? c.contactId ?? c.id}</span>
              <span className="mono muted">{c.id}</span>
              <span className="muted">{clockWords(c.updatedAt)}</span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}

export function ConversationHeader({ conversation: c, onDebug, debugging }: { conversation: LiveConversation; onDebug(): void; debugging: boolean }) {
  const w = c.window;
  return (
    <div className="conversation-header" data-testid="conversation-header">
      <div>
        <div className="conversation-title">{c.contactName ?? c.contactId ?? c.id}</div>
        <div className="conversation-meta">
          <span className="mono">{c.id}</span>
          {c.contactId && <span>contact <span className="mono">{c.contactId}</span></span>}
          {(c.assignee || c.team) && <span><Icon name="user" size={12} /> {c.assignee ?? ""}{c.team ? ` (team ${c.team})` : ""}</span>}
          {c.tags.map((t) => <span className="chip chip-small chip-tag" key={t}>{t}</span>)}
          {w && (w.open
            ? <span>window open until {clockWords(w.closesAt)} (closes in {durationWords(Date.parse(w.closesAt) - Date.parse(c.now))})</span>
            : <span>window closed {clockWords(w.closesAt)}</span>)}
        </div>
      </div>
      <button className="primary debug-button" onClick={onDebug} disabled={debugging} data-testid="debug-in-editor"
        title="Turn this conversation's recorded events into a scenario and run it against the flows as you are editing them">
        <Icon name="bug" size={14} /> Debug in the editor
      </button>
    </div>
  );
}
