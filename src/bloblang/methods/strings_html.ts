/**
 * HTML helpers: Go's html.EscapeString / html.UnescapeString, and a tag stripper that behaves
 * like bluemonday's strict policy (as Benthos's `strip_html` uses it): every tag removed,
 * the contents of script/style dropped, text re-escaped, and an optional set of elements kept.
 */

const escapes: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&#34;' };

/** html.EscapeString: only <, >, &, ' and ". */
export function escapeHtml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => escapes[c]);
}

// Latin-1 entity names for U+00A0..U+00FF in code point order. These (and amp/lt/gt/quot) are
// the "legacy" entities HTML allows without a trailing semicolon.
const latin1Names =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'.split(' ');

const legacy = new Map<string, string>([['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['AMP', '&'], ['LT', '<'], ['GT', '>'], ['QUOT', '"']]);
latin1Names.forEach((name, i) => legacy.set(name, String.fromCodePoint(0xa0 + i)));

// Common entities beyond Latin-1 (the full HTML5 table has ~2200 names; these cover typical text).
const extra: Record<string, number> = {
  apos: 0x27, OElig: 0x152, oelig: 0x153, Scaron: 0x160, scaron: 0x161, Yuml: 0x178, fnof: 0x192, circ: 0x2c6, tilde: 0x2dc,
  Alpha: 0x391, Beta: 0x392, Gamma: 0x393, Delta: 0x394, Epsilon: 0x395, Zeta: 0x396, Eta: 0x397, Theta: 0x398, Iota: 0x399,
  Kappa: 0x39a, Lambda: 0x39b, Mu: 0x39c, Nu: 0x39d, Xi: 0x39e, Omicron: 0x39f, Pi: 0x3a0, Rho: 0x3a1, Sigma: 0x3a3, Tau: 0x3a4,
  Upsilon: 0x3a5, Phi: 0x3a6, Chi: 0x3a7, Psi: 0x3a8, Omega: 0x3a9, alpha: 0x3b1, beta: 0x3b2, gamma: 0x3b3, delta: 0x3b4,
  epsilon: 0x3b5, zeta: 0x3b6, eta: 0x3b7, theta: 0x3b8, iota: 0x3b9, kappa: 0x3ba, lambda: 0x3bb, mu: 0x3bc, nu: 0x3bd, xi: 0x3be,
  omicron: 0x3bf, pi: 0x3c0, rho: 0x3c1, sigmaf: 0x3c2, sigma: 0x3c3, tau: 0x3c4, upsilon: 0x3c5, phi: 0x3c6, chi: 0x3c7, psi: 0x3c8,
  omega: 0x3c9, ensp: 0x2002, emsp: 0x2003, thinsp: 0x2009, zwnj: 0x200c, zwj: 0x200d, lrm: 0x200e, rlm: 0x200f, ndash: 0x2013,
  mdash: 0x2014, lsquo: 0x2018, rsquo: 0x2019, sbquo: 0x201a, ldquo: 0x201c, rdquo: 0x201d, bdquo: 0x201e, dagger: 0x2020,
  Dagger: 0x2021, bull: 0x2022, hellip: 0x2026, permil: 0x2030, prime: 0x2032, Prime: 0x2033, lsaquo: 0x2039, rsaquo: 0x203a,
  oline: 0x203e, frasl: 0x2044, euro: 0x20ac, trade: 0x2122, larr: 0x2190, uarr: 0x2191, rarr: 0x2192, darr: 0x2193, harr: 0x2194,
  lArr: 0x21d0, uArr: 0x21d1, rArr: 0x21d2, dArr: 0x21d3, hArr: 0x21d4, forall: 0x2200, part: 0x2202, exist: 0x2203, empty: 0x2205,
  nabla: 0x2207, isin: 0x2208, notin: 0x2209, ni: 0x220b, prod: 0x220f, sum: 0x2211, minus: 0x2212, lowast: 0x2217, radic: 0x221a,
  prop: 0x221d, infin: 0x221e, ang: 0x2220, and: 0x2227, or: 0x2228, cap: 0x2229, cup: 0x222a, int: 0x222b, there4: 0x2234,
  sim: 0x223c, cong: 0x2245, asymp: 0x2248, ne: 0x2260, equiv: 0x2261, le: 0x2264, ge: 0x2265, sub: 0x2282, sup: 0x2283,
  nsub: 0x2284, sube: 0x2286, supe: 0x2287, oplus: 0x2295, otimes: 0x2297, perp: 0x22a5, sdot: 0x22c5, lceil: 0x2308,
  rceil: 0x2309, lfloor: 0x230a, rfloor: 0x230b, lang: 0x27e8, rang: 0x27e9, loz: 0x25ca, spades: 0x2660, clubs: 0x2663,
  hearts: 0x2665, diams: 0x2666, Tab: 0x9, NewLine: 0xa, excl: 0x21, num: 0x23, dollar: 0x24, percnt: 0x25, lpar: 0x28,
  rpar: 0x29, ast: 0x2a, plus: 0x2b, comma: 0x2c, period: 0x2e, sol: 0x2f, colon: 0x3a, semi: 0x3b, equals: 0x3d, quest: 0x3f,
  commat: 0x40, lsqb: 0x5b, bsol: 0x5c, rsqb: 0x5d, lowbar: 0x5f, grave: 0x60, lcub: 0x7b, verbar: 0x7c, rcub: 0x7d,
};
const named = new Map<string, string>(legacy);
for (const [k, cp] of Object.entries(extra)) named.set(k, String.fromCodePoint(cp));

// Windows-1252 meanings of C1 code points, which HTML numeric references map as browsers do.
const c1Replacements: Record<number, number> = {
  0x80: 0x20ac, 0x82: 0x201a, 0x83: 0x192, 0x84: 0x201e, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021, 0x88: 0x2c6, 0x89: 0x2030,
  0x8a: 0x160, 0x8b: 0x2039, 0x8c: 0x152, 0x8e: 0x17d, 0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201c, 0x94: 0x201d, 0x95: 0x2022,
  0x96: 0x2013, 0x97: 0x2014, 0x98: 0x2dc, 0x99: 0x2122, 0x9a: 0x161, 0x9b: 0x203a, 0x9c: 0x153, 0x9e: 0x17e, 0x9f: 0x178,
};

function numericChar(cp: number): string {
  if (c1Replacements[cp] !== undefined) return String.fromCodePoint(c1Replacements[cp]);
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(cp);
}

/** html.UnescapeString: named (common subset) and numeric character references. */
export function unescapeHtml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[xX][0-9a-fA-F]+;?|#[0-9]+;?|[A-Za-z][A-Za-z0-9]*;?)/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const hex = ref[1] === 'x' || ref[1] === 'X';
      const digits = ref.slice(hex ? 2 : 1).replace(/;$/, '');
      return numericChar(parseInt(digits, hex ? 16 : 10));
    }
    if (ref.endsWith(';')) {
      const hit = named.get(ref.slice(0, -1));
      if (hit !== undefined) return hit;
    }
    // Without a semicolon only the legacy names apply, longest prefix first.
    const name = ref.replace(/;$/, '');
    for (let len = name.length; len > 1; len--) {
      const hit = legacy.get(name.slice(0, len));
      if (hit !== undefined) return hit + whole.slice(1 + len);
    }
    return whole;
  });
}

const droppedContent = new Set(['script', 'style']);

/**
 * Remove HTML tags, keeping the text (escaped as an HTML sanitizer emits it) and the tags of
 * the `preserve` elements (emitted bare, without attributes).
 */
export function stripHtml(s: string, preserve: ReadonlySet<string>): string {
  let out = '';
  let i = 0;
  let skipUntil: string | undefined;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const textEnd = lt < 0 ? s.length : lt;
    if (skipUntil === undefined && textEnd > i) out += escapeHtml(unescapeHtml(s.slice(i, textEnd)));
    if (lt < 0) break;
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('-->', lt + 4);
      i = end < 0 ? s.length : end + 3;
      continue;
    }
    const m = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/.exec(s.slice(lt));
    if (!m) {
      const other = /^<[!?\/][^>]*>/.exec(s.slice(lt));
      if (other) {
        i = lt + other[0].length;
        continue;
      }
      if (skipUntil === undefined) out += '&lt;';
      i = lt + 1;
      continue;
    }
    const closing = m[1] === '/';
    const tag = m[2].toLowerCase();
    i = lt + m[0].length;
    if (skipUntil !== undefined) {
      if (closing && tag === skipUntil) skipUntil = undefined;
      continue;
    }
    if (!closing && droppedContent.has(tag) && !preserve.has(tag)) {
      if (!/\/\s*$/.test(m[3])) skipUntil = tag;
      continue;
    }
    if (preserve.has(tag)) out += closing ? `</${tag}>` : `<${tag}>`;
  }
  return out;
}
