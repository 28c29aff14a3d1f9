/**
 * Finding what to test from command line paths, as `benthos test` does: files, directories and
 * `dir/...` (walked recursively), simple `*` patterns. A config pairs with a test file of the same
 * base name plus a test suffix (`foo.yaml` ↔ `foo_benthos_test.yaml`); a config without one is its
 * own definition (inline `tests:`); any other YAML file with `tests:` is a definition whose cases
 * name their target (`target_mapping`, or `target_processors: file.yaml#/pointer`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, normalize } from 'node:path';

export const TEST_SUFFIXES = ['_sluice_test', '_benthos_test', '_bento_test'];

export interface TestTarget {
  /** Shown in results: the config tested, or the definition when there is no config. */
  display: string;
  definitionFile: string;
  configFile?: string;
}

const YAML_EXT = new Set(['.yaml', '.yml']);

function walk(dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && YAML_EXT.has(extname(e.name))) out.push(p);
  }
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** The files named by one command line path. Throws when an explicit path does not exist. */
function expand(path: string): string[] {
  const out: string[] = [];
  if (path === '...' || path.endsWith('/...')) {
    walk(path === '...' ? '.' : path.slice(0, -4) || '/', out);
    return out;
  }
  if (/[*?]/.test(basename(path))) {
    const dir = dirname(path);
    const re = globToRegExp(basename(path));
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      /* no matches */
    }
    for (const n of names.sort()) if (re.test(n) && statSync(join(dir, n)).isFile()) out.push(join(dir, n));
    return out;
  }
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new Error(`unable to access ${path}: no such file or directory`);
  if (st.isDirectory()) walk(path, out);
  else out.push(path);
  return out;
}

function splitSuffix(file: string): { stem: string; suffix?: string; ext: string } {
  const ext = extname(file);
  const stem = file.slice(0, file.length - ext.length);
  const suffix = TEST_SUFFIXES.find((s) => stem.endsWith(s));
  return suffix ? { stem: stem.slice(0, -suffix.length), suffix, ext } : { stem, ext };
}

/** Every test target under `paths`, each once, sorted by what is shown. */
export function findTargets(paths: string[]): TestTarget[] {
  const byDefinition = new Map<string, TestTarget>();
  for (const raw of paths.length > 0 ? paths : ['./...']) {
    for (const f of expand(raw)) {
      const file = normalize(f);
      const { stem, suffix, ext } = splitSuffix(file);
      let target: TestTarget;
      if (suffix) {
        const config = stem + ext;
        target = existsSync(config) ? { display: config, definitionFile: file, configFile: config } : { display: file, definitionFile: file };
      } else {
        const companion = TEST_SUFFIXES.map((s) => stem + s + ext).find((p) => existsSync(p));
        target = { display: file, definitionFile: companion ?? file, configFile: file };
      }
      if (!byDefinition.has(target.definitionFile)) byDefinition.set(target.definitionFile, target);
    }
  }
  return [...byDefinition.values()].sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
}
