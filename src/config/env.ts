/**
 * `${VAR}` and `${VAR:default}` substitution inside parsed YAML scalars. Substituting after
 * parsing (not in the raw text, as Benthos does) means an environment value can never change
 * the structure of the config. `${{VAR}}` escapes to a literal `${VAR}`; `${!...}` is Bloblang
 * interpolation and is left alone.
 */

export interface EnvResult {
  value: string;
  /** Variables referenced without a default and not set. */
  missing: string[];
  /** True when anything was substituted. */
  substituted: boolean;
}

const PATTERN = /\$\{(\{)?([A-Za-z_][A-Za-z0-9_.]*)(?::([^}]*))?\}(\})?/g;

export function substituteEnv(text: string, env: Record<string, string | undefined>): EnvResult {
  if (!text.includes('${')) return { value: text, missing: [], substituted: false };
  const missing: string[] = [];
  let substituted = false;
  const value = text.replace(PATTERN, (whole, open: string | undefined, name: string, def: string | undefined, close: string | undefined) => {
    if (open && close) return `\${${name}${def !== undefined ? `:${def}` : ''}}`;
    if (open || close) return whole;
    substituted = true;
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (def !== undefined) return def;
    if (v === '') return '';
    missing.push(name);
    return '';
  });
  return { value, missing, substituted };
}
