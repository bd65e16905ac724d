// Edits made on the canvas, applied to the file through the `yaml` package. Each edit is first made on a copy of
// the parsed Document with the Document API (setIn, sequence items): that copy says what the file must mean after
// the edit. The text is then changed only inside the characters of the node concerned (a scalar rewritten in its
// own quoting style, a list's items, or the lines of one action), so comments, key order and quoting everywhere
// else stay byte for byte. Finally the new text is parsed again and must mean exactly what the edited Document
// means; otherwise the edit is refused and the file is left as it was.
import { Document, isCollection, isScalar, isSeq, Scalar, YAMLMap, YAMLSeq, type Node } from "yaml";
import { blockScalarSource, flowScalarSource } from "./scalars";
import { nodeAt, parseYamlFile, type YamlFile, type YamlPath } from "./yamlFile";

export type ActionKind = "reply" | "tag" | "untag" | "assign" | "unassign" | "set" | "follow_up" | "report_spam" | "close" | "stop";

export type Edit =
  | { readonly kind: "setText"; readonly doc: number; readonly path: YamlPath; readonly value: string }
  /** A list (keywords, tags); with `single`, a one-item list is written as a lone value (`tag: vip`). */
  | { readonly kind: "setList"; readonly doc: number; readonly path: YamlPath; readonly values: readonly string[]; readonly single?: boolean }
  | { readonly kind: "insertAction"; readonly doc: number; readonly seq: YamlPath; readonly index: number; readonly action: ActionKind }
  | { readonly kind: "removeAction"; readonly doc: number; readonly seq: YamlPath; readonly index: number }
  | { readonly kind: "moveAction"; readonly doc: number; readonly seq: YamlPath; readonly from: number; readonly to: number };

/** An edit that cannot be made: the file is left as it was and the message says why. */
export class EditError extends Error {}

/** The text after the edit; throws EditError when the edit cannot be made without changing anything else. */
export function applyEdit(text: string, edit: Edit): string {
  const file = parseYamlFile(text);
  const doc = file.documents[edit.doc];
  if (!doc) throw new EditError(`the file has no flow number ${edit.doc + 1}`);
  if (doc.errors.length > 0) throw new EditError("fix the YAML syntax errors in this flow first");

  const expected = doc.clone();
  const next = edit.kind === "setText" ? setText(file, doc, expected, edit.path, edit.value)
    : edit.kind === "setList" ? setList(file, doc, expected, edit.path, edit.values, edit.single === true)
    : moveItems(file, doc, expected, edit);
  verify(file, next, edit.doc, expected);
  return next;
}

function setText(file: YamlFile, doc: Document.Parsed, expected: Document, path: YamlPath, value: string): string {
  const node = nodeAt(doc, path);
  if (!isScalar(node) || !node.range) throw new EditError(`there is no single value at ${path.join(".")} to change`);
  expected.setIn(path, expected.createNode(value));
  const [start, end] = node.range;
  const original = file.text.slice(start, end);
  const source = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED
    ? blockScalarSource(value, original, " ".repeat(indentOfLine(file.text, start) + 2))
    : flowScalarSource(value, node.type, isInFlow(doc, path));
  return splice(file.text, start, end, source);
}

function setList(file: YamlFile, doc: Document.Parsed, expected: Document, path: YamlPath, values: readonly string[], single: boolean): string {
  const node = nodeAt(doc, path);
  if (!node?.range) throw new EditError(`there is no list at ${path.join(".")} to change`);
  if (isScalar(node) && values.length === 1) return setText(file, doc, expected, path, values[0]!);
  if (!isScalar(node) && !isSeq(node)) throw new EditError(`${path.join(".")} is not a list`);
  expected.setIn(path, expected.createNode(single && values.length === 1 ? values[0] : [...values]));

  // Items that keep their value keep their source (and so their quoting); new ones are written plain where they can be.
  const originals = isSeq(node) ? node.items.filter(isScalar).map((s) => ({ value: String(s.value), source: file.text.slice(s.range![0], s.range![1]) }))
    : [{ value: String(node.value), source: file.text.slice(node.range[0], node.range[1]) }];
  const inFlowList = !isSeq(node) || node.flow === true;
  const items = values.map((v) => {
    const i = originals.findIndex((o) => o.value === v);
    return i >= 0 ? originals.splice(i, 1)[0]!.source : flowScalarSource(v, Scalar.PLAIN, inFlowList);
  });
  const [start, end] = node.range;
  if (single && items.length === 1 && isSeq(node) && node.flow) {
    const lone = originals.length < node.items.length ? items[0]! : flowScalarSource(values[0]!, Scalar.PLAIN, isInFlow(doc, path));
    return splice(file.text, start, end, lone);
  }
  if (inFlowList) {
    const original = file.text.slice(start, end);
    const pad = isSeq(node) && /^\[\s/.test(original) ? " " : "";
    return splice(file.text, start, end, items.length === 0 ? "[]" : `[${pad}${items.join(", ")}${pad}]`);
  }
  if (items.length === 0) throw new EditError("a list needs at least one item");
  const indent = " ".repeat(indentOfLine(file.text, start));
  const lastEnd = node.items[node.items.length - 1] as Node;
  return splice(file.text, start, lastEnd.range![1], items.map((s, i) => (i === 0 ? "- " : `${indent}- `) + s).join("\n"));
}

function moveItems(file: YamlFile, doc: Document.Parsed, expected: Document, edit: Extract<Edit, { seq: YamlPath }>): string {
  const seq = nodeAt(doc, edit.seq);
  if (!isSeq(seq) || seq.flow || seq.items.length === 0) throw new EditError("actions can be added, removed and moved only in a `then:` list written one action per line");
  const expectedSeq = expected.getIn(edit.seq, true) as YAMLSeq;
  const blocks = seq.items.map((item) => itemBlock(file.text, item as Node));
  const indent = blocks[0]!.indent;

  if (edit.kind === "insertAction") {
    const index = Math.max(0, Math.min(edit.index, seq.items.length));
    const node = actionNode(expected, edit.action);
    expectedSeq.items.splice(index, 0, node);
    const lines = new Document([node]).toString({ lineWidth: 0, flowCollectionPadding: true }).replace(/\n$/, "").split("\n");
    const source = lines.map((l) => (l === "" ? "" : " ".repeat(indent) + l)).join("\n") + "\n";
    const at = index < blocks.length ? blocks[index]!.start : blocks[blocks.length - 1]!.end;
    const needsBreak = at > 0 && file.text[at - 1] !== "\n";
    return splice(file.text, at, at, (needsBreak ? "\n" : "") + source);
  }
  if (edit.kind === "removeAction") {
    if (seq.items.length === 1) throw new EditError("a flow needs at least one action: add another before removing this one");
    const block = blocks[edit.index];
    if (!block) throw new EditError(`there is no action number ${edit.index + 1}`);
    expectedSeq.items.splice(edit.index, 1);
    let removed = splice(file.text, block.start, block.end, "");
    if (edit.index === blocks.length - 1 && !file.text.slice(block.start, block.end).endsWith("\n")) removed = removed.replace(/\n$/, "");
    return removed;
  }
  const { from, to } = edit;
  if (!blocks[from] || !blocks[to]) throw new EditError("there is no action at that place");
  const [moved] = expectedSeq.items.splice(from, 1);
  expectedSeq.items.splice(to, 0, moved);
  // Reorder the items' lines; the blank lines between items stay where they are.
  const bodies = blocks.map((b) => file.text.slice(b.start, b.end).replace(/\n$/, ""));
  const [body] = bodies.splice(from, 1);
  bodies.splice(to, 0, body!);
  let out = file.text.slice(0, blocks[0]!.start);
  blocks.forEach((b, i) => {
    const ending = file.text.slice(b.start, b.end).endsWith("\n") ? "\n" : "";
    out += bodies[i] + ending;
    out += i + 1 < blocks.length ? file.text.slice(b.end, blocks[i + 1]!.start) : "";
  });
  return out + file.text.slice(blocks[blocks.length - 1]!.end);
}

/** An action as the shipped flows write it: its settings in one `{ ... }` line, a follow-up as a block. */
export function actionNode(doc: Document, kind: ActionKind): Node {
  const text = (value: string) => Object.assign(new Scalar(value), { type: Scalar.QUOTE_DOUBLE });
  const flowMap = (entries: Record<string, unknown>) => {
    const map = doc.createNode(entries) as YAMLMap;
    map.flow = true;
    return map;
  };
  const value = (): unknown => {
    switch (kind) {
      case "reply": return flowMap({ text: text("Thanks for your message!") });
      case "tag": case "untag": return "new-tag";
      case "assign": return flowMap({ team: "sales", strategy: "round_robin" });
      case "set": return flowMap({ field: text("value") });
      case "follow_up": {
        const followUp = doc.createNode({ after: "24h", unless: "customer_replied", then: [] }) as YAMLMap;
        (followUp.get("then", true) as unknown as YAMLSeq).items.push(actionNode(doc, "reply"));
        return followUp;
      }
      default: return true;
    }
  };
  const map = new YAMLMap();
  map.set(doc.createNode(kind), value());
  return map;
}

interface ItemBlock { start: number; end: number; indent: number }

/** The lines of one sequence item: its `- ` line, the comment lines directly above it, to the end of its last line. */
function itemBlock(text: string, item: Node): ItemBlock {
  const dash = text.lastIndexOf("-", item.range![0]);
  let start = text.lastIndexOf("\n", dash) + 1;
  const indent = dash - start;
  // Comment lines just above, at the item's indentation, belong to it.
  for (;;) {
    if (start === 0) break;
    const previousStart = text.lastIndexOf("\n", start - 2) + 1;
    const line = text.slice(previousStart, start - 1);
    if (/^\s*#/.test(line) && line.length - line.trimStart().length === indent) start = previousStart;
    else break;
  }
  let end = item.range![1];
  if (end > 0 && text[end - 1] !== "\n") {
    const lineEnd = text.indexOf("\n", end);
    end = lineEnd < 0 ? text.length : lineEnd + 1;
  }
  return { start, end, indent };
}

function isInFlow(doc: Document.Parsed, path: YamlPath): boolean {
  for (let i = path.length - 1; i >= 0; i--) {
    const parent = nodeAt(doc, path.slice(0, i));
    if (isCollection(parent) && parent.flow) return true;
  }
  return false;
}

function indentOfLine(text: string, offset: number): number {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const line = text.slice(lineStart);
  return line.length - line.trimStart().length;
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/** The new text must mean what the edited Document means, and every other flow in the file must be unchanged. */
function verify(before: YamlFile, text: string, index: number, expected: Document): void {
  const after = parseYamlFile(text);
  if (after.documents.length !== before.documents.length) throw new EditError("the edit would change the number of flows in the file");
  after.documents.forEach((doc, i) => {
    if (doc.errors.length > 0) throw new EditError(`the edit would break the YAML: ${doc.errors[0]!.message}`);
    const want = i === index ? expected.toJS() : before.documents[i]!.toJS();
    if (JSON.stringify(doc.toJS()) !== JSON.stringify(want)) throw new EditError("the edit would change more than the value concerned");
  });
}

