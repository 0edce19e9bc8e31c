// Signing in to the pages. The API asks for an OIDC bearer token; the pages keep the one they are given in this
// tab's sessionStorage and send it with every call. A sign-in link (deploy/local/run.sh prints one) carries it in
// the URL's fragment, which the browser never sends to a server; the sign-in box takes a pasted token instead.
'use strict';

const Auth = (() => {
  const KEY = 'transferlab.token';
  const given = location.hash.match(/(?:^#|&)token=([A-Za-z0-9._-]+)/);
  if (given) {
    sessionStorage.setItem(KEY, given[1]);
    history.replaceState(null, '', location.pathname + location.search);   // out of the address bar and history
  }
  const token = () => sessionStorage.getItem(KEY);

  /** Who the token names and its roles (read, not verified: the server verifies). */
  function claims() {
    const t = token();
    if (!t) return null;
    try {
      return JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    } catch (e) {
      return null;
    }
  }

  function bar() {
    let el = document.getElementById('auth');
    if (!el) {
      el = document.createElement('div');
      el.id = 'auth';
      document.body.prepend(el);
    }
    return el;
  }

  function showUser() {
    const c = claims();
    const el = bar();
    if (!c || el.dataset.signIn) return;   // the sign-in box, once shown, stays
    el.innerHTML = '';
    const who = document.createElement('span');
    who.className = 'note';
    who.textContent = 'signed in as ' + (c.preferred_username || c.sub) + ' (' + (c.groups || []).join(', ') + ')'
      + (c.exp ? ', until ' + new Date(c.exp * 1000).toLocaleString() : '') + ' ';
    const out = document.createElement('button');
    out.textContent = 'Sign out';
    out.onclick = () => { sessionStorage.removeItem(KEY); location.reload(); };
    el.append(who, out);
  }

  /** The sign-in box, with why it is shown. */
  function showSignIn(reason) {
    const el = bar();
    el.innerHTML = '';
    el.dataset.signIn = 'true';
    const form = document.createElement('form');
    form.id = 'sign-in';
    const why = document.createElement('p');
    why.textContent = reason;
    const field = document.createElement('textarea');
    field.id = 'token';
    field.rows = 3;
    field.cols = 80;
    field.placeholder = 'paste a bearer token (deploy/local/auth.sh token viewer prints one)';
    const go = document.createElement('button');
    go.type = 'submit';
    go.textContent = 'Sign in';
    form.append(why, field, document.createElement('br'), go);
    form.onsubmit = event => {
      event.preventDefault();
      const value = field.value.trim().replace(/^Bearer\s+/i, '');
      if (value) {
        sessionStorage.setItem(KEY, value);
        location.reload();
      }
    };
    el.append(form);
  }

  /** fetch with the token; a 401 shows the sign-in box (and fails), a 403 says which role is missing. */
  async function fetchApi(url, options = {}) {
    const headers = new Headers(options.headers || {});
    const t = token();
    if (t) headers.set('Authorization', 'Bearer ' + t);
    const response = await fetch(url, Object.assign({}, options, {headers}));
    if (response.status === 401) {
      showSignIn(t ? 'Your token was refused (expired, or issued for another service): sign in again.'
        : 'Sign in to see studies and results.');
      throw new Error('not signed in');
    }
    if (response.status === 403) {
      throw new Error('your roles (' + ((claims() || {}).groups || []).join(', ') + ') do not allow this');
    }
    return response;
  }

  /**
   * Server-sent events with the token: EventSource cannot send a header, so the stream is read with fetch. Calls
   * onMessage with each event's data; resolves when the server ends the stream or stop() is called.
   */
  function events(url, onMessage) {
    const controller = new AbortController();
    const done = (async () => {
      const response = await fetchApi(url, {headers: {'Accept': 'text/event-stream'}, signal: controller.signal});
      if (!response.ok || !response.body) return;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const {value, done: ended} = await reader.read();
        if (ended) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trimStart()).join('\n');
          if (data) await onMessage(data);
        }
      }
    })().catch(e => { if (e.name !== 'AbortError') throw e; });
    return {done, stop: () => controller.abort()};
  }

  /** A link to an API resource that downloads it with the token (a plain link would go without one). */
  function downloadLink(link, url, filename) {
    link.href = url;
    link.onclick = async event => {
      event.preventDefault();
      const blob = await (await fetchApi(url)).blob();
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = filename;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    };
  }

  document.addEventListener('DOMContentLoaded', showUser);
  return {fetch: fetchApi, events, downloadLink, token};
})();
