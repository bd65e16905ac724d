// Writes a string as YAML source in a given scalar style, the way a person would have written it: one line for
// quoted and plain scalars, the original indentation for block scalars.
import { isScalar, parse, Scalar } from "yaml";

export type ScalarStyle = Scalar.Type;

/** `"..."` with YAML's double-quoted escapes, on one line. */
export function doubleQuoted(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + '"';
}

/** True when the string reads back as the same string written plain (inside a flow collection when inFlow). */
export function isPlainSafe(value: string, inFlow: boolean): boolean {
  if (value === "" || value !== value.trim() || /[\n\r\t]/.test(value)) return false;
  if (inFlow && /[,[\]{}]/.test(value)) return false;
  try {
    const read = inFlow ? (parse(`[${value}]`) as unknown[])?.[0] : (parse(`k: ${value}`) as Record<string, unknown>)?.k;
    return typeof read === "string" && read === value;
  } catch {
    return false;
  }
}

/** The source of a flow scalar (plain, single- or double-quoted) in the preferred style, falling back to double quotes. */
export function flowScalarSource(value: string, style: ScalarStyle | undefined, inFlow: boolean): string {
  if (style === Scalar.QUOTE_SINGLE && !/[\n\r\t]/.test(value)) return "'" + value.replaceAll("'", "''") + "'";
  if ((style === Scalar.PLAIN || style === undefined) && isPlainSafe(value, inFlow)) return value;
  return doubleQuoted(value);
}

/**
 * A block scalar (`|` or `>`) holding the value: the same indentation as the original content; the chomping
 * indicator follows the value's trailing line breaks. A folded scalar becomes literal, so that the lines the user
 * typed are the lines sent.
 */
export function blockScalarSource(value: string, originalSource: string, fallbackIndent: string): string {
  const lines = originalSource.split("\n");
  const contentLine = lines.slice(1).find((l) => l.trim() !== "");
  const indent = contentLine ? contentLine.slice(0, contentLine.length - contentLine.trimStart().length) : fallbackIndent;
  const trailing = value.length - value.replace(/\n+$/, "").length;
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const body = value.replace(/\n+$/, "");
  const needsIndicator = /^[ \t]/.test(body) ? String(indent.length) : "";
  const content = body.split("\n").map((l) => (l === "" ? "" : indent + l)).join("\n");
  return `|${needsIndicator}${chomp}\n${content}\n${"\n".repeat(Math.max(0, trailing - 1))}`;
}

/** The style a node was written in, when it is a scalar. */
export function styleOf(node: unknown): ScalarStyle | undefined {
  return isScalar(node) ? node.type : undefined;
}
