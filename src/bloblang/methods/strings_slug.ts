/**
 * A URL slug in the manner of github.com/gosimple/slug (which Benthos's `slug` wraps): language
 * substitutions for symbols (`&` -> `and` in English, `et` in French, ...), quotes removed,
 * transliteration to ASCII, lower case, runs of anything else collapsed into `-`.
 *
 * Transliteration uses Unicode decomposition plus a small table for letters that do not
 * decompose (ß, æ, ø, ...), not the full unidecode tables gosimple/slug ships.
 */

const defaultSub: Record<string, string> = {
  '"': '', "'": '', '’': '', '‒': '-', '–': '-', '—': '-', '―': '-',
};

const languageSub: Record<string, Record<string, string>> = {
  en: { '&': 'and', '@': 'at' },
  de: { '&': 'und', '@': 'an', 'ä': 'ae', 'Ä': 'Ae', 'ö': 'oe', 'Ö': 'Oe', 'ü': 'ue', 'Ü': 'Ue' },
  es: { '&': 'y', '@': 'en' },
  fi: { '&': 'ja', '@': 'at' },
  fr: { '&': 'et', '@': 'arobase' },
  gr: { '&': 'kai', 'η': 'i', 'ή': 'i', 'Η': 'i', 'ι': 'i', 'ί': 'i', 'ϊ': 'i', 'Ι': 'i', 'χ': 'x', 'Χ': 'x', 'ω': 'w', 'ώ': 'w', 'Ω': 'w', 'ϋ': 'u' },
  hu: { '&': 'es', '@': 'kukac' },
  id: { '&': 'dan' },
  it: { '&': 'e', '@': 'chiocciola' },
  kz: { '&': 'jane' },
  nb: { '&': 'og', '@': 'at', 'æ': 'ae', 'ø': 'oe', 'å': 'aa', 'Æ': 'Ae', 'Ø': 'Oe', 'Å': 'Aa' },
  nl: { '&': 'en', '@': 'at' },
  nn: { '&': 'og', '@': 'at', 'æ': 'ae', 'ø': 'oe', 'å': 'aa', 'Æ': 'Ae', 'Ø': 'Oe', 'Å': 'Aa' },
  pl: { '&': 'i', '@': 'na' },
  pt: { '&': 'e', '@': 'em' },
  ro: { '&': 'si', '@': 'la' },
  sl: { '&': 'in', 'Đ': 'DZ', 'đ': 'dz' },
  sv: { '&': 'och', '@': 'snabel a', 'å': 'a', 'Å': 'A', 'ä': 'a', 'Ä': 'A', 'ö': 'o', 'Ö': 'O' },
  tr: { '&': 've', '@': 'et', 'ş': 's', 'Ş': 'S', 'ü': 'u', 'Ü': 'U', 'ö': 'o', 'Ö': 'O', 'İ': 'I', 'ı': 'i', 'ğ': 'g', 'Ğ': 'G', 'ç': 'c', 'Ç': 'C' },
};

// Letters Unicode decomposition leaves alone.
const translit: Record<string, string> = {
  'ß': 'ss', 'æ': 'ae', 'Æ': 'AE', 'ø': 'o', 'Ø': 'O', 'œ': 'oe', 'Œ': 'OE', 'đ': 'd', 'Đ': 'D', 'ð': 'd', 'Ð': 'D',
  'þ': 'th', 'Þ': 'TH', 'ł': 'l', 'Ł': 'L', 'ı': 'i', 'ħ': 'h', 'Ħ': 'H', 'ŋ': 'ng', 'Ŋ': 'NG', 'ſ': 's',
};

function substitute(s: string, table: Record<string, string>): string {
  let out = '';
  for (const ch of s) out += table[ch] ?? ch;
  return out;
}

export function makeSlug(input: string, lang: string): string {
  let s = substitute(input, defaultSub);
  const sub = languageSub[lang.toLowerCase()] ?? languageSub.en;
  s = substitute(s, sub);
  s = substitute(s, translit).normalize('NFKD').replace(/\p{M}/gu, '');
  s = s.toLowerCase();
  s = s.replace(/[^a-z0-9_-]+/g, '-').replace(/-{2,}/g, '-');
  return s.replace(/^[-_]+|[-_]+$/g, '');
}
