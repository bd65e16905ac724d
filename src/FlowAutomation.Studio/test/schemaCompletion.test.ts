import { CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { yaml } from "@codemirror/lang-yaml";
import { EditorState } from "@codemirror/state";
import { describe, expect, it } from "vitest";
import { schemaAssist } from "../app/editor/schemaAssist";
import { read } from "./repoFiles";

const schema = JSON.parse(read("docs/flow.schema.json"));

function labels(doc: string, after: string): string[] {
  const state = EditorState.create({ doc, extensions: [yaml(), schemaAssist(schema)] });
  const pos = doc.indexOf(after) + after.length;
  const [source] = state.languageDataAt<(ctx: CompletionContext) => CompletionResult>("autocomplete", pos).filter((s) => typeof s === "function");
  return source!(new CompletionContext(state, pos, true)).options.map((o) => o.label);
}

describe("completion from docs/flow.schema.json, as the editor sets it up", () => {
  it("completes a flow key, and again on the next request", () => {
    expect(labels("flow: x\npri\nthen:\n  - stop: true\n", "pri")).toEqual(["priority"]);
    expect(labels("flow: x\npri\nthen:\n  - stop: true\n", "pri")).toEqual(["priority"]);
  });

  it("completes a value from the schema's choices", () => {
    expect(labels("flow: x\nonce_per: con\nthen:\n  - stop: true\n", "once_per: con")).toEqual(["contact", "conversation"]);
  });
});

const scenarioSchema = JSON.parse(read("docs/scenario.schema.json"));

function scenarioLabels(doc: string, after: string): string[] {
  const state = EditorState.create({ doc, extensions: [yaml(), schemaAssist(scenarioSchema)] });
  const pos = doc.indexOf(after) + after.length;
  const [source] = state.languageDataAt<(ctx: CompletionContext) => CompletionResult>("autocomplete", pos).filter((s) => typeof s === "function");
  return source!(new CompletionContext(state, pos, true)).options.map((o) => o.label);
}

describe("completion from docs/scenario.schema.json, in the scenario editor", () => {
  it("completes an event type inside an event", () => {
    expect(scenarioLabels("scenario: s\nstart: 2026-03-02T09:00:00Z\nevents:\n  - at: 0s\n    lead\n", "    lead")).toEqual(["lead.submitted"]);
  });

  it("completes a reason code in a blocked expectation", () => {
    const doc = "scenario: s\nstart: 2026-03-02T09:00:00Z\nevents: []\nexpect:\n  blocked:\n    - reason: quo\n";
    expect(scenarioLabels(doc, "reason: quo")).toEqual(["quota_exhausted"]);
  });

  it("completes past the first 3,000 characters, where a new state's first parse stops", () => {
    const events = Array.from({ length: 100 }, (_, i) => `  - at: ${i}m\n    message.received: { text: "question ${i}" }\n`).join("");
    const doc = `scenario: s\nstart: 2026-03-02T09:00:00Z\nevents:\n${events}expect:\n  blocked:\n    - reason: quo\n`;
    expect(doc.length).toBeGreaterThan(3000);
    expect(scenarioLabels(doc, "reason: quo")).toEqual(["quota_exhausted"]);
  });
});
