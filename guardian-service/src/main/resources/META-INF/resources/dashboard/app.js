// Guardian dashboard: plain JavaScript against the guardian's own REST API, with the operator's
// bearer token kept in sessionStorage (this tab only). Every call carries the token, so the page
// shows and does exactly what the token's permissions allow.
'use strict';

const TOKEN_KEY = 'prometheus.guardian.token';
const API = '/api/v1';
const REFRESH_MS = 15000;
const STATE_BUTTONS = { acknowledged: 'Acknowledge', resolved: 'Resolve', ignored: 'Ignore', open: 'Reopen' };

const $ = (selector) => document.querySelector(selector);
let refreshTimer = null;

class ApiError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : `HTTP ${status}`);
    this.status = status;
  }
}

async function api(path, options = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch(API + path, {
    ...options,
    headers: { 'Accept': 'application/json', 'Authorization': `Bearer ${token}`,
      ...(options.body ? { 'Content-Type': 'application/json' } : {}) },
  });
  if (response.status === 204) {
    return null;
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, body);
  }
  return body;
}

// Control and bidirectional-formatting characters from reports are shown as visible code points,
// never interpreted: a right-to-left override in a tool name cannot flip the text around it.
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function safe(text) {
  if (text === null || text === undefined) return text;
  return String(text).replace(UNSAFE, (c) => `<U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else if (name.startsWith('data-')) node.setAttribute(name, safe(value));
    else if (name === 'textContent' || name === 'title') node[name] = safe(value);
    else node[name] = value;
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(typeof child === 'string' ? safe(child) : child);
  }
  return node;
}

function ago(iso) {
  if (!iso) return '';
  const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return `${Math.round(seconds)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

// Events per hour over 24 hours as bars; the right-most bar is the current hour.
function sparkline(counts) {
  const ns = 'http://www.w3.org/2000/svg';
  const width = 120, height = 24, bar = width / counts.length;
  const max = Math.max(1, ...counts);
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${counts.reduce((a, b) => a + b, 0)} events in the last 24 hours`);
  counts.forEach((count, i) => {
    const h = count === 0 ? 1 : Math.max(2, Math.round((count / max) * height));
    const rect = document.createElementNS(ns, 'rect');
    rect.setAttribute('x', (i * bar).toFixed(1));
    rect.setAttribute('y', height - h);
    rect.setAttribute('width', Math.max(1, bar - 1).toFixed(1));
    rect.setAttribute('height', h);
    if (count === 0) rect.setAttribute('class', 'zero');
    const title = document.createElementNS(ns, 'title');
    title.textContent = `${count} in the hour ${counts.length - 1 - i} h ago`;
    rect.append(title);
    svg.append(rect);
  });
  return svg;
}

function say(text, kind = 'error') {
  const message = $('#message');
  message.textContent = text;
  message.className = kind;
  message.hidden = !text;
}

function fill(tableId, rows, emptyId) {
  const body = $(`#${tableId} tbody`);
  body.replaceChildren(...rows);
  $(`#${emptyId}`).hidden = rows.length > 0;
}

async function changeState(group, state, button) {
  button.disabled = true;
  try {
    await api(`/error-groups/${group.id}`, { method: 'PATCH', body: JSON.stringify({ state, note: 'from the dashboard' }) });
    say('');
    await loadGroups();
  } catch (error) {
    handle(error);
    button.disabled = false;
  }
}

function groupRow(group) {
  const tools = group.tools.length ? `tools: ${group.tools.join(', ')}` : null;
  const change = el('td', { class: 'change' },
    ...Object.entries(STATE_BUTTONS).filter(([state]) => state !== group.state).map(([state, label]) => {
      const button = el('button', { type: 'button', 'data-state': state, textContent: label });
      button.addEventListener('click', () => changeState(group, state, button));
      return button;
    }));
  return el('tr', { class: 'group', 'data-group-id': group.id },
    el('td', {}, el('a', { class: 'title', href: `#/groups/${encodeURIComponent(group.id)}`, textContent: group.title }),
      el('div', { class: 'sub', textContent: group.errorType }),
      group.escalatedAt ? el('div', { class: 'escalated', textContent: `escalated: ${group.escalationReason}` }) : null),
    el('td', {}, el('div', { textContent: group.service }), tools ? el('div', { class: 'sub', textContent: tools }) : null),
    el('td', {}, el('span', { class: `state ${group.state}`, textContent: group.state })),
    el('td', { class: 'num count', textContent: String(group.count) }),
    el('td', { class: 'spark' }, sparkline(group.last24h)),
    el('td', { title: group.lastSeen, textContent: ago(group.lastSeen) }),
    change);
}

async function loadGroups(tool) {
  const params = new URLSearchParams({ sort: $('#sort').value, size: '50' });
  if ($('#state-filter').value) params.set('state', $('#state-filter').value);
  if (typeof tool === 'string') params.set('tool', tool);
  const page = await api(`/error-groups?${params}`);
  fill('groups', page.items.map(groupRow), 'groups-empty');
}

// Trusted failures rank tools; what outside callers reported is listed apart, labelled unverified.
async function loadTools() {
  const row = (tool, unverified) => el('tr', { class: 'tool' },
    el('td', {}, tool.tool, unverified ? ' ' : null, unverified ? el('span', { class: 'badge unverified', textContent: 'unverified' }) : null),
    el('td', { class: 'num', textContent: String(tool.failures) }),
    el('td', { class: 'num', textContent: String(tool.groups) }),
    el('td', { title: tool.lastFailure, textContent: ago(tool.lastFailure) }));
  const [trusted, untrusted] = await Promise.all([api('/error-groups/top-tools?hours=24&limit=10'),
    api('/error-groups/top-tools?hours=24&limit=10&trusted=false')]);
  fill('tools', trusted.map((tool) => row(tool, false)), 'tools-empty');
  fill('untrusted-tools', untrusted.map((tool) => row(tool, true)), 'untrusted-tools-empty');
}

async function revert(action, button, reload) {
  button.disabled = true;
  try {
    await api(`/actions/${action.id}/revert`, { method: 'POST', body: JSON.stringify({}) });
    say('Revert requested.', 'info');
    await reload();
  } catch (error) {
    handle(error);
    button.disabled = false;
  }
}

function actionRows(actions, reload) {
  return actions.map((action) => {
    const revertCell = el('td');
    if (action.status === 'applied' && !action.revertsActionId) {
      const button = el('button', { type: 'button', textContent: 'Revert' });
      button.addEventListener('click', () => revert(action, button, reload));
      revertCell.append(button);
    }
    return el('tr', { class: 'action', 'data-action-id': action.id },
      el('td', { title: action.createdAt, textContent: ago(action.createdAt) }),
      el('td', {}, el('div', { textContent: `${action.type}${action.target ? ' ' + action.target : ''}` }),
        action.resultMessage ? el('div', { class: 'sub', textContent: action.resultMessage }) : null,
        action.revertsActionId ? el('div', { class: 'sub', textContent: `reverts ${action.revertsActionId}` }) : null),
      el('td', {}, el('span', { class: `status ${action.status}`, textContent: action.status })),
      el('td', { class: 'sub', textContent: action.ruleName || action.requestedBy }),
      revertCell);
  });
}

async function loadActions() {
  const page = await api('/actions?size=15');
  fill('actions', actionRows(page.items, loadActions), 'actions-empty');
}

// --- one issue's page: #/groups/<id> ----------------------------------------------------------

function groupIdFromHash() {
  const match = /^#\/groups\/([0-9a-fA-F-]{36})$/.exec(location.hash);
  return match ? match[1] : null;
}

function timeline(hourly) {
  const ns = 'http://www.w3.org/2000/svg';
  const width = 720, height = 60;
  const bar = width / Math.max(1, hourly.length);
  const max = Math.max(1, ...hourly.map((h) => h.count));
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'timeline');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', '100%');
  svg.setAttribute('height', height);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${hourly.reduce((a, h) => a + h.count, 0)} events over ${hourly.length} hours`);
  hourly.forEach((hour, i) => {
    const h = hour.count === 0 ? 1 : Math.max(2, Math.round((hour.count / max) * height));
    const rect = document.createElementNS(ns, 'rect');
    rect.setAttribute('x', (i * bar).toFixed(1));
    rect.setAttribute('y', height - h);
    rect.setAttribute('width', Math.max(1, bar - 1).toFixed(1));
    rect.setAttribute('height', h);
    if (hour.count === 0) rect.setAttribute('class', 'zero');
    const title = document.createElementNS(ns, 'title');
    title.textContent = `${hour.count} at ${safe(hour.hour)}`;
    rect.append(title);
    svg.append(rect);
  });
  return svg;
}

function sample(log) {
  const attributes = Object.entries(log.attributes || {});
  return el('div', { class: 'sample', 'data-error-id': log.id },
    el('div', { class: 'title', textContent: log.errorMessage || '(no message)' }),
    el('div', { class: 'sub' }, `${log.errorType} · ${log.service} · `, el('span', { title: log.occurredAt, textContent: ago(log.occurredAt) }),
      ' ', log.trusted ? el('span', { class: 'badge trusted', textContent: 'trusted' })
        : el('span', { class: 'badge unverified', textContent: `unverified, reported by ${safe(log.reportedBy || 'unknown')}` })),
    log.traceId ? el('div', { class: 'sub', textContent: `trace ${log.traceId}` }) : null,
    attributes.length ? el('dl', { class: 'attributes' },
      ...attributes.flatMap(([name, value]) => [el('dt', { textContent: name }), el('dd', { textContent: value })])) : null,
    log.stackTrace ? el('pre', { class: 'stack', textContent: log.stackTrace }) : null);
}

async function loadGroupPage(id) {
  const [detail, actions] = await Promise.all([api(`/error-groups/${id}`),
    api(`/actions?groupId=${encodeURIComponent(id)}&size=50`)]);
  const group = detail.group;
  $('#group-head').replaceChildren(
    el('h2', { class: 'title', textContent: group.title }),
    el('div', { class: 'sub', textContent: `${group.errorType} · ${group.service}` }),
    el('p', {}, el('span', { class: `state ${group.state}`, textContent: group.state }),
      ` ${group.count} events · first ${ago(group.firstSeen)} · last ${ago(group.lastSeen)}`),
    group.tools.length ? el('p', { class: 'tools' }, 'Tool: ',
      ...group.tools.map((tool) => el('a', { class: 'tool-link', href: '#', textContent: tool,
        onclick: (event) => { event.preventDefault(); showTool(tool); } }))) : null,
    group.escalatedAt ? el('div', { class: 'escalated', textContent: `escalated: ${group.escalationReason}` }) : null);
  $('#group-timeline').replaceChildren(timeline(detail.timeline.hourly));
  $('#group-history').replaceChildren(...detail.timeline.history.map((entry) => el('li', { class: 'history' },
    el('span', { class: `state ${entry.toState || ''}`, textContent: entry.toState || entry.kind || '' }), ' ',
    entry.kind && entry.toState ? el('span', { class: 'sub', textContent: entry.kind }) : null, ' ',
    el('span', { title: entry.at, textContent: ago(entry.at) }), ' ',
    el('span', { class: 'sub', textContent: [entry.actor, entry.note].filter(Boolean).join(': ') }))));
  fill('group-actions', actionRows(actions.items, () => loadGroupPage(id)), 'group-actions-empty');
  $('#group-samples').replaceChildren(...detail.samples.map(sample));
}

// The linked tool: every issue it appears in, on the main list.
function showTool(tool) {
  location.hash = '';
  $('#state-filter').value = '';
  loadGroups(tool).catch(handle);
}

function handle(error) {
  if (error.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn('The token was refused (invalid or expired). Paste a new one.');
  } else if (error.status === 403) {
    say(`Not allowed: ${error.message}`);
  } else {
    say(`The guardian answered: ${error.message}`);
  }
}

async function loadAll() {
  const id = groupIdFromHash();
  $('#dashboard').hidden = id !== null;
  $('#group-page').hidden = id === null;
  try {
    if (id) await loadGroupPage(id);
    else await Promise.all([loadGroups(), loadTools(), loadActions()]);
  } catch (error) {
    handle(error);
  }
}

function subjectOf(token) {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return payload.sub || '';
  } catch {
    return '';
  }
}

function showSignIn(text) {
  clearInterval(refreshTimer);
  $('#dashboard').hidden = true;
  $('#group-page').hidden = true;
  $('#sign-out').hidden = true;
  $('#who').textContent = '';
  $('#sign-in-panel').hidden = false;
  say(text || '', 'info');
}

function showDashboard() {
  $('#sign-in-panel').hidden = true;
  $('#sign-out').hidden = false;
  $('#who').textContent = `signed in as ${subjectOf(sessionStorage.getItem(TOKEN_KEY))}`;
  say('');
  loadAll();
  clearInterval(refreshTimer);
  refreshTimer = setInterval(loadAll, REFRESH_MS);
}

document.addEventListener('DOMContentLoaded', () => {
  $('#sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('#token').value.trim().replace(/^Bearer\s+/i, '');
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    $('#token').value = '';
    showDashboard();
  });
  $('#sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn('Signed out.');
  });
  $('#refresh').addEventListener('click', loadAll);
  window.addEventListener('hashchange', () => { if (sessionStorage.getItem(TOKEN_KEY)) loadAll(); });
  $('#state-filter').addEventListener('change', () => loadGroups().catch(handle));
  $('#sort').addEventListener('change', () => loadGroups().catch(handle));
  if (sessionStorage.getItem(TOKEN_KEY)) showDashboard(); else showSignIn();
});
