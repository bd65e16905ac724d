// Completion and hover from the flow schema (codemirror-json-schema). Its schema library rewrites the schema object
// it is given while answering, after which later answers come back empty; so each answer is computed on a fresh
// copy of the schema, in a state of its own holding the same text.
import { CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { yaml, yamlLanguage } from "@codemirror/lang-yaml";
import { ensureSyntaxTree, syntaxTreeAvailable } from "@codemirror/language";
import { EditorState, type Extension } from "@codemirror/state";
import { type EditorView, hoverTooltip } from "@codemirror/view";
import { stateExtensions } from "codemirror-json-schema";
import { yamlCompletion, yamlSchemaHover } from "codemirror-json-schema/yaml";

export function schemaAssist(schema: object): Extension[] {
  const source = JSON.stringify(schema);
  // A new state's syntax tree is parsed within a 20 ms budget and only its first 3,000 characters; on a busy machine
  // or in a long file it stops short, and the schema lookups would see half a document. Finish the parse, then take
  // the next state: ensureSyntaxTree completes the parse context, while syntaxTree() (what the schema library reads)
  // returns the tree a state was created with, so the finished tree is the one of the state after it.
  const fresh = (state: EditorState) => {
    const copy = EditorState.create({ doc: state.doc, selection: state.selection, extensions: [yaml(), stateExtensions(JSON.parse(source))] });
    if (syntaxTreeAvailable(copy, copy.doc.length)) return copy;
    ensureSyntaxTree(copy, copy.doc.length, 10_000);
    return copy.update({}).state;
  };
  const complete = (ctx: CompletionContext) =>
    yamlCompletion()(new CompletionContext(fresh(ctx.state), ctx.pos, ctx.explicit)) as CompletionResult | never[];
  const hover = (view: EditorView, pos: number, side: -1 | 1) => yamlSchemaHover()({ state: fresh(view.state) } as EditorView, pos, side);
  return [yamlLanguage.data.of({ autocomplete: complete }), hoverTooltip(hover)];
}
