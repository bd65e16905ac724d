import { describe, expect, it } from "vitest";
import { applyEdit, EditError } from "../app/model/edits";
import { read } from "./repoFiles";

const price = read("flows/price-inquiry.yaml");
const comments = (text: string) => text.split("\n").filter((l) => l.includes("#"));

function diff(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split("\n");
  const b = after.split("\n");
  return { removed: a.filter((l) => !b.includes(l)), added: b.filter((l) => !a.includes(l)) };
}

describe("edits keep everything else byte for byte", () => {
  it("changes a reply's text in its own quoting style", () => {
    const out = applyEdit(price, { kind: "setText", doc: 0, path: ["then", 2, "reply", "text"], value: 'Hi {{ contact.name ?? "there" }}: our prices' });
    expect(diff(price, out)).toEqual({
      removed: ['  - reply: { text: "Hi {{ contact.name ?? \'there\' }}! Here is our price list. A sales advisor will follow up shortly." }'],
      added: ['  - reply: { text: "Hi {{ contact.name ?? \\"there\\" }}: our prices" }'],
    });
  });

  it("keeps a plain scalar plain and quotes it only when it must", () => {
    expect(applyEdit(price, { kind: "setText", doc: 0, path: ["then", 4, "follow_up", "after"], value: "2h" })).toContain("      after: 2h\n");
    expect(applyEdit(price, { kind: "setText", doc: 0, path: ["then", 1, "assign", "team"], value: "vip: desk" })).toContain('assign: { team: "vip: desk", strategy');
  });

  it("rewrites a block scalar at its indentation", () => {
    const welcome = read("flows/welcome.yaml");
    const out = applyEdit(welcome, { kind: "setText", doc: 0, path: ["then", 1, "reply", "text"], value: "Hello!\nSecond line." });
    expect(out.endsWith("      text: |-\n        Hello!\n        Second line.\n")).toBe(true);
    expect(comments(out)).toEqual(comments(welcome));
  });

  it("edits keywords, keeping the quoting of the ones that stay", () => {
    const out = applyEdit(price, { kind: "setList", doc: 0, path: ["when", "message.text", "contains_any"], values: ["price", "how much", "quote"] });
    expect(diff(price, out).added).toEqual(['  message.text: { contains_any: [price, "how much", quote] }']);
  });

  it("turns a single tag into a list and back", () => {
    const two = applyEdit(price, { kind: "setList", doc: 0, path: ["then", 0, "tag"], values: ["price-asked", "hot"], single: true });
    expect(two).toContain("  - tag: [price-asked, hot]\n");
    expect(applyEdit(two, { kind: "setList", doc: 0, path: ["then", 0, "tag"], values: ["price-asked"], single: true })).toBe(price);
  });

  it("adds an action from the palette at a place in the list", () => {
    const out = applyEdit(price, { kind: "insertAction", doc: 0, seq: ["then"], index: 1, action: "reply" });
    expect(diff(price, out)).toEqual({ removed: [], added: ['  - reply: { text: "Thanks for your message!" }'] });
    expect(out.indexOf("Thanks for your message")).toBeLessThan(out.indexOf("assign:"));
  });

  it("adds a follow-up as a block, nested actions included", () => {
    const out = applyEdit(price, { kind: "insertAction", doc: 0, seq: ["then", 4, "follow_up", "then"], index: 1, action: "follow_up" });
    const inserted = [
      "        - follow_up:",
      "            after: 24h",
      "            unless: customer_replied",
      "            then:",
      '              - reply: { text: "Thanks for your message!" }',
      "",
    ].join("\n");
    expect(out).toBe(price.replace("  - stop: true\n", inserted + "  - stop: true\n"));
  });

  it("removes and reorders actions with the comments above them", () => {
    const text = "flow: x\non: message.received\nthen:\n  # first\n  - tag: a   # stays with a\n\n  - tag: b\n  - stop: true\n";
    const moved = applyEdit(text, { kind: "moveAction", doc: 0, seq: ["then"], from: 0, to: 1 });
    expect(moved).toBe("flow: x\non: message.received\nthen:\n  - tag: b\n\n  # first\n  - tag: a   # stays with a\n  - stop: true\n");
    expect(applyEdit(moved, { kind: "moveAction", doc: 0, seq: ["then"], from: 1, to: 0 })).toBe(text);
    const removed = applyEdit(text, { kind: "removeAction", doc: 0, seq: ["then"], index: 0 });
    expect(removed).toBe("flow: x\non: message.received\nthen:\n\n  - tag: b\n  - stop: true\n");
  });

  it("moves the last action of a file without a final line break", () => {
    const text = "flow: x\nthen:\n  - tag: a\n  - stop: true";
    expect(applyEdit(text, { kind: "moveAction", doc: 0, seq: ["then"], from: 1, to: 0 })).toBe("flow: x\nthen:\n  - stop: true\n  - tag: a");
  });

  it("edits the second flow of a file without touching the first", () => {
    const vip = read("flows/vip-routing.yaml");
    const out = applyEdit(vip, { kind: "setText", doc: 1, path: ["then", 0, "assign", "team"], value: "vip-lounge" });
    expect(diff(vip, out).added).toEqual(["  - assign: { team: vip-lounge, strategy: least_open }"]);
  });

  it("refuses to remove a flow's only action, and an edit on broken YAML", () => {
    expect(() => applyEdit("flow: x\nthen:\n  - stop: true\n", { kind: "removeAction", doc: 0, seq: ["then"], index: 0 })).toThrow(EditError);
    expect(() => applyEdit("flow: x\nthen: [\n", { kind: "setText", doc: 0, path: ["flow"], value: "y" })).toThrow(EditError);
  });
});
