// The YAML beside the canvas: CodeMirror 6 with the YAML language, the flow schema's completion and hover
// (codemirror-json-schema), the compiler's diagnostics, and the selection shared with the canvas. Every change to
// the text, typed here or made on the canvas, is a transaction of this editor, so undo and redo cover both.
import { redo, undo, isolateHistory } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import { lintGutter } from "@codemirror/lint";
import { EditorSelection, EditorState, StateEffect, StateField } from "@codemirror/state";
import { Decoration, type DecorationSet, EditorView } from "@codemirror/view";
import { basicSetup } from "codemirror";
import { forwardRef, useEffect, useImperativeHandle, useRef } from "react";
import { diagnosticExtensions, showDiagnostics, type PlacedDiagnostic } from "./diagnosticLines";
import { schemaAssist } from "./schemaAssist";

export interface YamlEditorHandle {
  /** Starts a new document (another file): its own undo history. */
  load(text: string): void;
  /** Replaces the text with an edit made elsewhere (the canvas), as one undoable step changing only what differs. */
  apply(text: string): void;
  /** Selects a range and shows it (a node was clicked). */
  select(from: number, to: number): void;
  undo(): void;
  redo(): void;
  text(): string;
}

interface Props {
  schema: object | null;
  diagnostics: readonly PlacedDiagnostic[];
  onChange(text: string): void;
  onCursor(offset: number): void;
  testId?: string;
}

const setHighlight = StateEffect.define<{ from: number; to: number } | null>();
const highlight = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    for (const e of tr.effects) {
      if (e.is(setHighlight))
        return e.value && e.value.to > e.value.from ? Decoration.set([Decoration.mark({ class: "cm-studio-selected" }).range(e.value.from, e.value.to)]) : Decoration.none;
    }
    return value.map(tr.changes);
  },
  provide: (field) => EditorView.decorations.from(field),
});

export const YamlEditor = forwardRef<YamlEditorHandle, Props>(function YamlEditor({ schema, diagnostics, onChange, onCursor, testId }, ref) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const callbacks = useRef({ onChange, onCursor });
  callbacks.current = { onChange, onCursor };

  const extensions = (withSchema: object | null) => [
    basicSetup,
    yaml(),
    lintGutter(),
    ...diagnosticExtensions,
    highlight,
    EditorView.lineWrapping,
    ...(withSchema ? schemaAssist(withSchema) : []),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
      const userMoved = update.transactions.some((t) =>
        !t.isUserEvent("input.canvas") && (t.isUserEvent("select") || t.isUserEvent("input") || t.isUserEvent("delete")));
      if (userMoved && update.selectionSet) {
        update.view.dispatch({ effects: setHighlight.of(null) });
        callbacks.current.onCursor(update.state.selection.main.head);
      }
    }),
  ];

  useEffect(() => {
    view.current = new EditorView({ parent: host.current!, state: EditorState.create({ doc: "", extensions: extensions(schema) }) });
    return () => view.current?.destroy();
    // The schema arrives once at start; the editor is created after it (see App).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v) v.dispatch(showDiagnostics(v.state, diagnostics));
  }, [diagnostics]);

  useImperativeHandle(ref, () => ({
    load(text) {
      const v = view.current!;
      v.setState(EditorState.create({ doc: text, extensions: extensions(schema) }));
      callbacks.current.onChange(text);
    },
    apply(text) {
      const v = view.current!;
      const old = v.state.doc.toString();
      if (old === text) return;
      let from = 0;
      while (from < old.length && from < text.length && old[from] === text[from]) from++;
      let tail = 0;
      while (tail < old.length - from && tail < text.length - from && old[old.length - 1 - tail] === text[text.length - 1 - tail]) tail++;
      v.dispatch({
        changes: { from, to: old.length - tail, insert: text.slice(from, text.length - tail) },
        annotations: isolateHistory.of("full"),
        userEvent: "input.canvas",
      });
    },
    select(from, to) {
      const v = view.current!;
      const length = v.state.doc.length;
      const range = { from: Math.min(from, length), to: Math.min(to, length) };
      v.dispatch({
        selection: EditorSelection.single(range.from, range.to),
        effects: [setHighlight.of(range), EditorView.scrollIntoView(range.from, { y: "center" })],
      });
    },
    undo: () => void undo(view.current!),
    redo: () => void redo(view.current!),
    text: () => view.current!.state.doc.toString(),
  }));

  return <div className="yaml-editor" ref={host} data-testid={testId ?? "yaml-editor"} />;
});
