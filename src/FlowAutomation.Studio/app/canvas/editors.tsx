// Small inputs used on the canvas's nodes. Each commits once (on Enter or when it loses focus), so one change on
// the canvas is one edit of the file and one step of undo.
import { useEffect, useRef, useState } from "react";
import { Icon } from "./icons";

/** A value edited in place: commits on Enter or blur, Escape puts the old value back. */
export function InlineInput({ value, onCommit, label, testId, width }: { value: string; onCommit(v: string): void; label: string; testId?: string; width?: number }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const commit = () => {
    const v = draft.trim();
    if (v !== "" && v !== value) onCommit(v);
    else setDraft(value);
  };
  return (
    <input
      className="inline-input nodrag"
      aria-label={label}
      data-testid={testId}
      value={draft}
      style={width ? { width } : undefined}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") (e.target as HTMLInputElement).blur();
        if (e.key === "Escape") {
          setDraft(value);
          requestAnimationFrame(() => (e.target as HTMLInputElement).blur());
        }
      }}
    />
  );
}

/** A message as the customer will see it; edited in place (Enter commits, Shift+Enter is a new line). */
export function BubbleEditor({ value, onCommit, testId }: { value: string; onCommit(v: string): void; testId?: string }) {
  const [draft, setDraft] = useState(value);
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => setDraft(value), [value]);
  useEffect(() => {
    const el = area.current;
    if (el) {
      el.style.height = "auto";
      el.style.height = `${el.scrollHeight}px`;
    }
  }, [draft]);
  return (
    <textarea
      ref={area}
      className="bubble nodrag nowheel"
      aria-label="Message text"
      data-testid={testId}
      value={draft}
      rows={1}
      spellCheck
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => (draft !== value ? onCommit(draft) : undefined)}
      onKeyDown={(e) => {
        if (e.key === "Enter" && !e.shiftKey) {
          e.preventDefault();
          (e.target as HTMLTextAreaElement).blur();
        }
        if (e.key === "Escape") {
          setDraft(value);
          requestAnimationFrame(() => (e.target as HTMLTextAreaElement).blur());
        }
      }}
    />
  );
}

/** Words as chips (keywords, tags): × removes one, typing and Enter adds one. */
export function ChipEditor({ values, onCommit, placeholder, testId, minimum = 1 }: { values: string[]; onCommit(v: string[]): void; placeholder: string; testId?: string; minimum?: number }) {
  const [draft, setDraft] = useState("");
  const add = () => {
    const words = draft.split(",").map((w) => w.trim()).filter((w) => w && !values.includes(w));
    setDraft("");
    if (words.length > 0) onCommit([...values, ...words]);
  };
  return (
    <div className="chips nodrag" data-testid={testId}>
      {values.map((v) => (
        <span className="chip" key={v}>
          {v}
          {values.length > minimum && (
            <button type="button" className="chip-remove" aria-label={`Remove ${v}`} onClick={() => onCommit(values.filter((x) => x !== v))}>×</button>
          )}
        </span>
      ))}
      <span className="chip-add">
        <Icon name="plus" size={12} />
        <input
          aria-label={placeholder}
          placeholder={placeholder}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={add}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add();
            }
          }}
        />
      </span>
    </div>
  );
}
