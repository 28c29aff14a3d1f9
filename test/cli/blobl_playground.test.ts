/**
 * `sluice blobl server`: the playground's HTTP API, and the page itself driven in headless
 * Chromium (Debian's /usr/bin/chromium through playwright-core). The browser tests skip when
 * Chromium is absent, except in CI (CI=true), where a missing browser is a failure.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { spawnCli } from '../../src/testing/cli.js';

// Functions passed to page.waitForFunction run in the page; the project compiles without DOM types.
declare const document: { getElementById(id: string): { textContent: string | null } | null };

const CHROMIUM = '/usr/bin/chromium';
const browserSkip = !existsSync(CHROMIUM) && process.env.CI !== 'true' ? `${CHROMIUM} is not installed (apt-get install -y chromium)` : false;

let server: ChildProcess;
let baseUrl: string;

before(async () => {
  server = spawnCli(['blobl', 'server', '--no-open', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  baseUrl = await new Promise<string>((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start; stderr: ${stderr}`)), 30_000);
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise(m[1]!);
      }
    });
    server.once('exit', (code) => reject(new Error(`server exited with ${code}; stderr: ${stderr}`)));
  });
});

after(async () => {
  if (server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
});

interface HttpReply {
  status: number;
  body: string;
}

function http(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<HttpReply> {
  return new Promise((resolvePromise, reject) => {
    const req = request(new URL(path, baseUrl), { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const execute = (mapping: string, input: string): Promise<HttpReply> =>
  http('POST', '/execute', JSON.stringify({ mapping, input }), { 'content-type': 'application/json' });

test('the server binds to loopback by default', () => {
  assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test('POST /execute returns the result: structured as indented JSON, a string raw', async () => {
  const r = await execute('root.sum = this.a + this.b', '{"a":2,"b":40}');
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { result: '{\n  "sum": 42\n}' });
  const s = await execute('root = this.name.uppercase()', '{"name":"ada"}\n');
  assert.deepEqual(JSON.parse(s.body), { result: 'ADA' });
});

test('POST /execute reports a parse error with its line and column', async () => {
  const r = await execute('root.a = this.a\nroot.b = )', '{}');
  const body = JSON.parse(r.body) as { parse_error: { line: number; column: number; message: string } };
  assert.equal(body.parse_error.line, 2);
  assert.equal(body.parse_error.column, 10);
  assert.ok(body.parse_error.message.length > 0);
  assert.doesNotMatch(body.parse_error.message, /^line \d/, 'the position is given as fields, not in the message');
});

test('POST /execute reports a failing mapping and a deleted document', async () => {
  const r = await execute('root = this.a.uppercase()', '{"a":1}');
  const body = JSON.parse(r.body) as { mapping_error: string };
  assert.equal(typeof body.mapping_error, 'string');
  assert.match(body.mapping_error, /number/);
  const d = await execute('root = deleted()', '{}');
  assert.deepEqual(JSON.parse(d.body), { deleted: true });
});

test('requests for another host name (DNS rebinding) or without a JSON content type are refused', async () => {
  const rebound = await http('GET', '/', undefined, { host: 'evil.example:4195' });
  assert.equal(rebound.status, 403);
  const simple = await http('POST', '/execute', JSON.stringify({ mapping: 'root = 1', input: '' }), { 'content-type': 'text/plain' });
  assert.equal(simple.status, 415);
});

test('the page is self-contained: nothing is loaded from another origin', async () => {
  const r = await http('GET', '/');
  assert.equal(r.status, 200);
  assert.match(r.body, /<textarea id="mapping"/);
  assert.doesNotMatch(r.body, /\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
  assert.doesNotMatch(r.body, /@import|url\(\s*["']?(?:https?:)?\/\//i);
});

test('the playground page maps as you type and shows errors at their position', { skip: browserSkip, timeout: 120_000 }, async (t) => {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 720 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.after(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(baseUrl);

  const outputIs = (text: string): Promise<unknown> =>
    page.waitForFunction((want) => document.getElementById('output')?.textContent === want, text, { timeout: 10_000 });

  // A mapping and an input typed in: the output pane shows the result.
  await page.fill('#input', '{"a":2,"name":"ada"}');
  await page.fill('#mapping', '');
  await page.locator('#mapping').pressSequentially('root.sum = this.a + 40\nroot.name = this.name.uppercase()', { delay: 5 });
  await outputIs('{\n  "sum": 42,\n  "name": "ADA"\n}');
  assert.equal(await page.isVisible('#error'), false);

  // A broken mapping: the error names line 2, column 10, and that line is highlighted.
  await page.fill('#mapping', 'root.sum = this.a + 40\nroot.name = )');
  await page.waitForSelector('#error:not([hidden])', { timeout: 10_000 });
  assert.match((await page.textContent('#error-title'))!, /line 2, column 13/);
  assert.ok(((await page.textContent('#error-message')) ?? '').length > 0);
  assert.equal(await page.textContent('#mapping-editor .gutter .err'), '2');
  assert.equal(await page.getAttribute('#mapping-editor .backdrop .ln.err', 'data-error-line'), '2');
  assert.equal(await page.textContent('#mapping-editor .backdrop .ln.err .col'), ')');
  assert.match((await page.textContent('#error-excerpt'))!, /2 \| root\.name = \)\n {2}\| {13}\^/);
  assert.match((await page.textContent('#status'))!, /parse error/);

  const shot = join(tmpdir(), `sluice-blobl-playground-${process.pid}.png`);
  await page.screenshot({ path: shot });
  t.diagnostic(`screenshot of the parse error: ${shot}`);

  // A mapping that parses but fails on this input: the failing statement's line is marked.
  await page.fill('#mapping', 'root.ok = true\nroot.bad = this.a.uppercase()');
  await page.waitForFunction(() => /^Mapping failed/.test(document.getElementById('error-title')?.textContent ?? ''), undefined, { timeout: 10_000 });
  assert.equal(await page.textContent('#error-title'), 'Mapping failed at line 2');
  assert.match((await page.textContent('#error-message'))!, /line 2/);
  assert.equal(await page.textContent('#mapping-editor .gutter .err'), '2');
  assert.equal(await page.locator('#mapping-editor .backdrop .col').count(), 0, 'a runtime error has no column');

  // Fixed again: the error goes away.
  await page.fill('#mapping', 'root = this.name');
  await outputIs('ada');
  assert.equal(await page.isVisible('#error'), false);
  assert.deepEqual(pageErrors, []);
});
