import { registerScanner, field, type ComponentConfig, type Resources, type Scanner, type ScannerFactory } from '../../plugin/index.js';
import { RE2JS } from 're2js';

interface Candidate {
  re_match_name?: string;
  scanner: ComponentConfig;
}

registerScanner(
  {
    name: 'switch',
    summary: 'Select a child scanner dynamically for source data based on factors such as the filename.',
    description:
      'This scanner outlines a list of potential child scanner candidates to be chosen, and for each source of data the first candidate to pass will be selected. ' +
      'A candidate without any conditions acts as a catch-all and will pass for every source, it is recommended to always have a catch-all scanner at the end of your list. ' +
      'If a given source of data does not pass a candidate an error is returned and the data is rejected.',
    config: field.array(
      '',
      'The candidates, tried in order.',
      field.object('', '', [
        field
          .string('re_match_name', 'A regular expression to test against the name of each source of data fed into the scanner (filename or equivalent). If this pattern matches the child scanner is selected.')
          .optional()
          .check(checkRegex),
        field.component('scanner', 'scanner', 'The scanner to activate if this candidate passes.'),
      ]),
    ).spec,
    examples: [
      {
        title: 'Switch based on file name',
        summary: 'A file input chooses a scanner based on the extension of each file.',
        config:
          'input:\n  file:\n    paths: [ ./data/* ]\n    scanner:\n      switch:\n        - re_match_name: \'\\.csv$\'\n          scanner: { csv: {} }\n' +
          '        - re_match_name: \'\\.csv.gz$\'\n          scanner:\n            decompress:\n              algorithm: gzip\n              into:\n                csv: {}\n' +
          '        - re_match_name: \'\\.tar$\'\n          scanner: { tar: {} }\n        - scanner: { to_the_end: {} }\noutput:\n  stdout: {}\n',
      },
    ],
  },
  async (conf: Candidate[], res: Resources) => {
    const candidates: { re: RE2JS | undefined; factory: ScannerFactory }[] = [];
    for (const c of conf) {
      candidates.push({
        re: c.re_match_name ? RE2JS.compile(c.re_match_name) : undefined,
        factory: await res.buildScanner(c.scanner),
      });
    }
    return {
      create(stream, details): Scanner {
        const chosen = candidates.find((c) => !c.re || c.re.matcher(details.name).find());
        if (chosen) return chosen.factory.create(stream, details);
        return {
          async next() {
            throw new Error(`no scanner candidate matched the source ${JSON.stringify(details.name)}`);
          },
          async close() {
            (stream as unknown as { destroy?: () => void }).destroy?.();
          },
        };
      },
    };
  },
);

function checkRegex(v: unknown): string | undefined {
  if (v === undefined || v === '') return undefined;
  try {
    RE2JS.compile(String(v));
    return undefined;
  } catch (e) {
    return `invalid regular expression: ${(e as Error).message}`;
  }
}
