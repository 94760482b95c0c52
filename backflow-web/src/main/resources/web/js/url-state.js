// The whole set-up lives in the page's address so that a link reproduces it. The address is rewritten with
// history.replaceState, never by assigning location.hash, which would add a history entry per slider move.

export const VIEWS = ['playground', 'stepper', 'graph', 'health', 'cost'];

export function readUrl() {
  const params = new URLSearchParams(window.location.search);
  const view = VIEWS.includes(params.get('view')) ? params.get('view') : 'playground';
  params.delete('view');
  const setup = {};
  for (const [key, value] of params) setup[key] = value;
  return { view, setup };
}

export function writeUrl(view, setup) {
  const params = new URLSearchParams();
  params.set('view', view);
  for (const [key, value] of Object.entries(setup)) params.set(key, value);
  const next = `${window.location.pathname}?${params.toString()}`;
  if (next !== `${window.location.pathname}${window.location.search}`) history.replaceState(null, '', next);
}
