import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

export const repoRoot = resolve(__dirname, "../../..");

/** Every *.yaml / *.yml file under flows/ and samples/, relative to the repository. */
export function flowFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/i.test(name)) found.push(relative(repoRoot, full));
    }
  };
  walk(join(repoRoot, "flows"));
  walk(join(repoRoot, "samples"));
  return found;
}

export const read = (path: string): string => readFileSync(join(repoRoot, path), "utf8");
