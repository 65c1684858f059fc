// Tool registry console: plain ES module against the registry's own REST API (discovery, tool
// detail and versions, permissions, secrets, usage, audit), signed in with a bearer token kept in
// this tab. Every stored string is neutralised by the shared /ui/console.js before it is shown.
import { $, el, svg, ago, safe, session } from '../ui/console.js';

const REFRESH_MS = 30000;
const console_ = session({ tokenKey: 'prometheus.registry.token', onSignedIn: () => route() });
const { call, say, handle } = console_;
let refreshTimer = null;

const views = ['#tools-view', '#tool-view', '#audit-view'];
function showView(id) {
  for (const view of views) $(view).hidden = view !== id;
}

async function route() {
  clearTimeout(refreshTimer);
  const hash = location.hash || '#/';
  try {
    if (hash.startsWith('#/tools/')) {
      showView('#tool-view');
      await loadTool(decodeURIComponent(hash.slice('#/tools/'.length)));
    } else if (hash === '#/audit') {
      showView('#audit-view');
      await loadAudit();
    } else {
      showView('#tools-view');
      await loadTools();
    }
    say('');
  } catch (error) {
    handle(error);
  }
  // Auto-refresh: what is on screen is never older than REFRESH_MS.
  if (sessionStorage.getItem('prometheus.registry.token')) refreshTimer = setTimeout(route, REFRESH_MS);
}

// --- Tools: search and tag filter over the discovery API -------------------------------------------
// A list asked for again before its earlier answer came back shows only the latest answer: a slow
// unfiltered load that lands after a filtered one would otherwise replace it on screen.
function latestOnly() {
  let asked = 0;
  return async (path) => {
    const mine = ++asked;
    const answer = await call(path);
    return mine === asked ? answer : null;
  };
}
const toolsPage = latestOnly();
const auditPage = latestOnly();

async function loadTools() {
  const params = new URLSearchParams({ size: '100' });
  // Relevance first when searching, by name otherwise (the discovery API's own defaults).
  if ($('#search').value.trim()) params.set('q', $('#search').value.trim());
  if ($('#tag').value.trim()) params.set('tag', $('#tag').value.trim());
  const page = await toolsPage(`/tools?${params}`);
  if (!page) return;
  const tags = new Map();
  const rows = page.items.map((tool) => {
    for (const tag of tool.tags || []) tags.set(tag, (tags.get(tag) || 0) + 1);
    return el('tr', { class: 'tool', 'data-tool': tool.name },
      el('td', {}, el('a', { class: 'title', href: `#/tools/${encodeURIComponent(tool.name)}`, textContent: tool.name }),
        el('div', { class: 'sub description', textContent: tool.description })),
      el('td', {}, (tool.tags || []).map((tag) => tagButton(tag))),
      el('td', { textContent: tool.owner }),
      el('td', {}, el('span', { class: `badge ${tool.status === 'ACTIVE' ? 'good' : 'bad'}`, textContent: tool.status })),
      el('td', { class: 'num', textContent: String(tool.currentVersion) }));
  });
  $('#tools tbody').replaceChildren(...rows);
  $('#tools-empty').hidden = rows.length > 0;
  $('#tag-cloud').replaceChildren(...[...tags.keys()].sort().map((tag) => tagButton(tag, tags.get(tag))));
}

function tagButton(tag, count) {
  const button = el('button', { type: 'button', class: 'badge tag', 'data-tag': tag, textContent: count ? `${tag} (${count})` : tag });
  button.addEventListener('click', () => { $('#tag').value = tag; loadTools().catch(handle); });
  return button;
}

// --- One tool -----------------------------------------------------------------------------------
async function loadTool(name) {
  const path = `/tools/${encodeURIComponent(name)}`;
  const tool = await call(path);
  const impl = tool.implementation || {};
  $('#tool-head').replaceChildren(
    el('h2', { class: 'title', textContent: tool.name }),
    el('p', { class: 'description', textContent: tool.description }),
    el('div', {}, (tool.tags || []).map((tag) => el('span', { class: 'badge', textContent: tag }))),
    el('dl', { class: 'pairs' },
      el('dt', {}, 'Owner'), el('dd', { textContent: tool.owner }),
      el('dt', {}, 'Status'), el('dd', { textContent: tool.statusReason ? `${tool.status}: ${tool.statusReason}` : tool.status }),
      el('dt', {}, 'Language'), el('dd', { textContent: impl.language }),
      el('dt', {}, 'Updated'), el('dd', { title: tool.updatedAt, textContent: ago(tool.updatedAt) })));

  const versions = [...tool.versions].sort((a, b) => b.version - a.version);
  $('#versions tbody').replaceChildren(...versions.map((v) => el('tr', { class: 'version' },
    el('td', { class: 'num', textContent: String(v.version) }), el('td', { class: 'sub', textContent: (v.fingerprint || '').replace(/^sha256:/, '').slice(0, 12) }),
    el('td', { textContent: v.createdBy }), el('td', { title: v.createdAt, textContent: ago(v.createdAt) }))));
  fillVersionPickers(name, versions);

  const acl = tool.permissions || await call(`${path}/permissions`).catch(() => null);
  $('#acl').replaceChildren(...(acl ? ['read', 'invoke', 'manage'].flatMap((action) => [
    el('dt', {}, action), el('dd', { class: `acl-${action}`, textContent: (acl[action] || []).join(', ') || '(owner only)' })])
    : [el('dd', { class: 'muted', textContent: 'Only the tool\'s managers see its permissions.' })]));
  const allow = (impl.network && impl.network.allow) || [];
  $('#network').replaceChildren(...(allow.length ? allow.map((host) => el('li', { textContent: host }))
    : [el('li', { class: 'muted', textContent: 'No network access.' })]));
  const secrets = await call(`${path}/secrets`).catch(() => null);
  $('#secrets').replaceChildren(...(secrets === null
    ? (impl.secrets || []).map((secret) => el('li', { class: 'secret', textContent: secret }))
    : secrets.length ? secrets.map((secret) => el('li', { class: 'secret' }, el('code', { textContent: secret.name }),
      el('span', { class: 'sub', textContent: ` set by ${secret.updatedBy} ${ago(secret.updatedAt)}` })))
      : [el('li', { class: 'muted', textContent: 'No secrets.' })]));
  $('#limits').replaceChildren(...Object.entries(impl.limits || {}).flatMap(([key, value]) => [
    el('dt', { textContent: key }), el('dd', { textContent: String(value) })]));

  await loadUsage(path);
}

function fillVersionPickers(name, versions) {
  const from = $('#diff-from'), to = $('#diff-to');
  const keep = from.dataset.tool === name ? [from.value, to.value] : null;
  const options = () => versions.map((v) => el('option', { value: String(v.version), textContent: `v${v.version}` }));
  from.replaceChildren(...options());
  to.replaceChildren(...options());
  from.dataset.tool = name;
  if (keep) { [from.value, to.value] = keep; } else {
    to.value = String(versions[0].version);
    from.value = String((versions[1] || versions[0]).version);
  }
  from.onchange = to.onchange = () => showDiff(name).catch(handle);
  return showDiff(name);
}

// What a version says, one line per fact, so a line diff reads like a review.
function versionText(v) {
  return JSON.stringify({ description: v.description, tags: v.tags, functionSignature: v.functionSignature,
    implementation: v.implementation }, null, 2).split('\n');
}

// Longest common subsequence of lines: small inputs, so the quadratic table is fine.
export function lineDiff(a, b) {
  const n = a.length, m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) {
    lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { out.push([' ', a[i]]); i++; j++; } else if (lcs[i + 1][j] >= lcs[i][j + 1]) { out.push(['-', a[i++]]); } else { out.push(['+', b[j++]]); }
  }
  while (i < n) out.push(['-', a[i++]]);
  while (j < m) out.push(['+', b[j++]]);
  return out;
}

async function showDiff(name) {
  const base = `/tools/${encodeURIComponent(name)}/versions/`;
  const [a, b] = await Promise.all([call(base + $('#diff-from').value), call(base + $('#diff-to').value)]);
  const lines = lineDiff(versionText(a), versionText(b));
  $('#diff').replaceChildren(...lines.map(([mark, text]) =>
    el('div', { class: mark === '+' ? 'added' : mark === '-' ? 'removed' : 'same', textContent: `${mark} ${text}` })));
}

// --- Usage charts: inline SVG drawn here, one point per hour ------------------------------------------
async function loadUsage(path) {
  const until = new Date(Math.ceil(Date.now() / 3600000) * 3600000);
  const since = new Date(until.getTime() - 24 * 3600000);
  const report = await call(`${path}/usage?granularity=hour&since=${since.toISOString()}&until=${until.toISOString()}`);
  const t = report.total;
  $('#usage-totals').textContent = safe(`${t.calls} calls, ${t.failures} failures, p50 ${t.p50LatencyMs} ms, p95 ${t.p95LatencyMs} ms`);
  const hours = Array.from({ length: 24 }, (_, i) => since.getTime() + i * 3600000);
  const at = new Map(report.windows.map((w) => [new Date(w.start).getTime(), w.stats]));
  const stat = (hour, pick) => { const s = at.get(hour); return s ? pick(s) : 0; };
  const statuses = [...new Set(report.windows.flatMap((w) => Object.keys(w.stats.failuresByStatus || {})))].sort();
  chart('#chart-calls', hours, [{ name: 'calls', values: hours.map((h) => stat(h, (s) => s.calls)) },
    { name: 'successes', values: hours.map((h) => stat(h, (s) => s.successes)) }]);
  chart('#chart-failures', hours, statuses.length
    ? statuses.map((status) => ({ name: status, values: hours.map((h) => stat(h, (s) => (s.failuresByStatus || {})[status] || 0)) }))
    : [{ name: 'failures', values: hours.map(() => 0) }]);
  chart('#chart-latency', hours, [['p50', 'p50LatencyMs'], ['p95', 'p95LatencyMs'], ['max', 'maxLatencyMs']]
    .map(([label, field]) => ({ name: label, values: hours.map((h) => stat(h, (s) => s[field])) })));
}

const COLOURS = ['#2f5fd0', '#1e8449', '#c0392b', '#d68910', '#8e44ad', '#16a085'];

function chart(figureId, hours, series) {
  const width = 360, height = 140, left = 36, bottom = 18, top = 8, right = 8;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i) => left + (i * (width - left - right)) / (hours.length - 1);
  const y = (v) => top + (height - top - bottom) * (1 - v / max);
  const graph = svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': series.map((s) => `${s.name}: ${s.values.reduce((a, b) => a + b, 0)}`).join(', ') },
  svg('line', { class: 'axis', x1: left, y1: y(0), x2: width - right, y2: y(0) }),
  svg('line', { class: 'axis', x1: left, y1: top, x2: left, y2: y(0) }),
  svg('text', { x: left - 4, y: top + 8, 'text-anchor': 'end', textContent: String(max) }),
  svg('text', { x: left - 4, y: y(0), 'text-anchor': 'end', textContent: '0' }),
  svg('text', { x: left, y: height - 4, textContent: '-24 h' }),
  svg('text', { x: width - right, y: height - 4, 'text-anchor': 'end', textContent: 'now' }));
  series.forEach((s, k) => {
    const colour = COLOURS[k % COLOURS.length];
    graph.append(svg('polyline', { class: 'series', fill: 'none', stroke: colour, 'stroke-width': 1.5,
      points: s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ') }));
    s.values.forEach((v, i) => {
      if (v > 0) {
        graph.append(svg('circle', { class: 'point', cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 2.5, fill: colour, 'data-series': s.name, 'data-value': v },
          svg('title', { textContent: `${s.name}: ${v} at ${new Date(hours[i]).toISOString().slice(11, 16)} UTC` })));
      }
    });
  });
  const legend = el('div', { class: 'legend' }, series.map((s, k) =>
    el('span', { class: 'badge' }, el('i', { class: `swatch c${k % COLOURS.length}` }), s.name)));
  const figure = $(figureId);
  figure.replaceChildren(figure.querySelector('figcaption') || el('figcaption'), graph, legend);
}

// --- Audit log ---------------------------------------------------------------------------------
async function loadAudit() {
  const params = new URLSearchParams({ size: '100' });
  for (const [field, input] of [['tool', '#audit-tool'], ['actor', '#audit-actor'], ['action', '#audit-action'], ['decision', '#audit-decision']]) {
    if ($(input).value.trim()) params.set(field, $(input).value.trim());
  }
  const page = await auditPage(`/audit?${params}`);
  if (!page) return;
  const rows = page.items.map((entry) => el('tr', { class: 'audit-entry' },
    el('td', { title: entry.at, textContent: ago(entry.at) }),
    el('td', { textContent: entry.actor }),
    el('td', { textContent: entry.action }),
    el('td', {}, entry.tool ? el('a', { href: `#/tools/${encodeURIComponent(entry.tool)}`, textContent: entry.tool }) : null),
    el('td', {}, el('span', { class: `badge decision ${entry.decision === 'ALLOW' ? 'good' : 'bad'}`, textContent: entry.decision })),
    el('td', { class: 'sub', textContent: entry.reason })));
  $('#audit tbody').replaceChildren(...rows);
  $('#audit-empty').hidden = rows.length > 0;
}

$('#search-form').addEventListener('submit', (event) => { event.preventDefault(); loadTools().catch(handle); });
$('#audit-form').addEventListener('submit', (event) => { event.preventDefault(); loadAudit().catch(handle); });
window.addEventListener('hashchange', () => { if (sessionStorage.getItem('prometheus.registry.token')) route(); });
console_.start();
