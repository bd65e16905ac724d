// Completion and hover from the flow schema (codemirror-json-schema). Its schema library rewrites the schema object
// it is given while answering, after which later answers come back empty; so each answer is computed on a fresh
// copy of the schema, in a state of its own holding the same text.
import { CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { yaml, yamlLanguage } from "@codemirror/lang-yaml";
import { ensureSyntaxTree } from "@codemirror/language";
import { EditorState, type Extension } from "@codemirror/state";
import { type EditorView, hoverTooltip } from "@codemirror/view";
import { stateExtensions } from "codemirror-json-schema";
import { yamlCompletion, yamlSchemaHover } from "codemirror-json-schema/yaml";

export function schemaAssist(schema: object): Extension[] {
  const source = JSON.stringify(schema);
  // A new state's syntax tree is parsed within a small time budget; on a busy machine it can stop short, and the
  // schema lookups would then see half a document. Finish the parse before answering.
  const fresh = (state: EditorState) => {
    const copy = EditorState.create({ doc: state.doc, selection: state.selection, extensions: [yaml(), stateExtensions(JSON.parse(source))] });
    ensureSyntaxTree(copy, copy.doc.length, 1000);
    return copy;
  };
  const complete = (ctx: CompletionContext) =>
    yamlCompletion()(new CompletionContext(fresh(ctx.state), ctx.pos, ctx.explicit)) as CompletionResult | never[];
  const hover = (view: EditorView, pos: number, side: -1 | 1) => yamlSchemaHover()({ state: fresh(view.state) } as EditorView, pos, side);
  return [yamlLanguage.data.of({ autocomplete: complete }), hoverTooltip(hover)];
}
