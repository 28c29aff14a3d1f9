/**
 * The Bloblang playground page: one self-contained HTML document (inline CSS and JS, nothing
 * loaded from elsewhere) with input, mapping and output side by side. As you type it POSTs
 * `{mapping, input}` to ./execute (debounced) and shows the result, or the error at its position:
 * the mapping line is highlighted, the column underlined and the message shown in the output pane.
 */

export interface PageInitial {
  mapping: string;
  input: string;
}

/** JSON safe to embed in a <script> element (no `</script>`, no `<!--`). */
function embedJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function playgroundPage(initial: PageInitial): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sluice · Bloblang playground</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>Bloblang playground</h1>
  <span id="status" class="status" role="status" aria-live="polite">ready</span>
</header>
<main>
  <section class="pane">
    <h2><label for="input">Input</label></h2>
    <div class="editor" id="input-editor">
      <pre class="gutter" aria-hidden="true"></pre>
      <div class="code">
        <div class="backdrop" aria-hidden="true"></div>
        <textarea id="input" wrap="off" spellcheck="false" autocapitalize="off" autocomplete="off"></textarea>
      </div>
    </div>
  </section>
  <section class="pane">
    <h2><label for="mapping">Mapping</label></h2>
    <div class="editor" id="mapping-editor">
      <pre class="gutter" aria-hidden="true"></pre>
      <div class="code">
        <div class="backdrop" aria-hidden="true"></div>
        <textarea id="mapping" wrap="off" spellcheck="false" autocapitalize="off" autocomplete="off"></textarea>
      </div>
    </div>
  </section>
  <section class="pane">
    <h2>Output</h2>
    <div id="error" class="error" role="alert" hidden>
      <div id="error-title" class="error-title"></div>
      <div id="error-message" class="error-message"></div>
      <pre id="error-excerpt" class="error-excerpt"></pre>
    </div>
    <pre id="output" class="output"></pre>
  </section>
</main>
<script id="initial" type="application/json">${embedJson(initial)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

const CSS = `
:root {
  --bg: #f6f7f9; --panel: #fff; --ink: #1d2330; --muted: #6b7385; --line: #dde1e8;
  --accent: #2d6cdf; --bad: #c62828; --bad-bg: #fdecec; --ok: #2e7d32;
  --mono: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; background: var(--bg); color: var(--ink);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { display: flex; align-items: center; gap: 16px; padding: 10px 16px; background: #1d2330; color: #fff; }
h1 { font-size: 16px; margin: 0; font-weight: 600; }
.status { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #3a4256; }
.status.ok { background: var(--ok); }
.status.bad { background: var(--bad); }
main { flex: 1; display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 12px; padding: 12px; min-height: 0; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
.pane { display: flex; flex-direction: column; min-height: 0; min-width: 0; background: var(--panel);
  border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
  margin: 0; padding: 8px 12px; border-bottom: 1px solid var(--line); }
.editor { flex: 1; display: flex; min-height: 240px; position: relative; overflow: hidden; }
.editor, .output, .error-excerpt { font: 13px/20px var(--mono); }
.gutter { margin: 0; padding: 8px 6px; min-width: 3.2em; text-align: right; color: var(--muted);
  background: #f0f2f5; border-right: 1px solid var(--line); overflow: hidden; user-select: none; font: inherit; }
.gutter .err { color: #fff; background: var(--bad); border-radius: 3px; font-weight: 700; }
.code { position: relative; flex: 1; min-width: 0; }
.backdrop, textarea { position: absolute; inset: 0; margin: 0; padding: 8px 10px; border: 0;
  font: inherit; white-space: pre; overflow: auto; tab-size: 4; }
.backdrop { color: transparent; pointer-events: none; overflow: hidden; }
.backdrop .ln { min-height: 20px; }
.backdrop .ln.err { background: var(--bad-bg); box-shadow: inset 3px 0 var(--bad); }
.backdrop .col { text-decoration: underline wavy var(--bad); text-decoration-thickness: 2px; background: rgba(198,40,40,.18); }
textarea { background: transparent; color: var(--ink); resize: none; outline: none; caret-color: var(--ink); }
.editor:focus-within { box-shadow: inset 0 0 0 2px var(--accent); }
.output { flex: 1; margin: 0; padding: 8px 10px; overflow: auto; white-space: pre-wrap; word-break: break-word; }
.output.deleted { color: var(--muted); font-style: italic; }
.error { margin: 10px; padding: 10px 12px; border: 1px solid var(--bad); border-radius: 6px; background: var(--bad-bg); color: var(--bad); }
.error-title { font-weight: 700; margin-bottom: 4px; }
.error-message { color: var(--ink); white-space: pre-wrap; }
.error-excerpt { margin: 8px 0 0; color: var(--ink); overflow: auto; }
.error-excerpt:empty { display: none; }
`;

// Plain ES2017 so any current browser runs it as is; no framework, no build step.
const SCRIPT = `
(function () {
  'use strict';
  var initial = JSON.parse(document.getElementById('initial').textContent);
  var statusEl = document.getElementById('status');
  var outputEl = document.getElementById('output');
  var errorEl = document.getElementById('error');
  var errorTitle = document.getElementById('error-title');
  var errorMessage = document.getElementById('error-message');
  var errorExcerpt = document.getElementById('error-excerpt');

  function escapeHtml(s) {
    return s.replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; });
  }

  // An editor: a textarea over a backdrop that mirrors its lines, so a line can be highlighted.
  function Editor(root) {
    this.textarea = root.querySelector('textarea');
    this.gutter = root.querySelector('.gutter');
    this.backdrop = root.querySelector('.backdrop');
    this.mark = null;
    var self = this;
    this.textarea.addEventListener('scroll', function () { self.syncScroll(); });
    this.textarea.addEventListener('keydown', function (e) {
      // Tab indents instead of leaving the editor.
      if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        var t = self.textarea, s = t.selectionStart;
        t.value = t.value.slice(0, s) + '  ' + t.value.slice(t.selectionEnd);
        t.selectionStart = t.selectionEnd = s + 2;
        t.dispatchEvent(new Event('input'));
      }
    });
  }
  Editor.prototype.render = function () {
    var lines = this.textarea.value.split('\\n');
    var mark = this.mark;
    var nums = [], html = [];
    for (var i = 0; i < lines.length; i++) {
      var n = i + 1, text = lines[i];
      var isErr = mark && mark.line === n;
      nums.push(isErr ? '<span class="err">' + n + '</span>' : String(n));
      var inner;
      if (isErr && mark.column > 0) {
        var c = Math.max(0, Math.min(mark.column - 1, text.length));
        var at = text.slice(c, c + 1) || ' ';
        inner = escapeHtml(text.slice(0, c)) + '<span class="col">' + escapeHtml(at) + '</span>' + escapeHtml(text.slice(c + 1));
      } else {
        inner = escapeHtml(text) || ' ';
      }
      html.push('<div class="ln' + (isErr ? ' err' : '') + '"' + (isErr ? ' data-error-line="' + n + '"' : '') + '>' + inner + '</div>');
    }
    this.gutter.innerHTML = nums.join('\\n') + '\\n';
    this.backdrop.innerHTML = html.join('');
    this.syncScroll();
  };
  Editor.prototype.syncScroll = function () {
    this.backdrop.scrollTop = this.textarea.scrollTop;
    this.backdrop.scrollLeft = this.textarea.scrollLeft;
    this.gutter.scrollTop = this.textarea.scrollTop;
  };
  Editor.prototype.setMark = function (mark) { this.mark = mark; this.render(); };

  var input = new Editor(document.getElementById('input-editor'));
  var mapping = new Editor(document.getElementById('mapping-editor'));
  input.textarea.value = initial.input;
  mapping.textarea.value = initial.mapping;

  function setStatus(text, cls) {
    statusEl.textContent = text;
    statusEl.className = 'status' + (cls ? ' ' + cls : '');
  }
  function showError(title, message, excerpt) {
    errorTitle.textContent = title;
    errorMessage.textContent = message;
    errorExcerpt.textContent = excerpt || '';
    errorEl.hidden = false;
    outputEl.textContent = '';
    outputEl.className = 'output';
  }
  function caretExcerpt(src, line, column) {
    var text = src.split('\\n')[line - 1];
    if (text === undefined) return '';
    var g = String(line);
    return g + ' | ' + text + '\\n' + g.replace(/./g, ' ') + ' | ' + ' '.repeat(Math.max(0, column - 1)) + '^';
  }

  // Only the answer to the latest request is shown, whatever order answers arrive in.
  var seq = 0, timer = null;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(execute, 200);
    setStatus('typing…');
  }
  function execute() {
    var id = ++seq;
    var src = mapping.textarea.value;
    setStatus('evaluating…');
    fetch('execute', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ mapping: src, input: input.textarea.value })
    }).then(function (res) {
      if (!res.ok) return res.text().then(function (t) { throw new Error(res.status + ': ' + t); });
      return res.json();
    }).then(function (r) {
      if (id !== seq) return;
      if (r.parse_error) {
        var p = r.parse_error;
        mapping.setMark({ line: p.line, column: p.column });
        showError('Parse error at line ' + p.line + ', column ' + p.column, p.message, caretExcerpt(src, p.line, p.column));
        setStatus('parse error', 'bad');
        return;
      }
      if (r.mapping_error !== undefined) {
        // Runtime errors name the statement's line ("failed assignment (line 3): ..."): mark it.
        var at = /\\(line (\\d+)\\)/.exec(r.mapping_error);
        mapping.setMark(at ? { line: Number(at[1]), column: 0 } : null);
        showError(at ? 'Mapping failed at line ' + at[1] : 'Mapping failed', r.mapping_error, '');
        setStatus('mapping error', 'bad');
        return;
      }
      mapping.setMark(null);
      errorEl.hidden = true;
      if (r.deleted) {
        outputEl.textContent = 'the document was deleted (root = deleted())';
        outputEl.className = 'output deleted';
      } else {
        outputEl.textContent = r.result;
        outputEl.className = 'output';
      }
      setStatus('ok', 'ok');
    }).catch(function (err) {
      if (id !== seq) return;
      showError('Cannot reach the playground server', String(err && err.message || err), '');
      setStatus('offline', 'bad');
    });
  }

  [input, mapping].forEach(function (ed) {
    ed.textarea.addEventListener('input', function () { ed.render(); schedule(); });
    ed.render();
  });
  execute();
})();
`;
