// Memory explorer: plain ES module against the memory guild's REST API (contexts, lineage, shares,
// memories, search), signed in with a bearer token kept in this tab. Every stored string is
// neutralised by the shared /ui/console.js before it is shown.
import { $, el, ago, safe, session } from '../ui/console.js';

const explorer = session({ tokenKey: 'prometheus.memory.token', onSignedIn: () => load() });
const { call, say, handle } = explorer;
let names = new Map();

async function load() {
  $('#explorer').hidden = false;
  const page = await call('/contexts?size=200');
  names = new Map(page.items.map((c) => [c.id, c.name]));
  renderTree(page.items);
  const id = location.hash.startsWith('#/contexts/') ? decodeURIComponent(location.hash.slice('#/contexts/'.length)) : null;
  if (id) await openContext(id);
  say('');
}

// The tree: children under their parent; a context whose parent the caller cannot see is a root.
function renderTree(contexts) {
  const ids = new Set(contexts.map((c) => c.id));
  const children = new Map();
  for (const c of contexts) {
    const parent = c.parentContextId && ids.has(c.parentContextId) ? c.parentContextId : null;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(c);
  }
  const branch = (parent) => (children.get(parent) || []).sort((a, b) => a.name.localeCompare(b.name)).map((c) =>
    el('li', { class: 'node', 'data-context': c.id },
      el('a', { href: `#/contexts/${c.id}`, class: location.hash === `#/contexts/${c.id}` ? 'current' : '', textContent: c.name }),
      ' ', badge(c),
      children.has(c.id) ? el('ul', {}, branch(c.id)) : null));
  $('#tree').replaceChildren(...branch(null));
  $('#tree-empty').hidden = contexts.length > 0;
}

// The listing names no access level: the caller's own contexts and those shared with it are told apart by owner.
function badge(context) {
  const own = context.owner === explorer.subject();
  return el('span', { class: `badge access ${own ? '' : 'good'}`, textContent: context.access || (own ? 'own' : 'shared') });
}

async function openContext(id) {
  const base = `/contexts/${encodeURIComponent(id)}`;
  const [context, lineage, memories] = await Promise.all([call(base), call(`${base}/lineage`),
    call(`${base}/memories?scope=lineage&includeSuperseded=true&size=200`)]);
  for (const step of lineage) names.set(step.contextId, step.name);
  $('#pick').hidden = true;
  $('#context').hidden = false;
  $('#context').dataset.context = id;
  $('#context-name').textContent = safe(context.name);
  $('#context-facts').replaceChildren(
    el('dt', {}, 'Owner'), el('dd', { textContent: context.owner }),
    el('dt', {}, 'Your access'), el('dd', { textContent: context.access }),
    el('dt', {}, 'Created'), el('dd', { title: context.createdAt, textContent: ago(context.createdAt) }));
  $('#lineage').replaceChildren(...lineage.map((step) => el('li', { class: 'step', 'data-depth': String(step.depth) },
    step.depth === 0 ? el('strong', { textContent: step.name }) : el('a', { href: `#/contexts/${step.contextId}`, textContent: step.name }),
    el('span', { class: 'sub', textContent: step.depth === 0 ? ' this context' : ` ancestor, depth ${step.depth}` }))));
  const shares = await call(`${base}/shares`).catch(() => null);
  $('#shares').replaceChildren(...(shares === null ? [el('li', { class: 'muted', textContent: 'Only the owner sees the shares.' })]
    : shares.length ? shares.map((s) => el('li', { class: 'share' }, `${s.granteeType} `, el('strong', { textContent: s.grantee }),
      ` may ${s.access}`, s.expiresAt ? el('span', { class: 'sub', textContent: s.expired ? ' (expired)' : ` until ${s.expiresAt}` }) : null))
      : [el('li', { class: 'muted', textContent: 'Not shared.' })]));
  renderMemories(memories.items);
  for (const link of document.querySelectorAll('#tree a')) link.className = link.getAttribute('href') === `#/contexts/${id}` ? 'current' : '';
}

// Current memories, each with the versions it superseded (the chain of supersededBy links), newest first.
function renderMemories(items) {
  const predecessor = new Map(items.filter((m) => m.supersededBy).map((m) => [m.supersededBy, m]));
  const current = items.filter((m) => !m.supersededAt);
  $('#memories').replaceChildren(...current.map((m) => {
    const history = [];
    for (let p = predecessor.get(m.id); p; p = predecessor.get(p.id)) history.push(p);
    return el('li', { class: 'memory', 'data-memory': m.id },
      el('div', { class: 'content', textContent: m.content }),
      el('div', { class: 'sub' }, [m.kind, m.key ? `key ${m.key}` : null, origin(m.depth, false, m.contextId), `importance ${m.importance}`,
        ago(m.createdAt)].filter(Boolean).join(' · ')),
      history.length ? el('details', { class: 'history', open: true },
        el('summary', { textContent: `Supersedes ${history.length} earlier version${history.length > 1 ? 's' : ''}` }),
        el('ol', {}, history.map((h) => el('li', { class: 'superseded', title: `superseded ${h.supersededAt}`,
          textContent: `${h.content} (written ${ago(h.createdAt)}, superseded ${ago(h.supersededAt)})` })))) : null);
  }));
}

function origin(depth, shared, contextId) {
  const name = names.get(contextId) || contextId;
  if (shared) return `shared: ${name}`;
  if (!depth) return 'this context';
  return `ancestor: ${name} (depth ${depth})`;
}

const fixed = (value, digits = 3) => (value === null || value === undefined ? '' : Number(value).toFixed(digits));

async function search(event) {
  event.preventDefault();
  const id = $('#context').dataset.context;
  const query = $('#query').value.trim();
  if (!id || !query) return;
  try {
    const answer = await call(`/contexts/${encodeURIComponent(id)}/search`, { method: 'POST',
      body: JSON.stringify({ query, k: 20, scope: $('#search-scope').value }) });
    for (const step of answer.lineage || []) names.set(step.contextId, step.name);
    const rows = answer.results.map((r) => el('tr', { class: 'result', 'data-memory': r.memory.id },
      el('td', { class: 'content', textContent: r.memory.content }),
      el('td', { class: 'origin', textContent: origin(r.depth, r.shared, r.contextId) }),
      el('td', { class: 'num score fused', textContent: fixed(r.score.fused, 4) }),
      el('td', { class: 'num score semantic', title: 'rank / cosine similarity',
        textContent: r.score.semanticRank ? `#${r.score.semanticRank} · ${fixed(r.score.similarity)}` : '–' }),
      el('td', { class: 'num score lexical', title: 'rank / BM25 score',
        textContent: r.score.lexicalRank ? `#${r.score.lexicalRank} · ${fixed(r.score.lexicalScore)}` : '–' }),
      el('td', { class: 'num score recency', textContent: fixed(r.score.recency) })));
    $('#results tbody').replaceChildren(...rows);
    $('#results').hidden = rows.length === 0;
    $('#results-empty').hidden = rows.length > 0;
    say(`${answer.mode} search over ${answer.scope}: ${rows.length} result${rows.length === 1 ? '' : 's'}`, 'info');
  } catch (error) {
    handle(error);
  }
}

$('#search-form').addEventListener('submit', search);
$('#refresh').addEventListener('click', () => load().catch(handle));
window.addEventListener('hashchange', () => { if (sessionStorage.getItem('prometheus.memory.token')) load().catch(handle); });
explorer.start();
