// The compiler's diagnostics in the editor: the exact characters underlined (through @codemirror/lint), and under
// each line with a problem, the FA code and message, so they can be read without hovering.
import { type Diagnostic as LintDiagnostic, setDiagnostics } from "@codemirror/lint";
import { type EditorState, StateEffect, StateField, type TransactionSpec } from "@codemirror/state";
import { Decoration, type DecorationSet, EditorView, WidgetType } from "@codemirror/view";

export interface PlacedDiagnostic {
  from: number;
  to: number;
  severity: "error" | "warning";
  code: string;
  message: string;
}

class DiagnosticLine extends WidgetType {
  constructor(readonly items: readonly PlacedDiagnostic[]) {
    super();
  }

  eq(other: DiagnosticLine): boolean {
    return JSON.stringify(other.items) === JSON.stringify(this.items);
  }

  toDOM(): HTMLElement {
    const box = document.createElement("div");
    box.className = "cm-fa-diagnostics";
    for (const d of this.items) {
      const row = box.appendChild(document.createElement("div"));
      row.className = `cm-fa-diagnostic cm-fa-${d.severity}`;
      const code = row.appendChild(document.createElement("span"));
      code.className = "cm-fa-code";
      code.textContent = d.code;
      row.appendChild(document.createTextNode(" " + d.message));
    }
    return box;
  }

  ignoreEvent(): boolean {
    return false;
  }
}

const setLines = StateEffect.define<DecorationSet>();

const diagnosticLines = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    for (const effect of tr.effects) if (effect.is(setLines)) return effect.value;
    return value.map(tr.changes);
  },
  provide: (field) => EditorView.decorations.from(field),
});

export const diagnosticExtensions = [diagnosticLines];

/** The transaction that shows these diagnostics (replacing the ones shown before). */
export function showDiagnostics(state: EditorState, diagnostics: readonly PlacedDiagnostic[]): TransactionSpec {
  const doc = state.doc;
  const byLine = new Map<number, PlacedDiagnostic[]>();
  const lint: LintDiagnostic[] = [];
  for (const d of diagnostics) {
    const from = Math.min(d.from, doc.length);
    const to = Math.min(Math.max(d.to, from), doc.length);
    lint.push({ from, to, severity: d.severity, message: d.message, source: d.code });
    const line = doc.lineAt(from).number;
    byLine.set(line, [...(byLine.get(line) ?? []), d]);
  }
  const widgets = [...byLine.entries()]
    .sort(([a], [b]) => a - b)
    .map(([line, items]) => Decoration.widget({ widget: new DiagnosticLine(items), block: true, side: 1 }).range(doc.line(line).to));
  const spec = setDiagnostics(state, lint);
  const effects = Array.isArray(spec.effects) ? spec.effects : spec.effects ? [spec.effects] : [];
  return { effects: [...effects, setLines.of(Decoration.set(widgets))] };
}
