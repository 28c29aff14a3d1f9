/**
 * Which document paths and metadata keys a Bloblang mapping reads and which it assigns: the
 * workflow processor orders its branches with these (a branch whose request_map reads what
 * another's result_map writes runs after it), as Benthos does with QueryTargets and
 * AssignmentTargets.
 *
 * The plugin API does not expose the compiled mapping's structure, so this is a lexical reading
 * of the source: comments and strings are masked, then `this.a.b`, bare paths, `@key`,
 * `metadata("key")` and `json("a.b")` count as reads, and `root.a.b =`, bare `a.b =` and
 * `meta key =` statements as writes. It over-approximates reads inside changed contexts (e.g.
 * `this` inside `.map_each(...)`), which at worst orders branches more strictly than needed.
 *
 * A target is a path whose first element says where it lives: `path` (the document) or
 * `metadata`.
 */

export type Target = string[];

const KEYWORDS = new Set(['root', 'this', 'meta', 'let', 'map', 'import', 'if', 'else', 'match', 'from', 'true', 'false', 'null', 'and', 'or', 'not']);
const PLACEHOLDER = /^"§(\d+)"/;

interface Masked {
  code: string;
  strings: string[];
}

/** Strip comments and replace every string literal by a `"§n"` placeholder. */
function mask(src: string): Masked {
  const strings: string[] = [];
  let code = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (src.startsWith('"""', i)) {
      const end = src.indexOf('"""', i + 3);
      const stop = end < 0 ? src.length : end;
      strings.push(src.slice(i + 3, stop));
      code += `"§${strings.length - 1}"`;
      i = end < 0 ? src.length : end + 3;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      const raw = src.slice(i, j + 1);
      let value: string;
      try {
        value = JSON.parse(raw) as string;
      } catch {
        value = raw.slice(1, -1);
      }
      strings.push(value);
      code += `"§${strings.length - 1}"`;
      i = j + 1;
      continue;
    }
    code += c;
    i++;
  }
  return { code, strings };
}

/** Read `.a.b."c"` segments starting at `pos`; stops before a method call or a `.(` context. */
function readSegments(m: Masked, pos: number): { path: string[]; end: number } {
  const path: string[] = [];
  let i = pos;
  for (;;) {
    const rest = m.code.slice(i);
    const dot = /^\s*\.\s*/.exec(rest);
    if (!dot) break;
    const after = rest.slice(dot[0].length);
    const q = PLACEHOLDER.exec(after);
    if (q) {
      path.push(m.strings[Number(q[1])]!);
      i += dot[0].length + q[0].length;
      continue;
    }
    const id = /^\w+/.exec(after);
    if (!id) break;
    // `.foo(` is a method call, not a field.
    if (/^\s*\(/.test(after.slice(id[0].length))) break;
    path.push(id[0]);
    i += dot[0].length + id[0].length;
  }
  return { path, end: i };
}

function dotPath(p: string): string[] {
  return p === '' ? [] : p.split('.').map((s) => s.replace(/~1/g, '.').replace(/~0/g, '~'));
}

/** Statement starts: the beginning of a line, or just inside a `{` of an `if` block. */
const STATEMENT_START = String.raw`(^|[\n{;])([ \t]*)`;
const ASSIGN = String.raw`\s*=(?![=>])`;

interface Assignment {
  target: Target | null;
  start: number;
  end: number;
}

function findAssignments(m: Masked): Assignment[] {
  const found: Assignment[] = [];
  const seg = String.raw`(?:\s*\.\s*(?:\w+|"§\d+"))*`;
  const patterns: Array<[RegExp, (x: RegExpExecArray) => Target | null]> = [
    [new RegExp(STATEMENT_START + String.raw`(?:root|this)(${seg})` + ASSIGN, 'g'), (x) => ['path', ...segmentsOf(m, x[3]!)]],
    [new RegExp(STATEMENT_START + String.raw`meta(?:\s+(\w+|"§\d+"))?` + ASSIGN, 'g'), (x) => (x[3] ? ['metadata', nameOf(m, x[3])] : ['metadata'])],
    [new RegExp(STATEMENT_START + String.raw`let\s+(\w+|"§\d+")` + ASSIGN, 'g'), () => null],
    [
      new RegExp(STATEMENT_START + String.raw`([A-Za-z_]\w*)(${seg})` + ASSIGN, 'g'),
      (x) => (KEYWORDS.has(x[3]!) ? null : ['path', x[3]!, ...segmentsOf(m, x[4]!)]),
    ],
  ];
  for (const [re, toTarget] of patterns) {
    for (let x = re.exec(m.code); x; x = re.exec(m.code)) {
      const start = x.index + x[1]!.length + x[2]!.length;
      if (found.some((f) => f.start === start)) continue;
      found.push({ target: toTarget(x), start, end: x.index + x[0].length });
      // Let the next statement start at the `{` or newline that may end this match.
      re.lastIndex = x.index + x[0].length;
    }
  }
  return found;
}

function segmentsOf(m: Masked, text: string): string[] {
  const out: string[] = [];
  for (const part of text.match(/\w+|"§\d+"/g) ?? []) {
    const q = PLACEHOLDER.exec(part);
    out.push(q ? m.strings[Number(q[1])]! : part);
  }
  return out;
}

function nameOf(m: Masked, token: string): string {
  const q = PLACEHOLDER.exec(token);
  return q ? m.strings[Number(q[1])]! : token;
}

/** The paths and metadata keys a mapping assigns. */
export function assignmentTargets(src: string): Target[] {
  const m = mask(src);
  const out: Target[] = [];
  for (const a of findAssignments(m)) if (a.target) out.push(a.target);
  return out;
}

/** The paths and metadata keys a mapping reads from its input. */
export function queryTargets(src: string): Target[] {
  const m = mask(src);
  // Blank out assignment targets so `root.a = ...` and `let x = ...` are not read as queries.
  let code = m.code;
  for (const a of findAssignments(m)) code = code.slice(0, a.start) + ' '.repeat(a.end - a.start) + code.slice(a.end);
  const masked: Masked = { code, strings: m.strings };
  const out: Target[] = [];

  // Names bound by lambdas (`x -> ...`) and variables are not document fields.
  const bound = new Set<string>();
  for (const x of code.matchAll(/([A-Za-z_]\w*)\s*->/g)) bound.add(x[1]!);

  for (const x of code.matchAll(/(?<![\w.$@§])([A-Za-z_]\w*)/g)) {
    const name = x[1]!;
    const start = x.index!;
    const after = code.slice(start + name.length);
    if (/^\s*(\(|->|=>|:(?!:))/.test(after)) continue;
    const before = code.slice(0, start);
    if (/\b(map|import|from)\s+$/.test(before)) continue;
    if (name === 'this') {
      out.push(['path', ...readSegments(masked, start + name.length).path]);
      continue;
    }
    if (KEYWORDS.has(name) || bound.has(name) || /^\d/.test(name)) continue;
    out.push(['path', name, ...readSegments(masked, start + name.length).path]);
  }
  for (const x of code.matchAll(/@(\w+|"§\d+")?/g)) out.push(x[1] ? ['metadata', nameOf(m, x[1])] : ['metadata']);
  for (const x of code.matchAll(/(?<![\w.])(meta|metadata)\(\s*("§\d+")?\s*\)/g)) out.push(x[2] ? ['metadata', nameOf(m, x[2])] : ['metadata']);
  for (const x of code.matchAll(/(?<![\w.])json\(\s*("§\d+")?\s*\)/g)) out.push(['path', ...(x[1] ? dotPath(nameOf(m, x[1])) : [])]);
  return out;
}

/** Whether `wanted` lies under `provided` (Benthos: the provided path is a prefix of the wanted one). */
export function targetUnder(wanted: Target, provided: Target): boolean {
  if (wanted.length < provided.length) return false;
  for (let i = 0; i < provided.length; i++) if (wanted[i] !== provided[i]) return false;
  return true;
}
