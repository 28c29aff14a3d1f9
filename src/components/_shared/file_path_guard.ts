/**
 * Keeps the `file` output's resolved paths inside `base_dir` (a Sluice extension: Benthos writes
 * wherever an interpolated path points, so `../../etc/cron.d/x` in message data is a write
 * anywhere). A path is refused when it:
 *   - is empty, holds a NUL byte, or is longer than 4096 characters;
 *   - ends with a separator or names base_dir itself (it names a directory, not a file);
 *   - hides a parent-directory segment behind percent-encoding (`..%2f`), a backslash (`..\x`)
 *     or Unicode look-alikes of `.` and `/` (e.g. U+2024, U+FF0E): something downstream that
 *     decodes or normalises the name could still walk up;
 *   - leaves base_dir after normalisation (`a/../../x`, an absolute path elsewhere);
 *   - leaves base_dir once symbolic links of existing parent directories are resolved.
 * A symbolic link as the final component is refused when the file is opened (O_NOFOLLOW).
 */
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, resolve, sep, basename, join } from 'node:path';
import { PermanentError, SluiceError } from '../../plugin/index.js';

export const MAX_PATH_CHARS = 4096;

/** A path that may not be written: a per-message error, never a crash. */
export class PathRejectedError extends PermanentError {
  constructor(reason: string, path: string) {
    super('E_PATH_REJECTED', `file output: refusing to write path ${describePath(path)}: ${reason}`);
    this.name = 'PathRejectedError';
  }
}

/** A short, printable rendering of a hostile path for error messages and logs. */
export function describePath(path: string): string {
  const shown = path.length > 120 ? `${path.slice(0, 120)}... (${path.length} characters)` : path;
  return JSON.stringify(shown);
}

/** Checks on the text alone. Returns the reason to refuse, or undefined. */
export function textualProblem(path: string): string | undefined {
  if (path === '') return 'the path is empty';
  if (path.includes('\0')) return 'the path contains a NUL byte';
  if (path.length > MAX_PATH_CHARS) return `the path is longer than ${MAX_PATH_CHARS} characters`;
  if (path.endsWith('/')) return 'the path ends with a separator, so it names a directory';
  for (const segment of path.split('/')) {
    if (disguisesParent(segment)) {
      return 'a path segment disguises ".." (percent-encoding, a backslash or a Unicode look-alike)';
    }
  }
  return undefined;
}

const ENCODED = /%(2e|2f|5c)/gi;

/** True when a segment becomes (or contains) `..` once decoded or normalised, but is not literally `..`. */
function disguisesParent(segment: string): boolean {
  if (segment === '..' || segment === '.') return false;
  let s = segment.replace(ENCODED, (m) => String.fromCharCode(parseInt(m.slice(1), 16)));
  s = s.normalize('NFKC').replace(/\\/g, '/');
  if (s === segment) return false;
  return s.split('/').some((part) => part === '..');
}

export function isInside(child: string, parent: string): boolean {
  if (parent === sep) return child.startsWith(sep) && child !== sep;
  return child.startsWith(parent + sep);
}

/**
 * Resolves message paths against one base directory. Relative paths are taken relative to
 * base_dir (not the working directory); absolute paths must already point inside it.
 */
export class PathGuard {
  private constructor(
    /** base_dir made absolute, as written (for lexical checks). */
    readonly base: string,
    /** base_dir with its own symbolic links resolved (for the symlink check). */
    private readonly realBase: string,
  ) {}

  static async create(baseDir: string): Promise<PathGuard> {
    const base = resolve(baseDir);
    let real: string;
    try {
      real = await realpath(base);
    } catch (e) {
      throw new SluiceError('E_BASE_DIR', `file output: base_dir ${JSON.stringify(baseDir)} cannot be used: ${(e as Error).message}`);
    }
    return new PathGuard(base, real);
  }

  /** The absolute path to open for `path`, or a PathRejectedError. */
  async resolve(path: string): Promise<string> {
    const problem = textualProblem(path);
    if (problem) throw new PathRejectedError(problem, path);
    const abs = isAbsolute(path) ? resolve(path) : resolve(this.base, path);
    if (abs === this.base || abs === this.realBase) throw new PathRejectedError('it names base_dir itself, not a file inside it', path);
    // An absolute path may name base_dir by its real location (e.g. /private/tmp for /tmp).
    const viaReal = !isInside(abs, this.base) && isInside(abs, this.realBase);
    if (!isInside(abs, this.base) && !viaReal) throw new PathRejectedError('it resolves outside base_dir', path);
    if (Buffer.byteLength(abs) > MAX_PATH_CHARS) throw new PathRejectedError(`the resolved path is longer than ${MAX_PATH_CHARS} bytes`, path);
    const realDir = await realExistingPrefix(dirname(abs));
    const target = join(realDir, basename(abs));
    if (!isInside(target, this.realBase)) throw new PathRejectedError('a symbolic link inside base_dir points outside it', path);
    return target;
  }
}

/** `dir` with the symbolic links of its deepest existing ancestor resolved; the missing rest is appended. */
async function realExistingPrefix(dir: string): Promise<string> {
  const missing: string[] = [];
  let cur = dir;
  for (;;) {
    try {
      const real = await realpath(cur);
      return missing.length === 0 ? real : join(real, ...missing.reverse());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      const parent = dirname(cur);
      if (parent === cur) return dir;
      missing.push(basename(cur));
      cur = parent;
    }
  }
}

/**
 * Lint rule of outputs with `path` and `base_dir`: an interpolated path without base_dir lets
 * message data choose where to write (`../../etc/cron.d/x`).
 */
export function lintInterpolatedPathWithoutBase(config: unknown): Array<{ field: string; code: string; message: string }> {
  const c = config as { path?: unknown; base_dir?: unknown } | undefined;
  if (typeof c?.path !== 'string' || !c.path.includes('${!')) return [];
  if (typeof c.base_dir === 'string' && c.base_dir !== '') return [];
  return [
    {
      field: 'path',
      code: 'W_PATH_WITHOUT_BASE_DIR',
      message: 'path is interpolated from message data but base_dir is not set, so messages can write anywhere this process may write; set base_dir',
    },
  ];
}
