// Ferry's console: one page over the REST API (api/...), no build step. Views are chosen by the URL's
// hash (#/grid, #/executions/12, ...); the grid and an execution refresh every few seconds while shown.
'use strict';

const state = { me: null, timer: null, grid: null, gridTo: null, gridDays: 14, expanded: null, execPage: 0, flowFilter: '', graphDate: null };
const view = document.getElementById('view');

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.substring(2), value);
    else if (key === 'dataset') Object.entries(value).forEach(([k, v]) => { if (v !== null && v !== undefined) node.dataset[k] = v; });
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.me && state.me.csrfToken) headers['X-Ferry-CSRF'] = state.me.csrfToken;
  const response = await fetch('api/' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (response.status === 401 && path !== 'session') { showLogin('Your session has ended; log in again.'); throw new Error('logged out'); }
  if (!response.ok) throw new Error(data && data.message ? data.message : response.status + ' ' + response.statusText);
  return data;
}

const isOperator = () => state.me && state.me.roles.includes('operator');
const ymd = (isoDate) => isoDate.replaceAll('-', '');
const iso = (mydate) => mydate.substring(0, 4) + '-' + mydate.substring(4, 6) + '-' + mydate.substring(6, 8);
const pad = (n) => String(n).padStart(2, '0');
const localDate = (d) => d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
// Times in ISO 8601 with the offset of the browser's zone (2024-01-02T02:30:05+08:00), so that a time read
// off the screen and pasted into a ticket or a log search means one instant.
function time(t) {
  if (!t) return '–';
  const d = new Date(t);
  const offset = -d.getTimezoneOffset();
  const zone = (offset >= 0 ? '+' : '-') + pad(Math.floor(Math.abs(offset) / 60)) + ':' + pad(Math.abs(offset) % 60);
  return localDate(d) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + zone;
}
const number = (n) => n === null || n === undefined ? '–' : n.toLocaleString('en');
// Rows in a grid cell: 1234 → 1.2k, 2500000 → 2.5M.
function compact(n) {
  if (n < 1000) return String(n);
  const [value, unit] = n < 1e6 ? [n / 1e3, 'k'] : n < 1e9 ? [n / 1e6, 'M'] : [n / 1e9, 'G'];
  return (value < 10 ? value.toFixed(1) : Math.round(value)) + unit;
}
// A date field that reads and shows yyyy-MM-dd whatever the browser's locale (a date picker shows the locale's format).
const dateInput = (attrs) => el('input', Object.assign({ type: 'text', inputmode: 'numeric', pattern: '\\d{4}-\\d{2}-\\d{2}',
  placeholder: 'yyyy-MM-dd', maxlength: 10, size: 10, autocomplete: 'off' }, attrs));
function duration(start, end) {
  if (!start) return '–';
  const ms = (end ? new Date(end) : new Date()) - new Date(start);
  return ms < 60000 ? (ms / 1000).toFixed(1) + ' s' : Math.floor(ms / 60000) + ' min ' + Math.round(ms % 60000 / 1000) + ' s';
}
// Decimal units, as the command line prints them (1 MB = 1,000,000 bytes): one size reads the same in both.
function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return n.toFixed(i ? 1 : 0) + ' ' + units[i];
}
const badge = (status) => el('span', { class: 'badge status-' + status }, status);

function render(...nodes) {
  view.replaceChildren(...nodes);
}

// The live views re-render every few seconds: while someone types in one of the controls, the controls
// stay as they are and only what follows them is replaced.
function renderLive(heading, controls, ...rest) {
  const current = document.getElementById(controls.id);
  if (current && current.contains(document.activeElement) && document.activeElement.tagName === 'INPUT') {
    while (current.nextSibling) current.nextSibling.remove();
    current.after(...rest);
  } else {
    render(heading, controls, ...rest);
  }
}

function showLogin(message) {
  state.me = null;
  clearInterval(state.timer);
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('whoami').textContent = '';
  const error = el('p', { id: 'login-error', class: 'error' }, message || '');
  const form = el('form', { id: 'login', class: 'box', onsubmit: async (e) => {
    e.preventDefault();
    try {
      state.me = await api('POST', 'session', { username: form.username.value, password: form.password.value });
      signedIn();
    } catch (err) { error.textContent = err.message; }
  } },
    el('h1', {}, 'Log in to Ferry'),
    el('label', { for: 'username' }, 'User'), el('input', { id: 'username', name: 'username', autocomplete: 'username', required: true }),
    el('label', { for: 'password' }, 'Password'),
    el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    el('p', {}, el('button', { id: 'login-button', class: 'primary', type: 'submit' }, 'Log in')), error);
  render(form);
}

function signedIn() {
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = false;
  document.getElementById('whoami').textContent = state.me.user + ' (' + state.me.roles.join(', ') + ')';
  for (const link of document.querySelectorAll('#nav a.operator')) link.hidden = !isOperator();
  route();
}

document.getElementById('logout').addEventListener('click', async () => {
  await api('DELETE', 'session').catch(() => {});
  showLogin('Logged out.');
});

// --- routing ----------------------------------------------------------------------------------------
const routes = [
  [/^#\/grid$/, gridView, true],
  [/^#\/executions\/(\d+)$/, executionView, true],
  [/^#\/executions$/, executionsView, true],
  [/^#\/flows$/, flowsView, false],
  [/^#\/flows\/([^/]+)\/graph$/, (flow) => graphView(decodeURIComponent(flow)), true],
  [/^#\/start$/, startView, false],
  [/^#\/backfill$/, backfillView, false],
  [/^#\/try-run$/, tryRunView, false],
];

async function route() {
  if (!state.me) return;
  clearInterval(state.timer);
  const hash = location.hash || '#/grid';
  for (const link of document.querySelectorAll('#nav a')) link.classList.toggle('active', hash.startsWith(link.getAttribute('href')));
  for (const [pattern, show, live] of routes) {
    const match = hash.match(pattern);
    if (match) {
      const load = () => show(...match.slice(1)).catch((err) => { if (err.message !== 'logged out') render(el('p', { class: 'error box' }, err.message)); });
      await load();
      if (live) state.timer = setInterval(load, 3000);
      return;
    }
  }
  location.hash = '#/grid';
}
window.addEventListener('hashchange', route);

// --- grid: business dates × flows --------------------------------------------------------------------
async function gridView() {
  const query = 'grid?days=' + state.gridDays + (state.gridTo ? '&to=' + state.gridTo : '') + (state.expanded ? '&expand=' + encodeURIComponent(state.expanded) : '');
  const grid = await api('GET', query);
  const cells = new Map(grid.cells.map((c) => [c.flow + '/' + c.mydate, c]));
  const lates = new Set(grid.late || []);
  const waits = new Map((grid.waiting || []).map((w) => [w.flow + '/' + w.mydate, w.upstreams]));
  const steps = new Map(grid.steps.map((s) => [s.mydate + '/' + s.step, s.status]));
  const stepNames = [...new Set(grid.steps.map((s) => s.step))];
  const flows = grid.flows.filter((f) => f.includes(state.flowFilter));
  const head = el('tr', {}, el('th', {}, 'Business date'));
  for (const flow of flows) {
    head.append(el('th', { class: 'flow' + (flow === grid.expanded ? ' expanded' : ''), dataset: { flow }, title: 'Show or hide the steps',
      onclick: () => { state.expanded = state.expanded === flow ? null : flow; gridView(); } }, flow));
    if (flow === grid.expanded) stepNames.forEach((step) => head.append(el('th', { class: 'step' }, step)));
  }
  const rows = grid.dates.map((mydate) => {
    const row = el('tr', {}, el('th', {}, iso(mydate)));
    for (const flow of flows) {
      const cell = cells.get(flow + '/' + mydate);
      const late = lates.has(flow + '/' + mydate);
      const waiting = waits.get(flow + '/' + mydate);
      row.append(cell ? gridCell(flow, mydate, cell, late, (grid.progress || {})[flow + '/' + mydate])
        : waiting ? el('td', { class: 'cell waiting' + (late ? ' late' : ''), dataset: { flow, mydate, waiting: 'true', late: late || null },
          title: flow + ' ' + iso(mydate) + ': WAITING for ' + waiting.join(', ') + (late ? ', LATE (past its deadline)' : '') }, 'WAIT')
        : el('td', { class: 'cell empty' + (late ? ' late' : ''), dataset: { flow, mydate, late: late || null },
          title: late ? flow + ' ' + iso(mydate) + ': LATE, not run by its deadline' : null }, late ? 'LATE' : ''));
      if (flow === grid.expanded) {
        stepNames.forEach((step) => {
          const status = steps.get(mydate + '/' + step);
          row.append(el('td', { class: 'step-cell ' + (status ? 'status-' + status : 'empty'), dataset: { flow, mydate, step },
            title: step + ': ' + (status || 'not run'), onclick: cell ? () => { location.hash = '#/executions/' + cell.id; } : null }, ''));
        });
      }
    }
    return row;
  });
  const pager = el('div', { class: 'pager', id: 'grid-controls' },
    el('button', { id: 'older', onclick: () => { state.gridTo = state.grid.older; gridView(); } }, '← older'),
    el('button', { id: 'newer', onclick: () => { state.gridTo = state.grid.newer; gridView(); } }, 'newer →'),
    el('label', {}, 'up to ', dateInput({ id: 'grid-to', value: iso(grid.dates[0]),
      onchange: (e) => { if (!requireDate(e.target.value, 'the date')) { state.gridTo = ymd(e.target.value); gridView(); } } })),
    el('input', { id: 'grid-filter', type: 'search', placeholder: 'filter flows', value: state.flowFilter,
      onchange: (e) => { state.flowFilter = e.target.value.trim(); gridView(); } }),
    el('label', {}, 'days ', el('select', { id: 'days', onchange: (e) => { state.gridDays = Number(e.target.value); gridView(); } },
      [7, 14, 31, 62].map((d) => el('option', { value: d, selected: d === state.gridDays }, d)))),
    el('span', { class: 'legend' }, ['COMPLETED', 'FAILED', 'STARTED', 'STOPPED', 'ABANDONED'].map((s) => el('span', { class: 'status-' + s }, s))));
  state.grid = grid;
  renderLive(el('h1', {}, 'Business dates × flows'), pager, el('table', { id: 'grid' }, el('thead', {}, head), el('tbody', {}, rows)));
  document.getElementById('newer').disabled = !grid.newer;
  const to = document.getElementById('grid-to');
  if (to !== document.activeElement) to.value = iso(grid.dates[0]);
}

// A cell tells the rows its run put into the warehouse and, on hover, each step's rows and the duration.
// The rows a run put into the warehouse: its loads' rows, once it COMPLETED (a failed load rolled back whatever its
// extract moved; an sql step's count is rows changed, not loaded); null for a run that loaded nothing.
function loadedRows(run) {
  const loads = run.moved.filter((m) => m.kind === 'load');
  return run.status === 'COMPLETED' && loads.length ? loads.reduce((sum, m) => sum + m.rows, 0) : null;
}

function gridCell(flow, mydate, cell, late, progress) {
  const rows = loadedRows(cell);
  const title = flow + ' ' + iso(mydate) + ': ' + (cell.empty ? 'EMPTY (no rows moved)' : cell.status) + (late ? ', LATE (past its deadline)' : '')
    + ', execution ' + cell.id + ', ' + duration(cell.start, cell.end)
    + (cell.moved.length ? '\n' + cell.moved.map((m) => m.step + ': ' + number(m.rows) + (m.kind === 'sql' ? ' rows changed' : ' rows')).join('\n') : '')
    + (progress ? '\nnow: ' + progress : '');
  return el('td', { class: 'cell status-' + cell.status + (cell.empty ? ' no-rows' : '') + (late ? ' late' : ''),
    dataset: { flow, mydate, status: cell.status, execution: cell.id, rows: rows === null ? null : rows, empty: cell.empty || null, late: late || null,
      progress: progress || null },
    title, onclick: () => { location.hash = '#/executions/' + cell.id; } },
    cell.empty ? 'EMPTY' : rows === null ? '' : compact(rows));
}

// --- one execution ------------------------------------------------------------------------------------
async function executionView(id) {
  const e = await api('GET', 'executions/' + id);
  const act = (action, label, cls) => el('button', { id: action, class: cls, onclick: async (event) => {
    event.target.disabled = true;
    try {
      const next = await api('POST', 'executions/' + id + '/' + action);
      location.hash = '#/executions/' + next.id;
      if (next.id === e.id) executionView(id);
    } catch (err) { render(el('p', { class: 'error box', id: 'action-error' }, err.message), view.lastChild); }
  } }, label);
  const buttons = isOperator() ? el('div', { class: 'actions' },
    e.actions.includes('restart') ? act('restart', 'Restart', 'primary') : null,
    e.actions.includes('stop') ? act('stop', 'Stop', 'danger') : null,
    e.actions.includes('abandon') ? act('abandon', 'Abandon', 'danger') : null) : null;
  const stepRows = e.steps.map((s) => el('tr', { dataset: { step: s.name } },
    el('td', {}, s.name), el('td', {}, badge(s.status)), el('td', { class: 'num rows' }, number(s.rows)),
    el('td', { class: 'num' }, bytes(s.bytes)), el('td', { class: 'num' }, s.files === null || s.files === undefined ? '–' : s.files),
    el('td', { class: 'num' }, duration(s.start, s.end)),
    // The error that ended the run is shown once, above; a step's row points to it.
    el('td', { class: 'error' }, !s.error ? '' : e.error === 'step ' + s.name + ': ' + s.error ? 'see the error above' : s.error)));
  render(
    el('h1', {}, 'Execution ' + e.id + ': ' + e.flow + ' for ' + (e.mydate ? iso(e.mydate) : '?')),
    el('div', { id: 'execution' },
      el('p', {}, el('span', { id: 'exec-status' }, badge(e.status)), ' ',
        e.empty ? el('strong', { id: 'exec-empty', class: 'error' }, 'EMPTY: no rows moved ') : '',
        e.exitStatus && e.exitStatus !== e.status && !e.error ? e.exitStatus : ''),
      e.error ? el('div', { class: 'box error', id: 'error' }, el('strong', {}, 'Error: '), e.error) : null,
      buttons,
      el('table', {}, el('tbody', {},
        el('tr', {}, el('th', {}, 'Started'), el('td', {}, time(e.start))),
        el('tr', {}, el('th', {}, 'Ended'), el('td', {}, time(e.end))),
        el('tr', {}, el('th', {}, 'Duration'), el('td', {}, duration(e.start, e.end))),
        el('tr', {}, el('th', {}, 'Started by'), el('td', { id: 'started-by' }, e.startedBy + (e.forced ? ' (forced rerun)' : ''))),
        el('tr', {}, el('th', {}, 'Flow version'), el('td', {}, e.version || '–')),
        el('tr', {}, el('th', {}, 'Run by'), el('td', {}, e.owner)))),
      el('h2', {}, 'Steps'),
      el('table', { id: 'steps' }, el('thead', {}, el('tr', {}, ['Step', 'Status', 'Rows', 'Bytes', 'Files', 'Duration', 'Error'].map((h) => el('th', {}, h)))),
        el('tbody', {}, stepRows)),
      el('h2', {}, 'Parameters'),
      el('table', { id: 'parameters' }, el('tbody', {}, Object.entries(e.parameters).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))))),
      logView(await stepLog(e.id))));
}

// The steps' log: the lines read so far are kept while the page is shown, and each refresh asks only for newer ones.
const LOG_SHOWN = 5000;
function stepLog(id) {
  if (!state.log || state.log.id !== id) state.log = { id, after: 0, lines: [], running: true, reading: null };
  const log = state.log;
  if (!log.reading) {
    log.reading = (async () => {
      try {
        for (;;) {
          const page = await api('GET', 'executions/' + id + '/log?after=' + log.after);
          log.lines.push(...page.lines);
          log.after = page.last;
          log.running = page.running;
          if (!page.more) break;
        }
        if (log.lines.length > LOG_SHOWN) log.lines.splice(0, log.lines.length - LOG_SHOWN);
      } finally { log.reading = null; }
      return log;
    })();
  }
  return log.reading;
}

function logView(log) {
  const shown = document.getElementById('log');
  // Follow the end while the reader is at the end; keep their place when they have scrolled up.
  const following = !shown || shown.scrollTop + shown.clientHeight >= shown.scrollHeight - 4;
  const top = shown ? shown.scrollTop : 0;
  const pre = el('pre', { id: 'log', class: 'log' }, log.lines.map((l) => el('span', { class: 'line ' + l.level.toLowerCase() },
    time(l.at) + ' ' + l.level.padEnd(5) + ' ' + l.step + ': ' + l.message + '\n')));
  requestAnimationFrame(() => { pre.scrollTop = following ? pre.scrollHeight : top; });
  return [el('h2', {}, 'Log', log.running ? el('span', { id: 'log-live', class: 'live' }, ' live') : null),
    log.lines.length ? pre : el('p', { id: 'log-empty' }, log.running ? 'No lines yet.' : 'This execution has no log lines.')];
}

// --- history ------------------------------------------------------------------------------------------
async function executionsView() {
  const form = document.getElementById('filter');
  const values = form ? Object.fromEntries(new FormData(form)) : {};
  const params = new URLSearchParams({ offset: state.execPage * 50, limit: 50 });
  if (values.flow) params.set('flow', values.flow);
  if (values.status) params.set('status', values.status);
  if (values.from && !requireDate(values.from, 'from')) params.set('from', ymd(values.from));
  if (values.to && !requireDate(values.to, 'to')) params.set('to', ymd(values.to));
  const [page, flows] = await Promise.all([api('GET', 'executions?' + params), api('GET', 'flows')]);
  const filter = el('form', { id: 'filter', class: 'pager', onchange: () => { state.execPage = 0; executionsView(); }, onsubmit: (e) => e.preventDefault() },
    el('select', { name: 'flow' }, el('option', { value: '' }, 'all flows'), flows.map((f) => el('option', { value: f.name, selected: f.name === values.flow }, f.name))),
    el('select', { name: 'status' }, el('option', { value: '' }, 'any status'),
      ['COMPLETED', 'FAILED', 'STARTED', 'STOPPED', 'ABANDONED'].map((s) => el('option', { value: s, selected: s === values.status }, s))),
    el('label', {}, 'from ', dateInput({ name: 'from', value: values.from || null })),
    el('label', {}, 'to ', dateInput({ name: 'to', value: values.to || null })));
  const rows = page.items.map((x) => el('tr', { onclick: () => { location.hash = '#/executions/' + x.id; }, class: 'clickable' },
    el('td', { class: 'num' }, x.id), el('td', {}, x.flow), el('td', {}, x.mydate ? iso(x.mydate) : '–'), el('td', {}, badge(x.status), x.empty ? ' EMPTY' : ''),
    el('td', { class: 'num', title: x.moved.map((m) => m.step + ': ' + number(m.rows)).join('\n') }, loadedRows(x) === null ? '–' : number(loadedRows(x))),
    el('td', {}, time(x.start)), el('td', { class: 'num' }, duration(x.start, x.end))));
  const last = Math.max(0, Math.ceil(page.total / 50) - 1);
  renderLive(el('h1', {}, 'Executions'), filter,
    el('table', { id: 'executions' }, el('thead', {}, el('tr', {}, ['Id', 'Flow', 'Business date', 'Status', 'Rows loaded', 'Started', 'Duration'].map((h) => el('th', {}, h)))),
      el('tbody', {}, rows)),
    el('div', { class: 'pager' },
      el('button', { disabled: state.execPage === 0, onclick: () => { state.execPage--; executionsView(); } }, '← newer'),
      el('span', {}, (page.total === 0 ? 0 : page.offset + 1) + '–' + (page.offset + page.items.length) + ' of ' + page.total),
      el('button', { disabled: state.execPage >= last, onclick: () => { state.execPage++; executionsView(); } }, 'older →')));
}

// --- flows and schedules --------------------------------------------------------------------------------
async function flowsView() {
  const flows = await api('GET', 'flows');
  const toggle = (f) => el('button', { class: 'pause-toggle', dataset: { flow: f.name }, onclick: async (event) => {
    event.target.disabled = true;
    try {
      await api('POST', 'flows/' + encodeURIComponent(f.name) + (f.paused ? '/resume' : '/pause'));
      flowsView();
    } catch (err) { render(el('p', { class: 'error box', id: 'action-error' }, err.message), view.lastChild); }
  } }, f.paused ? 'Resume' : 'Pause');
  const rows = flows.map((f) => el('tr', { dataset: { flow: f.name, broken: f.problem ? 'true' : null, paused: f.paused ? 'true' : null } },
    el('td', {}, f.name, ' ', el('a', { class: 'graph-link', href: '#/flows/' + encodeURIComponent(f.name) + '/graph' }, 'graph'),
      f.problem ? el('div', { class: 'error problem' }, 'BROKEN' + (f.schedule ? ', not served' : '') + ': ' + f.problem) : null),
    el('td', {}, f.version || '–'),
    el('td', {}, f.schedule ? f.schedule.cron + ' (' + f.schedule.zone + ', misfire ' + f.schedule.misfire + ')' : 'not scheduled',
      f.paused ? el('div', { class: 'paused' }, 'PAUSED by ' + f.paused.by + ' at ' + time(f.paused.at)) : null,
      f.schedule && isOperator() ? el('div', {}, toggle(f)) : null),
    el('td', {}, f.schedule && !f.paused ? f.schedule.next.map((n) => el('div', {}, time(n.at) + ' → ' + iso(n.mydate))) : '–',
      (f.waiting || []).map((w) => el('div', { class: 'waiting', dataset: { mydate: w.mydate } },
        'WAITING ' + iso(w.mydate) + ' for ' + w.upstreams.join(', ') + ' since ' + time(w.since)))),
    el('td', {}, f.last ? el('a', { href: '#/executions/' + f.last.id }, badge(f.last.status), ' ', f.last.mydate ? iso(f.last.mydate) : '') : '–')));
  render(el('h1', {}, 'Flows and schedules'),
    el('table', { id: 'flows' }, el('thead', {}, el('tr', {}, ['Flow', 'Version', 'Schedule', 'Next runs → business date', 'Newest run'].map((h) => el('th', {}, h)))),
      el('tbody', {}, rows)));
}

// --- a flow's upstreams and downstreams for one date ---------------------------------------------------
// Columns by level: what the flow waits for on the left (furthest first), the flow, then what waits for it.
async function graphView(flow) {
  const shown = document.getElementById('graph-date');
  const mydate = shown && shown.value && !requireDate(shown.value, 'graph-date') ? ymd(shown.value) : state.graphDate;
  const g = await api('GET', 'flows/' + encodeURIComponent(flow) + '/graph' + (mydate ? '?mydate=' + mydate : ''));
  state.graphDate = g.mydate;
  const levels = [...new Set(g.nodes.map((n) => n.level))].sort((a, b) => a - b);
  const waitsFor = (name) => g.edges.filter((e) => e.to === name).map((e) => e.from);
  const node = (n) => el('div', { class: 'node status-' + n.state.replace(' ', '-') + (n.level === 0 ? ' self' : ''), dataset: { flow: n.flow, state: n.state } },
    el('strong', {}, n.flow), el('div', {}, n.execution ? el('a', { href: '#/executions/' + n.execution }, n.state) : n.state),
    waitsFor(n.flow).length ? el('div', { class: 'after' }, 'after ' + waitsFor(n.flow).join(', ')) : null);
  const controls = el('form', { id: 'graph-form', class: 'pager', onsubmit: (e) => { e.preventDefault(); graphView(flow); } },
    'Business date ', dateInput({ id: 'graph-date', value: iso(g.mydate) }), el('button', { type: 'submit' }, 'Show'));
  renderLive(el('h1', {}, 'Upstreams and downstreams of ' + g.flow + ' for ' + iso(g.mydate)), controls,
    el('div', { id: 'graph', class: 'graph' }, levels.map((level) => el('div', { class: 'level', dataset: { level } },
      el('div', { class: 'level-name' }, level < 0 ? (level === -1 ? 'waits for' : 'upstream ' + -level) : level === 0 ? 'flow' : (level === 1 ? 'waits for it' : 'downstream ' + level)),
      g.nodes.filter((n) => n.level === level).map(node)))));
}

// --- forms: start, backfill, try-run ------------------------------------------------------------------
async function flowSelect(id) {
  const flows = await api('GET', 'flows');
  return el('select', { id, name: 'flow', required: true }, flows.filter((f) => f.version).map((f) => el('option', { value: f.name }, f.name)));
}

function yesterday() {
  const d = new Date();
  d.setDate(d.getDate() - 1);
  return localDate(d);
}

// A date after yesterday (T+1) has not ended yet: its data may not be complete. The server refuses it unless confirmed.
// Returns whether to allow it, or null when the user declined.
function confirmFuture(date) {
  if (date <= yesterday()) return false;
  return window.confirm(date + ' is later than the latest business date (T+1): its day is not over and its data may not be complete. Run it anyway?')
    ? true : null;
}

function formView(title, id, fields, submitLabel, submit) {
  const message = el('div', { id: id + '-error', class: 'error' });
  const output = el('div', { id: id + '-output' });
  const form = el('form', { id, class: 'box', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    message.textContent = '';
    const problem = fields.validate(form);
    if (problem) { message.textContent = problem; return; }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try { await submit(form, output); } catch (err) { message.textContent = err.message; } finally { button.disabled = false; }
  } }, fields.nodes, el('p', {}, el('button', { id: id + '-submit', type: 'submit', class: 'primary' }, submitLabel)), message);
  render(el('h1', {}, title), form, output);
}

function requireDate(value, name) {
  if (!value) return name + ' is required';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(value + 'T00:00:00') : null;
  if (!date || localDate(date) !== value) return name + ' must be a date written yyyy-MM-dd, e.g. ' + yesterday() + ' (got ' + value + ')';
  return null;
}

async function startView() {
  formView('Start a flow for a business date', 'start-form', {
    nodes: [el('label', { for: 'start-flow' }, 'Flow'), await flowSelect('start-flow'),
      el('label', { for: 'start-date' }, 'Business date (mydate)'), dateInput({ id: 'start-date', name: 'mydate', value: yesterday(), required: true }),
      el('label', {}, el('input', { id: 'start-force', name: 'force', type: 'checkbox' }), ' rerun even if this date has run (forced)')],
    validate: (f) => requireDate(f.mydate.value, 'The business date'),
  }, 'Start', async (f) => {
    const allowFuture = confirmFuture(f.mydate.value);
    if (allowFuture === null) return;
    const started = await api('POST', 'flows/' + encodeURIComponent(f.flow.value) + '/start',
      { mydate: ymd(f.mydate.value), force: f.force.checked, allowFuture });
    location.hash = '#/executions/' + started.id;
  });
}

async function backfillView() {
  formView('Backfill a range of business dates', 'backfill-form', {
    nodes: [el('label', { for: 'backfill-flow' }, 'Flow'), await flowSelect('backfill-flow'),
      el('label', { for: 'backfill-from' }, 'From'), dateInput({ id: 'backfill-from', name: 'from', required: true }),
      el('label', { for: 'backfill-to' }, 'To'), dateInput({ id: 'backfill-to', name: 'to', value: yesterday(), required: true }),
      el('label', { for: 'backfill-parallel' }, 'Dates at a time'),
      el('input', { id: 'backfill-parallel', name: 'parallel', type: 'number', min: 1, max: 16, value: 1 })],
    validate: (f) => requireDate(f.from.value, 'From') || requireDate(f.to.value, 'To')
      || (f.from.value > f.to.value ? 'From is after To' : null)
      || ((new Date(f.to.value) - new Date(f.from.value)) / 86400000 >= 366 ? 'At most 366 dates at once' : null)
      || (!(Number(f.parallel.value) >= 1 && Number(f.parallel.value) <= 16) ? 'Dates at a time must be from 1 to 16' : null),
  }, 'Backfill', async (f, output) => {
    const allowFuture = confirmFuture(f.to.value);
    if (allowFuture === null) return;
    const accepted = await api('POST', 'flows/' + encodeURIComponent(f.flow.value) + '/backfill',
      { from: ymd(f.from.value), to: ymd(f.to.value), parallel: Number(f.parallel.value), allowFuture });
    output.replaceChildren(el('p', { class: 'box' }, 'Backfilling ' + accepted.dates + ' date(s) of ' + accepted.flow + ', ' + accepted.parallel
      + ' at a time; ', el('a', { href: '#/grid' }, 'follow it on the grid'), '.'));
  });
}

async function tryRunView() {
  formView('Try-run: rehearse a flow, change nothing', 'tryrun-form', {
    nodes: [el('label', { for: 'tryrun-flow' }, 'Flow'), await flowSelect('tryrun-flow'),
      el('label', { for: 'tryrun-date' }, 'Business date'), dateInput({ id: 'tryrun-date', name: 'mydate', value: yesterday(), required: true }),
      el('label', { for: 'tryrun-sample' }, 'Sample rows through a sandbox (0 for none)'),
      el('input', { id: 'tryrun-sample', name: 'sample', type: 'number', min: 0, max: 10000, value: 0 })],
    validate: (f) => requireDate(f.mydate.value, 'The business date'),
  }, 'Try-run', async (f, output) => {
    output.replaceChildren(el('p', {}, 'Running…'));
    const report = await api('POST', 'flows/' + encodeURIComponent(f.flow.value) + '/try-run', { mydate: ymd(f.mydate.value), sample: Number(f.sample.value) });
    output.replaceChildren(el('div', { id: 'tryrun-report' },
      el('h2', {}, report.problems.length ? report.problems.length + ' problem(s)' : 'No problems found'),
      report.problems.length ? el('ul', { class: 'error' }, report.problems.map((p) => el('li', {}, p))) : null,
      el('pre', {}, report.lines.join('\n'))));
  });
}

// --- start --------------------------------------------------------------------------------------------
api('GET', 'session').then((me) => { state.me = me; signedIn(); }).catch(() => showLogin());
