// The dashboard: keys added with a proof of holding them (kept in this
// tab's sessionStorage), each key's recent messages, refreshed on their own.
'use strict';

const REFRESH_MS = 15000;
const store = {
  load() { try { return JSON.parse(sessionStorage.getItem('proofs') || '{}'); } catch { return {}; } },
  save(proofs) { sessionStorage.setItem('proofs', JSON.stringify(proofs)); },
};
const shown = new Map(); // key -> {section, since}

// expOf is the exp (Unix seconds) of a proof's JWT, or 0 when it has none.
function expOf(proof) {
  const m = /(?:^|[\s,])t\s*=\s*[^.\s,]+\.([A-Za-z0-9_-]+)\./.exec(proof);
  if (!m) return 0;
  try {
    const claims = JSON.parse(atob(m[1].replace(/-/g, '+').replace(/_/g, '/')));
    return typeof claims.exp === 'number' ? claims.exp : 0;
  } catch { return 0; }
}

// forgetExpired drops the proofs that have expired: no longer of use, and
// not to be left in the tab.
function forgetExpired() {
  const proofs = store.load();
  for (const [key, proof] of Object.entries(proofs)) {
    if (expOf(proof) * 1000 <= Date.now()) delete proofs[key];
  }
  store.save(proofs);
}

// keyOf is the k= of a proof, or '' when there is none.
function keyOf(proof) {
  const m = /(?:^|[\s,])k\s*=\s*([A-Za-z0-9_-]+=*)/.exec(proof);
  return m ? m[1].replace(/=+$/, '') : '';
}

// api calls the Messages API with key's proof; it returns the response and
// its JSON body (null for none).
async function api(method, path, proof, body) {
  const headers = { Authorization: proof };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const resp = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  if (resp.status !== 204) { try { data = await resp.json(); } catch { data = null; } }
  return { resp, data };
}

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const c of children) node.append(c);
  return node;
}

function when(seconds) { return new Date(seconds * 1000).toLocaleString(); }

// render shows a key's section: its heading, a remove button, its status
// line and its messages table.
function render(key) {
  const since = new Date();
  const status = el('p', { className: 'status', role: 'status' });
  const forget = el('button', { type: 'button', className: 'secondary forget', textContent: 'Stop watching here' });
  forget.setAttribute('aria-label', 'Stop watching here: key ' + key.slice(0, 12) + ' stays registered');
  const remove = el('button', { type: 'button', className: 'secondary unregister', textContent: 'Unregister key' });
  remove.setAttribute('aria-label', 'Unregister key ' + key.slice(0, 12) + ': its messages are no longer kept, for anyone');
  const table = el('table');
  table.hidden = true;
  const section = el('section', { className: 'key' },
    el('div', { className: 'key-head' }, el('h3', { textContent: key }), el('div', { className: 'actions' }, forget, remove)),
    status, el('div', { className: 'table-wrap', tabIndex: 0 }, table));
  section.setAttribute('aria-label', 'Key ' + key.slice(0, 12));
  const wrap = section.querySelector('.table-wrap');
  wrap.setAttribute('role', 'region');
  wrap.setAttribute('aria-label', 'Messages of key ' + key.slice(0, 12));
  remove.addEventListener('click', () => removeKey(key));
  forget.addEventListener('click', () => {
    drop(key);
    say('Key ' + key.slice(0, 12) + '… is no longer watched in this tab; it stays registered, and its messages kept.');
  });
  document.getElementById('keys').append(section);
  shown.set(key, { section, status, table, since });
  document.getElementById('no-keys').hidden = true;
  refresh(key);
}

// refresh reads key's messages and shows them, newest first, or says why
// there are none.
async function refresh(key) {
  const view = shown.get(key);
  const proof = store.load()[key];
  if (!view || !proof) return;
  let result;
  try {
    result = await api('GET', '/messages/' + key, proof);
  } catch (e) {
    view.status.textContent = 'The Messages API did not answer (' + e.message + '); trying again.';
    return;
  }
  const { resp, data } = result;
  view.status.className = 'status';
  if (resp.status === 204) {
    view.table.hidden = true;
    view.status.textContent = 'No message since ' + view.since.toLocaleString() +
      '. The processor reads the logs every minute or so; a message shows here within a few minutes of being sent.';
  } else if (resp.status === 200 && data && Array.isArray(data.messages)) {
    view.status.textContent = data.messages.length + ' recent message' + (data.messages.length === 1 ? '' : 's') +
      ', newest first (updated ' + new Date().toLocaleTimeString() + ').';
    showMessages(view.table, data.messages);
  } else if (resp.status === 401) {
    view.status.className = 'status error';
    view.status.textContent = 'The proof was refused (' + (data && data.error) + '). Paste a new proof above and add the key again: it is still registered.';
  } else {
    view.status.className = 'status error';
    view.status.textContent = (data && data.error) || ('The Messages API answered ' + resp.status + '.');
  }
}

function showMessages(table, messages) {
  table.replaceChildren(
    el('caption', { textContent: 'Recent messages' }),
    el('thead', {}, el('tr', {}, ...['Accepted', 'Message ID', 'To the client', 'Size (bytes)', 'TTL (s)'].map((h) => {
      const th = el('th', { textContent: h });
      th.scope = 'col';
      return th;
    }))),
    el('tbody', {}, ...messages.map((m) => el('tr', {},
      cell('Accepted', when(m.timestamp)),
      cell('Message ID', m.id, 'id'),
      cell('To the client', m.stored ? 'stored: it was offline' : 'delivered: it was connected'),
      cell('Size (bytes)', String(m.size)),
      cell('TTL (s)', String(m.ttl))))));
  table.hidden = false;
}

// cell is a table cell; its label heads it where the table is stacked
// (narrow screens).
function cell(label, text, className) {
  const td = el('td', { textContent: text, className: className || '' });
  td.dataset.label = label;
  return td;
}

async function removeKey(key) {
  const proof = store.load()[key];
  const view = shown.get(key);
  const { resp, data } = await api('DELETE', '/keys/' + key, proof);
  if (resp.status !== 204 && resp.status !== 404) {
    view.status.className = 'status error';
    view.status.textContent = (data && data.error) || ('The Messages API answered ' + resp.status + '.');
    return;
  }
  drop(key);
  say('Key ' + key.slice(0, 12) + '… unregistered: its messages are no longer kept.');
}

// drop forgets key's proof in this tab and takes its section off the page.
function drop(key) {
  const proofs = store.load();
  delete proofs[key];
  store.save(proofs);
  shown.get(key).section.remove();
  shown.delete(key);
  document.getElementById('no-keys').hidden = shown.size > 0;
}

// say puts msg in the status line under the form and moves the focus back
// to the proof field.
function say(msg) {
  const status = document.getElementById('add-status');
  status.className = 'status';
  status.textContent = msg;
  document.getElementById('proof').focus();
}

async function addKey(event) {
  event.preventDefault();
  const input = document.getElementById('proof');
  const status = document.getElementById('add-status');
  const proof = input.value.trim();
  const key = keyOf(proof);
  status.className = 'status';
  if (!key) {
    status.className = 'status error';
    status.textContent = 'That is not a proof: it has no k=<public key>.';
    return;
  }
  const { resp, data } = await api('POST', '/keys', proof, { 'public-key': key });
  if (resp.status !== 201) {
    status.className = 'status error';
    status.textContent = 'Not added: ' + ((data && data.error) || ('the Messages API answered ' + resp.status)) + '.';
    return;
  }
  const proofs = store.load();
  proofs[data['public-key']] = proof;
  store.save(proofs);
  input.value = '';
  status.textContent = 'Key ' + data['public-key'].slice(0, 12) + '… added.';
  if (!shown.has(data['public-key'])) render(data['public-key']);
}

// pipeline says how the pipeline is doing: when the processor last read a
// log object, and whether the stack's pipeline alarms are quiet.
async function pipeline() {
  const line = document.getElementById('pipeline');
  const alarms = document.getElementById('alarms');
  let resp;
  try {
    resp = await fetch('/pipeline');
  } catch (e) {
    line.textContent = 'The Messages API did not answer (' + e.message + '); trying again.';
    return;
  }
  if (resp.status !== 200) {
    line.className = 'status error';
    line.textContent = 'The Messages API answered ' + resp.status + '.';
    return;
  }
  const p = await resp.json();
  showReads(line, p);
  showAlarms(alarms, p);
}

// showReads says whether the processor keeps up. Firehose writes an
// object every minute or so while the servers log, so an object read over
// 5 minutes after it was written is the pipeline falling behind. No read
// for a while is no fault in itself: an idle stack writes no log (the
// health checks are not logged); the log-stream-silent alarm tells the
// two apart.
function showReads(line, p) {
  line.className = 'status';
  if (!p['read-at']) {
    line.textContent = 'The processor has not read a log object yet. The servers\' logs reach it through Firehose, which writes one every minute or so while messages are sent.';
    return;
  }
  const age = Math.round((Date.now() / 1000 - p['read-at']) / 60);
  const lag = Math.round((p['read-at'] - p['written-at']) / 60);
  let verdict = 'It is keeping up.';
  if (lag > 5) {
    line.className = 'status error';
    verdict = 'It is falling behind: it read that object ' + lag + ' minutes after Firehose wrote it.';
  } else if (age > 10) {
    verdict = 'Nothing newer for ' + age + ' minutes: either no traffic reached the servers (an idle stack writes no logs), or their logs stopped, which the log-stream-silent alarm below reports.';
  }
  line.textContent = 'The processor last read a log object at ' + when(p['read-at']) + ', written at ' +
    when(p['written-at']) + '. ' + verdict;
}

// showAlarms says whether the format-drift alarms (the servers' log
// records no longer read as expected) and the other pipeline alarms are
// quiet, and names each that is not.
function showAlarms(box, p) {
  box.replaceChildren();
  box.className = 'status';
  if (p['alarms-error']) {
    box.className = 'status error';
    box.append(el('p', { textContent: 'The alarms\' states are not known: ' + p['alarms-error'] + '.' }));
    return;
  }
  if (!p.alarms) {
    box.append(el('p', { textContent: 'The alarms\' states are not known: this Messages API was not given their names.' }));
    return;
  }
  const drift = p.alarms.filter(a => a.kind === 'format-drift');
  const loud = p.alarms.filter(a => a.state === 'ALARM' || a.state === 'MISSING');
  const driftLoud = loud.filter(a => a.kind === 'format-drift').length;
  const driftWords = driftLoud === 0 ? 'The ' + drift.length + ' format-drift alarms are quiet: the servers\' log records read as expected.'
    : driftLoud + ' of the ' + drift.length + ' format-drift alarms ' + (driftLoud === 1 ? 'is' : 'are') + ' firing: has the servers\' log format changed?';
  const otherLoud = loud.length - driftLoud;
  const otherWords = otherLoud === 0 ? 'The other ' + (p.alarms.length - drift.length) + ' pipeline alarms are quiet.'
    : otherLoud + ' other pipeline alarm' + (otherLoud === 1 ? ' is' : 's are') + ' firing.';
  box.append(el('p', { textContent: driftWords + ' ' + otherWords }));
  if (loud.length === 0) return;
  box.className = 'status error';
  const list = el('ul');
  for (const a of loud) {
    list.append(el('li', { textContent: a.state === 'MISSING'
      ? a.name + ' does not exist in CloudWatch: run pulumi up to make it again.'
      : a.name + ', since ' + when(a.since) + ': ' + a.description }));
  }
  box.append(list);
}

document.getElementById('add').addEventListener('submit', addKey);
forgetExpired();
for (const key of Object.keys(store.load())) render(key);
pipeline();
setInterval(() => { pipeline(); for (const key of shown.keys()) refresh(key); }, REFRESH_MS);
