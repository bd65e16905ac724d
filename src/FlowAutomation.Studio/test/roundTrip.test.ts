import { CST, Parser } from "yaml";
import { describe, expect, it } from "vitest";
import { applyEdit } from "../app/model/edits";
import { buildFlowGraph } from "../app/model/flowGraph";
import { parseYamlFile } from "../app/model/yamlFile";
import { flowFiles, read } from "./repoFiles";

const files = flowFiles();

/** The lines that differ between two texts of the same line count, or -1 when the line counts differ. */
function changedLines(before: string, after: string): number[] | -1 {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length !== b.length) return -1;
  return a.flatMap((line, i) => (line === b[i] ? [] : [i + 1]));
}

describe("round trip over every flow file in flows/ and samples/", () => {
  it("finds the shipped flows and the samples", () => {
    expect(files.filter((f) => f.startsWith("flows/")).length).toBeGreaterThanOrEqual(7);
    expect(files.filter((f) => f.startsWith("samples/")).length).toBeGreaterThan(0);
  });

  it.each(files)("%s is parsed and printed back byte for byte", (path) => {
    const text = read(path);
    const printed = [...new Parser().parse(text)].map((token) => CST.stringify(token)).join("");
    expect(printed).toBe(text);
    expect(parseYamlFile(text).documents.every((d) => d.errors.length === 0)).toBe(true);
  });

  it.each(files.filter((f) => !f.endsWith(".scenario.yaml")))("%s: one scalar edited gives a one-line diff", (path) => {
    const text = read(path);
    const file = parseYamlFile(text);
    const graph = buildFlowGraph(file);
    const reply = graph.nodes.find((n) => n.data.kind === "reply" && n.data.content === "text" && !n.data.value.includes("\n"));
    const tag = graph.nodes.find((n) => n.data.kind === "tag" && n.data.tags.length === 1);
    const target = reply ?? tag;
    expect(target, "a reply or a tag to edit").toBeDefined();
    const edited = reply?.data.kind === "reply"
      ? applyEdit(text, { kind: "setText", doc: reply.doc, path: reply.data.valuePath, value: "Edited: hello again!" })
      : applyEdit(text, { kind: "setList", doc: tag!.doc, path: (tag!.data as unknown as { valuePath: (string | number)[] }).valuePath, values: ["edited-tag"] });
    const changed = changedLines(text, edited);
    expect(changed).not.toBe(-1);
    expect((changed as number[]).length).toBe(1);
    const line = edited.split("\n")[(changed as number[])[0]! - 1]!;
    expect(line.includes("Edited: hello again!") || line.includes("edited-tag")).toBe(true);
  });
});
