import { api, ApiError } from './api.js';
import { readUrl, writeUrl, VIEWS } from './url-state.js';
import { createPlayground } from './playground.js';
import { createStepper } from './stepper.js';
import { createGraphView } from './graph-view.js';
import { createHealthView } from './health-view.js';
import { createCostView } from './cost-view.js';

const $ = (id) => document.getElementById(id);

function showBanner(message) {
  const banner = $('banner');
  banner.textContent = message;
  banner.hidden = !message;
}

// The page: one server session per tab, the set-up mirrored in the address, four views over one network.
const app = {
  api,
  showBanner,
  id: null,
  setup: {},
  view: 'playground',
  limits: { maxHiddenLayers: 8, maxNeurons: 16 },

  // Runs a command on this tab's session; a failure shows the server's message (or goes to onError).
  async command(fn, onError) {
    return app.call(() => fn(app.id), onError);
  },

  async call(fn, onError) {
    try {
      const result = await fn();
      if (!onError) showBanner('');
      return result;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404 && e.message.startsWith('session ')) {
        await startOver();
        return null;
      }
      const message = e instanceof ApiError ? e.message : String(e);
      if (onError) onError(message); else showBanner(message);
      return null;
    }
  },

  // Sends the changed settings with the rest of the set-up; the server validates and answers with the
  // set-up it accepted, which the controls and the address then show.
  async changeSetup(changes) {
    const next = { ...app.setup, ...changes };
    const check = await app.call(() => api.checkSetup(next));
    if (check && !check.ok) {
      showBanner(`Not applied: ${check.error}.`);
      showSetupControls();
      return;
    }
    const view = await app.command((id) => api.applySetup(id, next));
    if (view) onSessionView(view);
    else showSetupControls(); // put the controls back to the accepted set-up
  },
};

let playground, stepper, graph, health, cost;
window.__backflow_session = () => app.id; // for tests and tools: this tab's session

function onSessionView(view) {
  app.setup = view.setup;
  writeUrl(app.view, app.setup);
  playground.showSetup(view);
  stepper.showSetup(view);
  graph.showSetup(view);
}

function showSetupControls() {
  for (const el of document.querySelectorAll('#view-playground [data-key]')) {
    if (app.setup[el.dataset.key] !== undefined) el.value = app.setup[el.dataset.key];
  }
}

function setView(name) {
  app.view = name;
  for (const v of VIEWS) {
    $(`view-${v}`).hidden = v !== name;
    $(`tab-${v}`).setAttribute('aria-selected', String(v === name));
    $(`tab-${v}`).tabIndex = v === name ? 0 : -1;
  }
  writeUrl(app.view, app.setup);
  if (name === 'stepper') stepper.render();
  if (name === 'health') health.shown();
  if (name === 'cost') cost.shown();
  if (name === 'graph') graph.shown();
}

async function start() {
  playground = createPlayground(app);
  stepper = createStepper(app);
  graph = createGraphView(app);
  health = createHealthView(app);
  cost = createCostView(app);
  for (const tab of document.querySelectorAll('[role=tab]')) tab.addEventListener('click', () => setView(tab.dataset.view));

  const fromUrl = readUrl();
  app.view = fromUrl.view;
  const limits = await app.call(() => api.getLimits());
  if (limits) app.limits = limits;
  // A link's set-up is checked first, so a tampered or mistyped one is explained, not a failed request.
  let view;
  let refused = null;
  try {
    const check = await api.checkSetup(fromUrl.setup);
    if (!check.ok) refused = check.error;
    view = await api.createSession(refused ? {} : fromUrl.setup);
  } catch (e) {
    showBanner(e instanceof ApiError ? e.message : String(e));
    return;
  }
  if (refused) showBanner(`The set-up in this link was not accepted: ${refused}. Showing the default set-up instead.`);
  app.id = view.id;
  // Leaving the page ends its session and closes its stream at once: an open stream would hold one of
  // the browser's six connections to this server even while the page sits in the back-forward cache.
  window.addEventListener('pagehide', () => {
    if (source) source.close();
    api.close(app.id);
  });
  window.addEventListener('pageshow', (e) => { if (e.persisted) window.location.reload(); });
  onSessionView(view);
  setView(app.view);
  listen();
}

// Ready once the stream delivers its first state: from then on every command's result will arrive.
let source = null;
function listen() {
  if (source) source.close();
  source = api.stream(app.id, (state, receivedAt) => {
    playground.onState(state, receivedAt);
    stepper.onState(state);
    document.body.dataset.ready = 'true';
  }, (message, status) => {
    if (status === 404) startOver(); else showBanner(message);
  });
}

// The server ends a session whose page was away too long (a phone that suspended the tab, a laptop
// asleep). The page then opens a new one with the same set-up, which reproduces the data and the initial
// weights, and says so.
async function startOver() {
  try {
    const view = await api.createSession(app.setup);
    app.id = view.id;
    onSessionView(view);
    listen();
    showBanner('This page was away long enough for the server to end its session: it started again from the '
      + 'set-up’s initial weights.');
  } catch (e) {
    showBanner(e instanceof ApiError ? e.message : String(e));
  }
}

start();
