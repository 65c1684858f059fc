// Shared by every service's console (served from shared-model's jar at /ui/console.js): the
// neutralising of untrusted text, DOM building without HTML parsing, the bearer-token session and
// the API call. Pages import it as an ES module; no build step.

// Control and bidirectional-formatting characters are shown as visible code points, never
// interpreted: a right-to-left override in a description cannot flip the text around it.
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

export function safe(text) {
  if (text === null || text === undefined) return text;
  return String(text).replace(UNSAFE, (c) => `<U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
}

export const $ = (selector) => document.querySelector(selector);

// Builds an element; text goes in as text nodes (never markup), always neutralised.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('data-') || name.startsWith('aria-')) node.setAttribute(name, safe(value));
    else if (name === 'textContent' || name === 'title') node[name] = safe(value);
    else node[name] = value;
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(typeof child === 'string' || typeof child === 'number' ? safe(String(child)) : child);
    }
  }
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'textContent') node.textContent = safe(value);
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((c) => c));
  return node;
}

export function ago(iso) {
  if (!iso) return '';
  const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return `${Math.round(seconds)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : `HTTP ${status}`);
    this.status = status;
  }
}

// A console's session: the bearer token lives in sessionStorage (this tab only); every call carries it,
// so the page shows exactly what the token's permissions allow. The data view stays hidden until signed in.
export function session({ tokenKey, api = '/api/v1', onSignedIn }) {
  const say = (text, kind = 'error') => {
    const message = $('#message');
    message.textContent = safe(text || '');
    message.className = kind;
    message.hidden = !text;
  };
  const call = async (path, options = {}) => {
    const token = sessionStorage.getItem(tokenKey);
    const response = await fetch(api + path, {
      ...options,
      headers: { 'Accept': 'application/json', 'Authorization': `Bearer ${token}`,
        ...(options.body ? { 'Content-Type': 'application/json' } : {}) },
    });
    if (response.status === 204) return null;
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  };
  const show = (signedIn) => {
    $('#sign-in-panel').hidden = signedIn;
    $('#sign-out').hidden = !signedIn;
    for (const view of document.querySelectorAll('[data-view]')) if (!signedIn) view.hidden = true;
    if (!signedIn) $('#who').textContent = '';
  };
  const handle = (error) => {
    if (error instanceof ApiError && error.status === 401) {
      sessionStorage.removeItem(tokenKey);
      show(false);
      say('The token was refused or has expired: sign in again.');
    } else {
      say(error.message || String(error));
    }
  };
  const subject = (token) => {
    try {
      const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      return payload.sub || payload.upn || '';
    } catch {
      return '';
    }
  };
  const start = async () => {
    const token = sessionStorage.getItem(tokenKey);
    if (!token) { show(false); return; }
    show(true);
    $('#who').textContent = safe(`signed in as ${subject(token)}`);
    try {
      await onSignedIn();
    } catch (error) {
      handle(error);
    }
  };
  $('#sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('#token').value.trim();
    if (!token) return;
    sessionStorage.setItem(tokenKey, token);
    $('#token').value = '';
    say('');
    start();
  });
  $('#sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(tokenKey);
    show(false);
  });
  return { call, say, handle, start, subject: () => subject(sessionStorage.getItem(tokenKey) || '') };
}
