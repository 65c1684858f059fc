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

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else if (name.startsWith('data-')) node.setAttribute(name, value);
    else node[name] = value;
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
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
    el('td', {}, el('div', { class: 'title', textContent: group.title }),
      el('div', { class: 'sub', textContent: group.errorType }),
      group.escalatedAt ? el('div', { class: 'escalated', textContent: `escalated: ${group.escalationReason}` }) : null),
    el('td', {}, el('div', { textContent: group.service }), tools ? el('div', { class: 'sub', textContent: tools }) : null),
    el('td', {}, el('span', { class: `state ${group.state}`, textContent: group.state })),
    el('td', { class: 'num count', textContent: String(group.count) }),
    el('td', { class: 'spark' }, sparkline(group.last24h)),
    el('td', { title: group.lastSeen, textContent: ago(group.lastSeen) }),
    change);
}

async function loadGroups() {
  const params = new URLSearchParams({ sort: $('#sort').value, size: '50' });
  if ($('#state-filter').value) params.set('state', $('#state-filter').value);
  const page = await api(`/error-groups?${params}`);
  fill('groups', page.items.map(groupRow), 'groups-empty');
}

async function loadTools() {
  const tools = await api('/error-groups/top-tools?hours=24&limit=10');
  fill('tools', tools.map((tool) => el('tr', { class: 'tool' },
    el('td', { textContent: tool.tool }),
    el('td', { class: 'num', textContent: String(tool.failures) }),
    el('td', { class: 'num', textContent: String(tool.groups) }),
    el('td', { title: tool.lastFailure, textContent: ago(tool.lastFailure) }))), 'tools-empty');
}

async function revert(action, button) {
  button.disabled = true;
  try {
    await api(`/actions/${action.id}/revert`, { method: 'POST', body: JSON.stringify({}) });
    say('Revert requested.', 'info');
    await loadActions();
  } catch (error) {
    handle(error);
    button.disabled = false;
  }
}

async function loadActions() {
  const page = await api('/actions?size=15');
  fill('actions', page.items.map((action) => {
    const revertCell = el('td');
    if (action.status === 'applied' && !action.revertsActionId) {
      const button = el('button', { type: 'button', textContent: 'Revert' });
      button.addEventListener('click', () => revert(action, button));
      revertCell.append(button);
    }
    return el('tr', { class: 'action', 'data-action-id': action.id },
      el('td', { title: action.createdAt, textContent: ago(action.createdAt) }),
      el('td', {}, el('div', { textContent: `${action.type}${action.target ? ' ' + action.target : ''}` }),
        action.resultMessage ? el('div', { class: 'sub', textContent: action.resultMessage }) : null),
      el('td', {}, el('span', { class: `status ${action.status}`, textContent: action.status })),
      el('td', { class: 'sub', textContent: action.ruleName || action.requestedBy }),
      revertCell);
  }), 'actions-empty');
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
  try {
    await Promise.all([loadGroups(), loadTools(), loadActions()]);
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
  $('#sign-out').hidden = true;
  $('#who').textContent = '';
  $('#sign-in-panel').hidden = false;
  say(text || '', 'info');
}

function showDashboard() {
  $('#sign-in-panel').hidden = true;
  $('#dashboard').hidden = false;
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
  $('#state-filter').addEventListener('change', () => loadGroups().catch(handle));
  $('#sort').addEventListener('change', () => loadGroups().catch(handle));
  if (sessionStorage.getItem(TOKEN_KEY)) showDashboard(); else showSignIn();
});
