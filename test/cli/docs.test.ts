/** Component Markdown generated from specs (src/config/docs.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../src/components/index.js';
import { componentMarkdown } from '../../src/config/docs.js';
import { field, objectConfig, type ComponentSpec } from '../../src/config/spec.js';
import { Registry, defaultRegistry } from '../../src/plugin/registry.js';

const reg = new Registry();
const widget: ComponentSpec = {
  name: 'widget',
  kind: 'output',
  summary: 'Sends widgets.',
  description: 'Widgets are sent one by one.',
  categories: ['Testing'],
  config: objectConfig([
    field.string('url', 'Where to send them.').examples('http://localhost:1234'),
    field.string('mode', 'How.').options('fast', 'slow').default('fast'),
    field.string('password', 'The password.').secret().default(''),
    field.duration('timeout', 'How long to wait.').default('5s').advanced(),
    field.object('tls', 'TLS settings.', [field.bool('enabled', 'Use TLS.').default(false)]).advanced(),
    field.string('old', 'Gone.').deprecated().optional(),
  ]),
  examples: [{ title: 'Basic', summary: 'Send to a local server.', config: 'output:\n  widget:\n    url: http://localhost:1234\n' }],
};
reg.register('output', widget, () => ({}) as never);

test('a component page: summary, common and full snippets, fields, examples (hand-written)', () => {
  const want = `# widget

*Output · stable · Testing*

Sends widgets.

Widgets are sent one by one.

\`\`\`yaml
# Common config fields, showing default values
label: ""
widget:
  url: http://localhost:1234
  mode: fast
  password: ""
\`\`\`

\`\`\`yaml
# All config fields, showing default values
label: ""
widget:
  url: http://localhost:1234
  mode: fast
  password: ""
  timeout: 5s
  tls:
    enabled: false
\`\`\`

## Fields

### \`url\`

Where to send them.

Type: \`string\`  
Required

Examples:

\`\`\`yaml
url: http://localhost:1234
\`\`\`

### \`mode\`

How.

Type: \`string\`  
Default: \`"fast"\`

Options: \`fast\`, \`slow\`.

### \`password\`

The password.

Type: \`string\`  
Default: \`""\`  
Secret: scrubbed from \`sluice echo\` output

### \`timeout\`

How long to wait.

Type: \`string (duration)\`  
Default: \`"5s"\`  
Advanced

### \`tls\`

TLS settings.

Type: \`object\`  
Advanced

### \`tls.enabled\`

Use TLS.

Type: \`bool\`  
Default: \`false\`

## Examples

### Basic

Send to a local server.

\`\`\`yaml
output:
  widget:
    url: http://localhost:1234
\`\`\`
`;
  assert.equal(componentMarkdown(reg.spec('output', 'widget')!, reg), want);
});

test('every registered component renders, and its page names every non-deprecated field', () => {
  for (const kind of ['input', 'processor', 'output', 'scanner'] as const) {
    for (const spec of defaultRegistry.all(kind)) {
      const md = componentMarkdown(spec, defaultRegistry);
      assert.ok(md.startsWith(`# ${spec.name}\n`));
      for (const f of spec.config.children ?? []) if (!f.deprecated) assert.ok(md.includes(`### \`${f.name}\``), `${kind} ${spec.name}: ${f.name}`);
    }
  }
});
