// The admin page: plain DOM over the admin API (/api/*), the token typed in once and kept for the tab's session.
// Everything shown is set as text (never as HTML), so nothing an event carries can run here.

const TOKEN_KEY = 'passerelle.admin.token';
const REFRESH_MS = 5000;
const SVG = 'http://www.w3.org/2000/svg';
const $ = (selector) => document.querySelector(selector);

/** An element with attributes and children (strings become text nodes). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const response = await fetch(`/api${path}`, {
    ...options,
    headers: {
      authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}`,
      ...(options.body ? { 'content-type': 'application/json' } : {}),
    },
  });
  if (response.status === 401) throw new Unauthorized('Jeton refusé');
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail ?? body.title ?? `HTTP ${response.status}`);
  return body;
}

const state = (value) => el('span', { class: `state ${value}`, 'data-state': value }, value);

// --- connectors ---------------------------------------------------------------------------------------------------

function renderConnectors(connectors) {
  const body = $('#connectors tbody');
  body.replaceChildren(
    ...connectors.map((connector) =>
      el(
        'tr',
        { 'data-connector': connector.name },
        el('td', {}, el('strong', {}, connector.name), el('div', { class: 'muted' }, connector.url)),
        el('td', {}, state(connector.health)),
        el('td', {}, connector.ready === null ? '—' : connector.ready ? 'oui' : 'non'),
        el(
          'td',
          {},
          state(connector.connector.state),
          connector.error ? el('div', { class: 'muted' }, connector.error) : null,
        ),
        el(
          'td',
          {},
          connector.tasks.length === 0 ? el('span', { class: 'muted' }, 'aucun consommateur') : null,
          ...connector.tasks.map((task) =>
            el(
              'div',
              { class: 'task', 'data-task': task.name },
              state(task.state),
              ` ${task.name} `,
              el('span', { class: 'muted' }, `(${task.groupId})`),
              ' ',
              ...taskButtons(connector.name, task),
              task.trace ? el('pre', {}, task.trace) : null,
            ),
          ),
        ),
      ),
    ),
  );
}

function taskButtons(connector, task) {
  const act = (action) => async () => {
    try {
      await api(`/connectors/${encodeURIComponent(connector)}/tasks/${encodeURIComponent(task.name)}/${action}`, {
        method: 'POST',
      });
    } catch (error) {
      alert(`${action} ${task.name}: ${error.message}`);
    }
    await refresh();
  };
  const buttons = [];
  if (task.state === 'PAUSED') buttons.push(el('button', { type: 'button', onclick: act('resume') }, 'Reprendre'));
  else buttons.push(el('button', { type: 'button', onclick: act('pause') }, 'Pause'));
  buttons.push(' ', el('button', { type: 'button', onclick: act('restart') }, 'Redémarrer'));
  return buttons;
}

// --- lag ------------------------------------------------------------------------------------------------------------

/** One row per partition; the group's name and total lag on its first row. */
function renderLag(groups) {
  const rows = [];
  for (const group of groups) {
    for (const [index, partition] of group.partitions.entries()) {
      rows.push(
        el(
          'tr',
          { 'data-group': group.groupId },
          el(
            'td',
            { class: 'topic' },
            index === 0 ? el('strong', {}, group.groupId) : null,
            index === 0 ? el('div', { class: 'muted', 'data-lag-total': group.lag }, `total ${group.lag}`) : null,
          ),
          el('td', { class: 'topic' }, partition.topic),
          el('td', { class: 'num' }, partition.partition),
          el('td', { class: 'num' }, partition.committed ?? '—'),
          el('td', { class: 'num' }, partition.end),
          el('td', { class: 'num lag' }, partition.lag),
        ),
      );
    }
  }
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'aucun groupe')));
  $('#lag tbody').replaceChildren(...rows);
}

// --- dead letters ----------------------------------------------------------------------------------------------------

let openDeadLetterTopic = null;

let showEmptyDeadLetters = false;

/** Dead-letter topics with something pending first; the empty ones only on demand (a cluster has one per group). */
function renderDeadLetters(topics) {
  const shown = topics
    .filter((topic) => showEmptyDeadLetters || topic.pending > 0)
    .sort((a, b) => b.pending - a.pending || a.topic.localeCompare(b.topic));
  const rows = shown.map((topic) =>
    el(
      'tr',
      { 'data-topic': topic.topic },
      el('td', { class: 'topic' }, topic.topic),
      el('td', { class: 'num pending' }, topic.pending),
      el('td', { class: 'num' }, topic.total),
      el(
        'td',
        {},
        el('button', { type: 'button', onclick: () => browse(topic.topic) }, 'Parcourir'),
        ' ',
        topic.pending > 0
          ? el('button', { type: 'button', onclick: () => act(topic.topic, 'replay', 'all') }, 'Rejouer tout')
          : null,
      ),
    ),
  );
  const hidden = topics.length - shown.length;
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: 4, class: 'muted' }, 'rien en attente')));
  if (hidden > 0 || showEmptyDeadLetters) {
    const toggle = () => {
      showEmptyDeadLetters = !showEmptyDeadLetters;
      renderDeadLetters(topics);
    };
    const label = showEmptyDeadLetters ? 'masquer les DLQ sans attente' : `afficher ${hidden} DLQ sans attente`;
    rows.push(el('tr', {}, el('td', { colspan: 4 }, el('button', { type: 'button', onclick: toggle }, label))));
  }
  $('#dead-letters tbody').replaceChildren(...rows);
}

async function browse(topic) {
  openDeadLetterTopic = topic;
  const page = await api(`/dead-letters/${encodeURIComponent(topic)}`);
  $('#dlq-entries').replaceChildren(
    el('h3', {}, `${topic} — ${page.pending} en attente`),
    ...page.entries.map((entry) =>
      el(
        'div',
        { class: 'entry', 'data-entry': entry.id },
        el('strong', {}, entry.record ?? '(non décodable)'),
        ` ${entry.origin.topic} p${entry.origin.partition} @${entry.origin.offset} — ${entry.failure.code}: ${entry.failure.message}`,
        el(
          'div',
          { class: 'muted' },
          `${entry.deadLetteredAt} · étape ${entry.failure.stage} · clé ${entry.key ?? '—'}`,
          entry.replayedFrom ? ` · rejoué depuis ${entry.replayedFrom}` : '',
        ),
        el('pre', {}, entry.decodeError ?? JSON.stringify(entry.value, null, 2)),
        el('button', { type: 'button', onclick: () => act(topic, 'replay', [entry.id]) }, 'Rejouer'),
        ' ',
        el('button', { type: 'button', onclick: () => act(topic, 'discard', [entry.id]) }, 'Écarter'),
      ),
    ),
  );
}

async function act(topic, action, entries) {
  try {
    await api(`/dead-letters/${encodeURIComponent(topic)}/${action}`, {
      method: 'POST',
      body: JSON.stringify({ entries }),
    });
  } catch (error) {
    alert(`${action}: ${error.message}`);
  }
  await refresh();
  if (openDeadLetterTopic === topic) await browse(topic);
}

// --- journey ----------------------------------------------------------------------------------------------------------

/** Who did a step, from the journey service's actor: its kind and organisation, or its channel. */
const actorOf = (actor) =>
  actor
    ? [actor.kind, actor.organisationName ?? actor.prescriberNetwork ?? actor.channel].filter(Boolean).join(' ')
    : '';

/**
 * A journey's timeline (services/journey `GET /journeys/{id}`) as a picture: one dot per step in business order,
 * the French label, when and who; a step the journey service flagged (impossible, out of order…) is red and says why.
 */
function timelinePicture(journey) {
  const steps = journey.timeline ?? [];
  const rowHeight = 46;
  const picture = svg('svg', {
    width: 900,
    height: 30 + Math.max(steps.length, 1) * rowHeight,
    role: 'img',
    'aria-label': `Parcours ${journey.journeyId}`,
    id: 'journey-timeline',
  });
  picture.append(
    svg('line', {
      x1: 24,
      y1: 24,
      x2: 24,
      y2: 24 + Math.max(steps.length - 1, 0) * rowHeight,
      stroke: '#9aa6b5',
      'stroke-width': 2,
    }),
  );
  steps.forEach((step, index) => {
    const y = 24 + index * rowHeight;
    const flagged = Boolean(step.anomaly);
    const details = [step.occurredAt, actorOf(step.actor), step.record, flagged ? `⚠ ${step.anomaly}` : null];
    const group = svg('g', { class: 'step', 'data-flagged': flagged });
    group.append(
      svg('circle', { cx: 24, cy: y, r: 8, fill: flagged ? '#c0392b' : '#123c69' }),
      svg(
        'text',
        { x: 44, y: y - 2, 'font-size': 14, 'font-weight': 600, fill: flagged ? '#8f1d18' : '#1d2733' },
        step.sourceLabel ?? step.status ?? step.record,
      ),
      svg('text', { x: 44, y: y + 15, 'font-size': 12, fill: '#6b7684' }, details.filter(Boolean).join(' · ')),
    );
    if (step.anomalyDetail) group.append(svg('title', {}, step.anomalyDetail));
    picture.append(group);
  });
  return picture;
}

async function showJourney(event) {
  event.preventDefault();
  const id = $('#journey-id').value.trim();
  const target = $('#journey');
  try {
    const journey = await api(`/journeys/${encodeURIComponent(id)}`);
    target.replaceChildren(
      el(
        'p',
        { id: 'journey-status' },
        'Statut : ',
        el('strong', {}, journey.sourceLabel ?? journey.status),
        el('span', { class: 'muted' }, ` (${journey.status}, depuis ${journey.statusSince ?? '—'})`),
      ),
      ...(journey.vigilance ?? []).map((item) =>
        el('p', { class: 'error' }, `Vigilance : ${item.label} (depuis ${item.since})`),
      ),
      timelinePicture(journey),
    );
  } catch (error) {
    if (error instanceof Unauthorized) return signOut();
    target.replaceChildren(el('p', { class: 'error' }, error.message));
  }
}

// --- session -----------------------------------------------------------------------------------------------------------

let timer;

async function refresh() {
  try {
    const [connectors, lag, deadLetters] = await Promise.all([api('/connectors'), api('/lag'), api('/dead-letters')]);
    renderConnectors(connectors);
    renderLag(lag);
    renderDeadLetters(deadLetters);
    $('#updated').textContent = `mis à jour ${new Date().toLocaleTimeString('fr-FR')}`;
    $('#login').hidden = true;
    $('#dashboard').hidden = false;
    $('#sign-out').hidden = false;
  } catch (error) {
    if (error instanceof Unauthorized) return signOut('Jeton refusé.');
    $('#updated').textContent = `erreur : ${error.message}`;
  }
}

function signOut(message = '') {
  clearInterval(timer);
  sessionStorage.removeItem(TOKEN_KEY);
  $('#dashboard').hidden = true;
  $('#sign-out').hidden = true;
  $('#login').hidden = false;
  $('#login-error').textContent = message;
}

async function signIn(event) {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('#token').value.trim());
  $('#token').value = '';
  await start();
}

async function start() {
  await refresh();
  clearInterval(timer);
  if (!$('#dashboard').hidden) timer = setInterval(refresh, REFRESH_MS);
}

$('#login').addEventListener('submit', signIn);
$('#sign-out').addEventListener('click', () => signOut());
$('#journey-form').addEventListener('submit', showJourney);
if (sessionStorage.getItem(TOKEN_KEY)) void start();
else signOut();
