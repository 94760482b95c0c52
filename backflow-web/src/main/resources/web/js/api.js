// Talks to the Java server: JSON over REST for commands, one Server-Sent Events stream for training state.
// Every failure becomes an ApiError carrying the server's own message, which the page shows as it is.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'cannot reach the Backflow server; is `backflow serve` still running?');
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    throw new ApiError(response.status, `the server answered ${response.status} with something that is not JSON`);
  }
  if (!response.ok) throw new ApiError(response.status, (json && json.error) || `request failed (${response.status})`);
  return json;
}

export const api = {
  getLimits: () => request('GET', '/api/limits'),
  createSession: (setup) => request('POST', '/api/sessions', { setup }),
  getSession: (id) => request('GET', `/api/sessions/${id}`),
  applySetup: (id, setup) => request('PUT', `/api/sessions/${id}/setup`, { setup }),
  step: (id, seq) => request('POST', `/api/sessions/${id}/step`, { seq }),
  run: (id, speed, stopWhenPerfect) => request('POST', `/api/sessions/${id}/run`, { speed, stopWhenPerfect }),
  pause: (id) => request('POST', `/api/sessions/${id}/pause`, {}),
  reset: (id) => request('POST', `/api/sessions/${id}/reset`, {}),
  trace: (id, example) => request('POST', `/api/sessions/${id}/trace`, { example }),
  neuronExpression: (id, layer, neuron, example) =>
    request('GET', `/api/sessions/${id}/neuron?layer=${layer}&neuron=${neuron}&example=${example}`),
  graph: (expression, values) => request('POST', '/api/graph', { expression, values }),
  // Checks what a learner typed without sending it for real: {ok: true} or {ok: false, error}, always 200,
  // so a typo is explained on the page instead of logged by the browser as a failed request.
  checkSetup: (setup) => request('POST', '/api/check/setup', { setup }),
  checkGraph: (expression, values) => request('POST', '/api/check/graph', { expression, values }),
  checkHealth: (settings) => request('POST', '/api/check/health', settings),
  health: (settings) => request('POST', '/api/health', settings),
  cost: (parameters) => request('POST', '/api/cost', { parameters }),

  // The tab is closing: free the server's session at once. A beacon is what browsers deliver while a
  // page unloads; the server also ends a session seconds after its stream drops, should this be lost.
  close(id) {
    const url = `/api/sessions/${id}/close`;
    try {
      if (navigator.sendBeacon && navigator.sendBeacon(url)) return;
      fetch(url, { method: 'POST', keepalive: true });
    } catch (e) {
      // nothing to do: the dropped stream ends the session
    }
  },

  // Opens the session's stream; onState gets each parsed snapshot as it arrives.
  stream(id, onState, onFailure) {
    const source = new EventSource(`/api/sessions/${id}/events`);
    source.addEventListener('state', (e) => onState(JSON.parse(e.data), performance.now()));
    source.addEventListener('failure', (e) => {
      source.close();
      const failure = JSON.parse(e.data);
      onFailure(failure.error, failure.status);
    });
    return source;
  },
};
