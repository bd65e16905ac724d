// The one model of a flow file in the page: its text, parsed by the `yaml` package into Documents that keep every
// node's character range (and its CST token). Everything the canvas shows is derived from this; every edit is made
// against it and printed back into the text (see edits.ts).
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Node, type Pair } from "yaml";

export type YamlPath = readonly (string | number)[];

export interface YamlFile {
  readonly text: string;
  readonly documents: readonly Document.Parsed[];
  readonly lines: LineCounter;
}

export function parseYamlFile(text: string): YamlFile {
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { keepSourceTokens: true, lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  // parseAllDocuments returns an EmptyStream (an array with an `empty` flag) for a file without documents.
  const documents = Array.isArray(parsed) ? [...parsed] : [];
  return { text, documents, lines };
}

/** A 0-based character offset from a 1-based line and column (the compiler's positions). */
export function offsetOf(file: YamlFile, line: number, column: number): number {
  const starts = file.lines.lineStarts;
  const start = starts[Math.max(0, Math.min(line - 1, starts.length - 1))] ?? 0;
  return Math.min(file.text.length, start + Math.max(0, column - 1));
}

/** The 1-based line of a 0-based offset. */
export function lineOf(file: YamlFile, offset: number): number {
  return file.lines.linePos(offset).line;
}

/** The node at a path of keys and indexes inside one document, or undefined. */
export function nodeAt(doc: Document.Parsed, path: YamlPath): Node | undefined {
  if (path.length === 0) return doc.contents ?? undefined;
  const node = doc.getIn(path, true);
  return node && typeof node === "object" && "range" in (node as object) ? (node as Node) : undefined;
}

/** The key/value pair whose value is at the path (its last element is the key), or undefined. */
export function pairAt(doc: Document.Parsed, path: YamlPath): Pair<Node, Node | null> | undefined {
  const parent = nodeAt(doc, path.slice(0, -1));
  if (!isMap(parent)) return undefined;
  const key = path[path.length - 1];
  return parent.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<Node, Node | null> | undefined;
}

/** [start, end) of a node's own characters (without trailing comments and line breaks). */
export function rangeOf(node: Node | null | undefined): [number, number] | undefined {
  return node?.range ? [node.range[0], node.range[1]] : undefined;
}

/** [start, end) of a pair, from its key to the end of its value. */
export function pairRange(pair: Pair<Node, Node | null>): [number, number] | undefined {
  const key = rangeOf(pair.key);
  const value = rangeOf(pair.value) ?? key;
  return key && value ? [key[0], Math.max(key[1], value[1])] : undefined;
}

/** The plain JavaScript value at a path, or undefined. */
export function valueAt(doc: Document.Parsed, path: YamlPath): unknown {
  const node = nodeAt(doc, path);
  if (isScalar(node)) return node.value;
  return node && "toJSON" in node ? (node as { toJSON(): unknown }).toJSON() : undefined;
}

/** The string at a path when it is a scalar, else undefined. */
export function stringAt(doc: Document.Parsed, path: YamlPath): string | undefined {
  const node = nodeAt(doc, path);
  return isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : undefined;
}

/** The single key of a one-key mapping (an action like `- reply: {...}`), or undefined. */
export function soleKey(node: unknown): string | undefined {
  if (!isMap(node) || node.items.length === 0) return undefined;
  const first = node.items[0];
  return isPair(first) && isScalar(first.key) ? String(first.key.value) : undefined;
}

/** The items of a sequence value as strings (a lone scalar counts as a one-item list). */
export function stringList(node: unknown): string[] {
  if (isSeq(node)) return node.items.filter(isScalar).map((s) => String(s.value ?? ""));
  if (isScalar(node) && node.value !== null && node.value !== undefined) return [String(node.value)];
  return [];
}

/** The document whose contents contain the offset, or the last one starting before it. */
export function documentIndexAt(file: YamlFile, offset: number): number {
  let found = -1;
  file.documents.forEach((doc, i) => {
    if (doc.range[0] <= offset) found = i;
  });
  return Math.max(0, found);
}
