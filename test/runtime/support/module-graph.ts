import { readFile, stat } from "node:fs/promises";
import { dirname, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** One import edge found while walking: who imports what, both relative to the root. */
export interface ImportEdge {
  from: string;
  to: string;
}

/**
 * Every project module reachable from `entry` through relative imports (static `import`/`export
 * from`, and `import("...")` with a literal), with the chain of edges that reached each one. Package
 * imports are not followed: the boundaries are between this project's folders.
 */
export async function reachableModules(root: string, entry: string): Promise<Map<string, ImportEdge[]>> {
  const chains = new Map<string, ImportEdge[]>([[normalize(root, entry), []]]);
  const queue = [resolve(root, entry)];
  while (queue.length > 0) {
    const file = queue.shift()!;
    const from = normalize(root, file);
    const text = await readFile(file, "utf8");
    const { importedFiles } = ts.preProcessFile(text, true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const target = await resolveModule(resolve(dirname(file), fileName));
      if (target === undefined) continue;
      const to = normalize(root, target);
      if (chains.has(to)) continue;
      chains.set(to, [...chains.get(from)!, { from, to }]);
      queue.push(target);
    }
  }
  return chains;
}

/** NodeNext specifiers name the emitted `.js`; the source is the `.ts` beside it. */
async function resolveModule(specifierPath: string): Promise<string | undefined> {
  const candidates = specifierPath.endsWith(".js")
    ? [specifierPath.replace(/\.js$/, ".ts"), specifierPath]
    : [specifierPath, `${specifierPath}.ts`, `${specifierPath}/index.ts`];
  for (const candidate of candidates) {
    try {
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // try the next spelling
    }
  }
  return undefined;
}

function normalize(root: string, file: string): string {
  return relative(root, resolve(root, file)).split(sep).join("/");
}
