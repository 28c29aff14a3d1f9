/**
 * XML ↔ structured values with Benthos's (mxj) conventions:
 *   - attributes become keys prefixed with `-`; text beside attributes or children is `#text`;
 *   - repeated elements become arrays; an element with only text is that string;
 *   - comments, directives and processing instructions are ignored;
 *   - with `cast`, numeric and boolean texts become numbers and bools.
 * The reader is lenient like Go's non-strict decoder (unquoted attribute values, HTML entities
 * for the common names).
 */
import { BloblangError, Timestamp, isObject, type Value } from '../value.js';
import { putKey } from './objects_util.js';

type Obj = Record<string, Value>;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[A-Za-z][A-Za-z0-9]*);/g, (whole, ent: string) => {
    if (ent[0] === '#') {
      const code = ent[1] === 'x' || ent[1] === 'X' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ent] ?? whole;
  });
}

/** mxj's cast: float first, then Go's strconv.ParseBool spellings; NaN/Inf stay strings. */
function castText(s: string): Value {
  const lower = s.toLowerCase();
  if (lower === 'nan' || lower === 'inf' || lower === '-inf' || lower === '+inf') return s;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) || /^[+-]?0[xX][0-9a-fA-F]+$/.test(s)) {
    const n = Number(s);
    if (!Number.isNaN(n)) return n;
  }
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return s;
}

function localName(name: string): string {
  const i = name.indexOf(':');
  return i >= 0 ? name.slice(i + 1) : name;
}

interface Frame {
  name: string;
  node: Obj;
  text: string;
  hasChildren: boolean;
  hasAttrs: boolean;
}

/** A repeated element turns the field into an array (XML has no other source of arrays). */
function addChild(parent: Obj, key: string, v: Value): void {
  if (!Object.prototype.hasOwnProperty.call(parent, key)) {
    putKey(parent, key, v);
    return;
  }
  const prev = parent[key];
  if (Array.isArray(prev)) prev.push(v);
  else putKey(parent, key, [prev, v]);
}

function finish(f: Frame, cast: boolean): Value {
  const text = f.text.trim();
  const textValue = cast ? castText(text) : text;
  if (!f.hasChildren && !f.hasAttrs) return textValue;
  if (text !== '') putKey(f.node, '#text', textValue);
  return f.node;
}

export function parseXmlDocument(src: string, cast: boolean): Value {
  const root: Frame = { name: '', node: {}, text: '', hasChildren: false, hasAttrs: false };
  const stack: Frame[] = [root];
  let pos = 0;
  const fail = (msg: string): never => {
    const line = src.slice(0, pos).split('\n').length;
    throw new BloblangError(`XML syntax error on line ${line}: ${msg}`);
  };
  while (pos < src.length) {
    const lt = src.indexOf('<', pos);
    if (lt < 0) {
      stack[stack.length - 1]!.text += decodeEntities(src.slice(pos));
      break;
    }
    if (lt > pos) stack[stack.length - 1]!.text += decodeEntities(src.slice(pos, lt));
    pos = lt;
    if (src.startsWith('<!--', pos)) {
      const end = src.indexOf('-->', pos + 4);
      if (end < 0) fail('unexpected EOF in comment');
      pos = end + 3;
    } else if (src.startsWith('<![CDATA[', pos)) {
      const end = src.indexOf(']]>', pos + 9);
      if (end < 0) fail('unexpected EOF in CDATA section');
      stack[stack.length - 1]!.text += src.slice(pos + 9, end);
      pos = end + 3;
    } else if (src.startsWith('<?', pos)) {
      const end = src.indexOf('?>', pos + 2);
      if (end < 0) fail('unexpected EOF');
      pos = end + 2;
    } else if (src.startsWith('<!', pos)) {
      // Directive (DOCTYPE ...), possibly with a bracketed internal subset.
      let depth = 0;
      let i = pos + 2;
      for (; i < src.length; i++) {
        if (src[i] === '[') depth++;
        else if (src[i] === ']') depth--;
        else if (src[i] === '>' && depth <= 0) break;
      }
      if (i >= src.length) fail('unexpected EOF');
      pos = i + 1;
    } else if (src.startsWith('</', pos)) {
      const end = src.indexOf('>', pos);
      if (end < 0) fail('unexpected EOF');
      const name = src.slice(pos + 2, end).trim();
      pos = end + 1;
      const f = stack.pop()!;
      if (stack.length === 0 || localName(name) !== f.name) fail(`element <${f.name}> closed by </${localName(name)}>`);
      const parent = stack[stack.length - 1]!;
      parent.hasChildren = true;
      addChild(parent.node, f.name, finish(f, cast));
    } else {
      const m = /^<([^\s/>]+)/.exec(src.slice(pos));
      if (!m) fail('invalid element name');
      const name = localName(m![1]!);
      pos += m![0].length;
      const frame: Frame = { name, node: {}, text: '', hasChildren: false, hasAttrs: false };
      let selfClosing = false;
      for (;;) {
        while (pos < src.length && /\s/.test(src[pos]!)) pos++;
        if (pos >= src.length) fail('unexpected EOF');
        if (src.startsWith('/>', pos)) {
          selfClosing = true;
          pos += 2;
          break;
        }
        if (src[pos] === '>') {
          pos++;
          break;
        }
        const am = /^([^\s=/>]+)/.exec(src.slice(pos));
        if (!am) fail('invalid attribute');
        const attr = localName(am![1]!);
        pos += am![0].length;
        while (/\s/.test(src[pos] ?? '')) pos++;
        let val = '';
        if (src[pos] === '=') {
          pos++;
          while (/\s/.test(src[pos] ?? '')) pos++;
          const q = src[pos];
          if (q === '"' || q === "'") {
            const end = src.indexOf(q, pos + 1);
            if (end < 0) fail('unterminated attribute value');
            val = decodeEntities(src.slice(pos + 1, end));
            pos = end + 1;
          } else {
            const um = /^[^\s>]+/.exec(src.slice(pos));
            val = um ? decodeEntities(um[0].endsWith('/') && src[pos + um[0].length] === '>' ? um[0].slice(0, -1) : um[0]) : '';
            pos += um ? (um[0].endsWith('/') && src[pos + um[0].length] === '>' ? um[0].length - 1 : um[0].length) : 0;
          }
        } else {
          val = attr;
        }
        frame.hasAttrs = true;
        putKey(frame.node, `-${attr}`, cast ? castText(val) : val);
      }
      if (selfClosing) {
        const parent = stack[stack.length - 1]!;
        parent.hasChildren = true;
        addChild(parent.node, name, finish(frame, cast));
      } else {
        stack.push(frame);
      }
    }
  }
  if (stack.length !== 1) fail('unexpected EOF');
  return root.node;
}

//------------------------------------------------------------------------------

function escapeXml(s: string, attr: boolean): string {
  let out = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (attr) out = out.replace(/"/g, '&quot;');
  return out;
}

function scalarText(v: Value): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Timestamp) return v.toJSON();
  return String(v);
}

function sortedKeys(o: Obj): string[] {
  return Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Serialise an object as XML (mxj's Xml / XmlIndent). A single top-level key is the root
 * element; several are wrapped in `<doc>`. `indent` null means no line breaks at all.
 */
export function formatXmlDocument(v: Value, indent: string | null): string {
  if (!isObject(v)) throw new BloblangError(`expected object value, got ${Array.isArray(v) ? 'array' : typeof v}`);
  const keys = Object.keys(v);
  const lines: string[] = [];
  const pretty = indent !== null;
  const emit = (name: string, val: Value, depth: number): void => {
    const pad = pretty ? indent!.repeat(depth) : '';
    if (Array.isArray(val)) {
      for (const e of val) emit(name, e, depth);
      return;
    }
    if (!isObject(val)) {
      if (val === null || val === undefined) lines.push(`${pad}<${name}/>`);
      else lines.push(`${pad}<${name}>${escapeXml(scalarText(val), false)}</${name}>`);
      return;
    }
    let attrs = '';
    const children: string[] = [];
    let text: string | undefined;
    for (const k of sortedKeys(val)) {
      if (k.startsWith('-') && k.length > 1 && !isObject(val[k]) && !Array.isArray(val[k])) attrs += ` ${k.slice(1)}="${escapeXml(scalarText(val[k]), true)}"`;
      else if (k === '#text') text = scalarText(val[k]);
      else children.push(k);
    }
    if (children.length === 0) {
      if (text === undefined || text === '') lines.push(`${pad}<${name}${attrs}/>`);
      else lines.push(`${pad}<${name}${attrs}>${escapeXml(text, false)}</${name}>`);
      return;
    }
    lines.push(`${pad}<${name}${attrs}>${text ? escapeXml(text, false) : ''}`);
    for (const c of children) emit(c, val[c], depth + 1);
    lines.push(`${pad}</${name}>`);
  };
  if (keys.length === 1) emit(keys[0]!, v[keys[0]!], 0);
  else emit('doc', v, 0);
  return lines.join(pretty ? '\n' : '');
}
