// Conditions as the YAML writes them, for the canvas: the editable keyword tests, and words for a flow the
// compiler could not compile yet (the compiler's own words, from ConditionFormatter, replace these when it can).
import { isMap, isPair, isScalar, isSeq, type Node } from "yaml";
import { stringList, type YamlPath } from "./yamlFile";

/** A keyword test the canvas can edit: `message.text: { contains_any: [price, cost] }`. */
export interface KeywordTest {
  readonly field: string;
  readonly operator: string;
  readonly values: string[];
  /** The path of the operator's value (the list to rewrite). */
  readonly path: YamlPath;
}

const keywordOperators = new Set(["contains", "contains_any", "contains_all", "not_contains"]);
const groups = new Set(["all", "any"]);

export function keywordTests(node: unknown, path: YamlPath): KeywordTest[] {
  const found: KeywordTest[] = [];
  const visit = (n: unknown, at: YamlPath) => {
    if (isSeq(n)) n.items.forEach((item, i) => visit(item, [...at, i]));
    if (!isMap(n)) return;
    for (const pair of n.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (groups.has(key) || key === "not") visit(pair.value, [...at, key]);
      else if (isMap(pair.value)) {
        for (const test of pair.value.items) {
          if (isPair(test) && isScalar(test.key) && keywordOperators.has(String(test.key.value)))
            found.push({ field: key, operator: String(test.key.value), values: stringList(test.value), path: [...at, key, String(test.key.value)] });
        }
      }
    }
  };
  visit(node, path);
  return found;
}

/** One line per top-level condition, in the YAML's own terms (`message.text contains any of price, cost`). */
export function conditionLines(node: unknown): string[] {
  if (isMap(node)) return node.items.filter(isPair).map((p) => describe(String(isScalar(p.key) ? p.key.value : "?"), p.value as Node));
  if (isSeq(node)) return node.items.map((item) => conditionLines(item).join(" and "));
  return [];
}

function describe(key: string, value: Node | null): string {
  if (groups.has(key) && isSeq(value)) return "(" + value.items.map((i) => conditionLines(i).join(" and ")).join(key === "any" ? " or " : " and ") + ")";
  if (key === "not") return "not " + conditionLines(value).join(" and ");
  if (key === "business_hours") return "business hours";
  if (isMap(value))
    return value.items.filter(isPair).map((t) => `${key} ${String(isScalar(t.key) ? t.key.value : "?").replaceAll("_", " ")} ${list(t.value)}`).join(" and ");
  return `${key} equals ${list(value)}`;
}

function list(value: unknown): string {
  const items = stringList(value);
  return isSeq(value) ? `[${items.join(", ")}]` : items[0] ?? "";
}
