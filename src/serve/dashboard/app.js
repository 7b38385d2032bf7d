// The worthit dashboard: signs in with a token kept in sessionStorage, reads the JSON
// report API (docs/server.md) and draws it. Every text that comes from the server is
// inserted with textContent or as an attribute value, never parsed as HTML, so an action
// key or a message can never add markup or script to the page.
'use strict';

(function () {
  const TOKEN_KEY = 'worthit.token';
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const TOP_ACTIONS = 10;
  const DASH = '—';

  const state = {
    token: null,
    // 'admin' or 'team', learnt from the first report (asked for without a team).
    role: null,
    ownTeam: null,
    report: null,
    selected: null,
  };

  function byId(id) {
    return document.getElementById(id);
  }

  // An element with attributes and text; the text is never parsed as markup.
  function make(tag, attributes, text) {
    const node = document.createElement(tag);
    setAll(node, attributes, text);
    return node;
  }

  function makeSvg(tag, attributes, text) {
    const node = document.createElementNS(SVG_NS, tag);
    setAll(node, attributes, text);
    return node;
  }

  function setAll(node, attributes, text) {
    for (const [name, value] of Object.entries(attributes || {})) {
      node.setAttribute(name, String(value));
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  // Numbers are formatted the same whatever the browser's locale, so screenshots and
  // tests read alike: comma thousands, point decimals.
  function grouped(value, digits) {
    const [whole, fraction] = Math.abs(value).toFixed(digits).split('.');
    const sign = value < 0 && Number(Math.abs(value).toFixed(digits)) !== 0 ? '-' : '';
    const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return sign + withCommas + (fraction ? '.' + fraction : '');
  }

  // Three significant figures or so: 0.123, 1.23, 12.3, 1,234.
  function amount(value) {
    if (value === null || value === undefined) return DASH;
    const size = Math.abs(value);
    if (size === 0) return '0';
    if (size >= 100) return grouped(value, 0);
    if (size >= 10) return grouped(value, 1);
    if (size >= 1) return grouped(value, 2);
    return grouped(value, 3);
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return DASH;
    if (seconds < 1) return grouped(seconds * 1000, 0) + ' ms';
    if (seconds < 10) return grouped(seconds, 2) + ' s';
    if (seconds < 60) return grouped(seconds, 1) + ' s';
    if (seconds < 3600) {
      const total = Math.round(seconds);
      return Math.floor(total / 60) + ' min ' + String(total % 60).padStart(2, '0') + ' s';
    }
    const minutes = Math.round(seconds / 60);
    return Math.floor(minutes / 60) + ' h ' + String(minutes % 60).padStart(2, '0') + ' min';
  }

  function percent(rate) {
    if (rate === null || rate === undefined) return DASH;
    return grouped(rate * 100, 1) + ' %';
  }

  function engineerDays(row, shave) {
    const budget = (row.budget || []).find((b) => Math.abs(b.shave - shave) < 1e-9);
    return budget ? amount(budget.engineer_days) + ' d' : DASH;
  }

  function plural(count, one, many) {
    return grouped(count, 0) + ' ' + (count === 1 ? one : many);
  }

  // UTC days, as the server counts them.
  function isoDay(date) {
    return date.toISOString().slice(0, 10);
  }

  function period() {
    const weeks = Number(byId('period').value) || 4;
    const until = new Date();
    const since = new Date(until.getTime() - (weeks * 7 - 1) * 86400000);
    return { since: isoDay(since), until: isoDay(until) };
  }

  function query() {
    const params = new URLSearchParams(period());
    const team = byId('team').value.trim();
    if (state.role === 'admin' && team) params.set('team', team);
    return params.toString();
  }

  class ApiFailure extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function call(path) {
    let response;
    try {
      response = await fetch(path, {
        headers: { Authorization: 'Bearer ' + state.token },
        cache: 'no-store',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch (error) {
      throw new ApiFailure(0, 'network', 'The server did not answer: ' + error.message);
    }
    if (!response.ok) {
      let code = 'http_' + response.status;
      let message = 'The server answered ' + response.status + '.';
      try {
        const body = await response.json();
        code = body.error.code;
        message = body.error.message;
      } catch (_) {
        // Not the API's JSON error: keep the status line.
      }
      throw new ApiFailure(response.status, code, message);
    }
    return response;
  }

  // The token from `#token=…` (never sent to the server), then out of the address bar
  // so it is not in the history, a bookmark or a screenshot.
  function takeTokenFromFragment() {
    const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
    if (!fragment.has('token')) return;
    const token = (fragment.get('token') || '').trim();
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
  }

  function signIn(token) {
    state.token = token;
    state.role = null;
    state.ownTeam = null;
    state.selected = null;
    show(byId('sign-in'), false);
    show(byId('sign-out'), true);
    show(byId('dashboard'), true);
    load();
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    state.report = null;
    show(byId('dashboard'), false);
    show(byId('sign-out'), false);
    show(byId('sign-in'), true);
    const error = byId('sign-in-error');
    error.textContent = message || '';
    show(error, Boolean(message));
    byId('token-input').value = '';
    byId('token-input').focus();
  }

  function showError(message) {
    const error = byId('error');
    error.textContent = message || '';
    show(error, Boolean(message));
  }

  async function load() {
    const dashboard = byId('dashboard');
    dashboard.setAttribute('aria-busy', 'true');
    showError('');
    try {
      const response = await call('/api/v1/report?' + query());
      const report = await response.json();
      if (state.role === null) {
        state.role = report.scope === 'org' ? 'admin' : 'team';
        state.ownTeam = report.team;
        setUpTeamField();
      }
      state.report = report;
      render(report);
    } catch (error) {
      if (error.status === 401) {
        signOut('The token was refused: ' + error.message);
      } else {
        showError(error.message);
      }
    } finally {
      dashboard.setAttribute('aria-busy', 'false');
    }
  }

  function setUpTeamField() {
    const team = byId('team');
    const help = byId('team-help');
    if (state.role === 'admin') {
      team.readOnly = false;
      team.value = '';
      help.textContent = 'Admin token: leave empty for the whole organisation.';
    } else {
      team.readOnly = true;
      team.value = state.ownTeam || '';
      help.textContent = 'A team token shows its own team.';
    }
  }

  function render(report) {
    byId('scope').textContent =
      report.scope === 'org' ? 'Whole organisation' : 'Team ' + report.team;
    const p = report.period;
    byId('summary').textContent =
      p.since + ' to ' + p.until + ' (' + plural(p.weeks, 'week', 'weeks') + ') · ' +
      plural(report.totals.actions, 'action', 'actions') + ' shown · ' +
      amount(report.totals.hours_per_week) + ' engineer-hours per week · ' +
      plural(report.totals.runs, 'run', 'runs') + ' · at least ' +
      report.min_contributors + ' people per figure';
    const notice = byId('hidden-notice');
    notice.textContent = report.hidden.notice || '';
    show(notice, Boolean(report.hidden.notice));

    const actions = report.actions;
    if (!actions.some((row) => row.action === state.selected)) {
      state.selected = actions.length ? actions[0].action : null;
    }
    byId('sinks-table').classList.toggle('team-scope', report.scope !== 'org');
    renderTable(actions);
    renderChart(actions);
    renderDetail(actions.find((row) => row.action === state.selected));
  }

  function renderTable(actions) {
    const body = byId('sinks');
    body.replaceChildren();
    if (!actions.length) {
      const row = make('tr');
      row.append(make('td', { colspan: 12, class: 'empty' },
        'No action has enough contributors in this period to be shown.'));
      body.append(row);
      return;
    }
    for (const action of actions) {
      const row = make('tr', { 'data-action': action.action });
      if (action.action === state.selected) row.classList.add('selected');
      const pick = make('button', {
        type: 'button',
        class: 'link',
        'aria-pressed': String(action.action === state.selected),
        title: 'Show machine classes and weekly trend',
      }, action.action);
      pick.addEventListener('click', () => select(action.action));
      const name = make('th', { scope: 'row' });
      name.append(pick);
      row.append(
        make('td', { class: 'num' }, action.rank),
        name,
        make('td', {}, action.category),
        make('td', { class: 'num teams' }, grouped(action.teams, 0)),
        make('td', { class: 'num' }, grouped(action.contributors, 0)),
        make('td', { class: 'num' }, grouped(action.runs, 0)),
        make('td', { class: 'num' }, amount(action.hours_per_week)),
        make('td', { class: 'num' }, duration(action.median_seconds)),
        make('td', { class: 'num' }, duration(action.p90_seconds)),
        make('td', { class: 'num' }, percent(action.failure_rate)),
        make('td', { class: 'num' }, engineerDays(action, 0.1)),
        make('td', { class: 'num' }, engineerDays(action, 0.5)),
      );
      body.append(row);
    }
  }

  function select(action) {
    state.selected = action;
    if (state.report) render(state.report);
  }

  function shorten(text, length) {
    return text.length > length ? text.slice(0, length - 1) + '…' : text;
  }

  // Horizontal bars of hours per week for the top actions.
  function renderChart(actions) {
    const box = byId('chart-box');
    box.replaceChildren();
    const top = actions.slice(0, TOP_ACTIONS);
    if (!top.length) return;
    const labelWidth = 200;
    const barSpace = 560;
    const rowHeight = 30;
    const width = labelWidth + barSpace + 120;
    const height = top.length * rowHeight + 8;
    const most = Math.max(...top.map((row) => row.hours_per_week)) || 1;
    const svg = makeSvg('svg', {
      id: 'chart',
      viewBox: '0 0 ' + width + ' ' + height,
      role: 'img',
      'aria-labelledby': 'chart-title',
    });
    svg.append(makeSvg('title', { id: 'chart-title' },
      'Engineer-hours per week of the top ' + plural(top.length, 'action', 'actions')));
    top.forEach((row, i) => {
      const y = 4 + i * rowHeight;
      const middle = y + rowHeight / 2;
      const barWidth = Math.max(2, (barSpace * row.hours_per_week) / most);
      const group = makeSvg('g', { class: 'bar-row' });
      group.append(makeSvg('text', {
        x: labelWidth - 10, y: middle, 'text-anchor': 'end', 'dominant-baseline': 'central',
        class: 'bar-label',
      }, shorten(row.action, 26)));
      const bar = makeSvg('rect', {
        x: labelWidth, y: y + 5, width: barWidth.toFixed(1), height: rowHeight - 10,
        class: row.action === state.selected ? 'bar selected' : 'bar',
        'data-action': row.action,
      });
      bar.append(makeSvg('title', {},
        row.action + ': ' + amount(row.hours_per_week) + ' engineer-hours per week'));
      bar.addEventListener('click', () => select(row.action));
      group.append(bar);
      group.append(makeSvg('text', {
        x: labelWidth + barWidth + 8, y: middle, 'dominant-baseline': 'central',
        class: 'bar-value',
      }, amount(row.hours_per_week) + ' h'));
      svg.append(group);
    });
    box.append(svg);
  }

  function machineLabel(machine) {
    return machine.os + ' ' + machine.arch + ', ' + machine.cores + ' cores, ' +
      machine.memory_gib + ' GiB';
  }

  // What sets two machine classes apart: only the properties that differ.
  function difference(slow, fast) {
    const parts = [];
    if (slow.os !== fast.os || slow.arch !== fast.arch) {
      parts.push([slow.os + ' ' + slow.arch, fast.os + ' ' + fast.arch]);
    }
    if (slow.cores !== fast.cores) parts.push([slow.cores + ' cores', fast.cores + ' cores']);
    if (slow.memory_gib !== fast.memory_gib) {
      parts.push([slow.memory_gib + ' GiB', fast.memory_gib + ' GiB']);
    }
    return [parts.map((p) => p[0]).join(', '), parts.map((p) => p[1]).join(', ')];
  }

  function machineSummary(action) {
    const timed = action.machines.filter((m) => m.median_seconds !== null);
    if (timed.length < 2) {
      return timed.length === 1
        ? 'One machine class shown: ' + machineLabel(timed[0]) + '.'
        : 'No machine class has enough contributors to be shown.';
    }
    const fast = timed[0];
    const slow = timed[timed.length - 1];
    if (slow.ratio_to_fastest < 1.05) {
      return action.action + ' takes about as long on every machine class shown.';
    }
    const [slowText, fastText] = difference(slow, fast);
    return action.action + ': ' + grouped(slow.ratio_to_fastest, 1) + '× slower on ' +
      slowText + ' than on ' + fastText + ' (median ' + duration(slow.median_seconds) +
      ' against ' + duration(fast.median_seconds) + ').';
  }

  function renderDetail(action) {
    const detail = byId('detail');
    show(detail, Boolean(action));
    if (!action) return;
    byId('detail-title').textContent = action.action;
    byId('machine-summary').textContent = machineSummary(action);
    const body = byId('machines');
    body.replaceChildren();
    for (const machine of action.machines) {
      const row = make('tr');
      row.append(
        make('th', { scope: 'row' }, machineLabel(machine)),
        make('td', { class: 'num' }, grouped(machine.contributors, 0)),
        make('td', { class: 'num' }, grouped(machine.runs, 0)),
        make('td', { class: 'num' }, duration(machine.median_seconds)),
        make('td', { class: 'num' }, duration(machine.p90_seconds)),
        make('td', { class: 'num' },
          machine.ratio_to_fastest === null ? DASH : grouped(machine.ratio_to_fastest, 2) + '×'),
      );
      body.append(row);
    }
    byId('trend-title').textContent = 'Hours per ISO week: ' + action.action;
    renderTrend(action.weeks);
  }

  // Vertical bars of hours per ISO week of the selected action.
  function renderTrend(weeks) {
    const box = byId('trend-box');
    box.replaceChildren();
    if (!weeks.length) {
      box.append(make('p', { class: 'help' }, 'No week has enough contributors to be shown.'));
      return;
    }
    const column = 56;
    const plot = 150;
    const width = Math.max(weeks.length * column + 20, 240);
    const height = plot + 50;
    const most = Math.max(...weeks.map((w) => w.hours)) || 1;
    const svg = makeSvg('svg', {
      id: 'trend',
      viewBox: '0 0 ' + width + ' ' + height,
      role: 'img',
      'aria-labelledby': 'trend-chart-title',
    });
    svg.append(makeSvg('title', { id: 'trend-chart-title' }, 'Hours per ISO week'));
    weeks.forEach((week, i) => {
      const x = 10 + i * column;
      const barHeight = Math.max(2, (plot * week.hours) / most);
      const top = 20 + plot - barHeight;
      const bar = makeSvg('rect', {
        x: x + 8, y: top.toFixed(1), width: column - 16, height: barHeight.toFixed(1),
        class: 'week-bar',
      });
      bar.append(makeSvg('title', {},
        week.week + ' (' + week.since + ' to ' + week.until + '): ' + amount(week.hours) +
        ' hours, ' + plural(week.runs, 'run', 'runs')));
      svg.append(bar);
      svg.append(makeSvg('text', {
        x: x + column / 2, y: top - 5, 'text-anchor': 'middle', class: 'bar-value',
      }, amount(week.hours)));
      svg.append(makeSvg('text', {
        x: x + column / 2, y: 20 + plot + 18, 'text-anchor': 'middle', class: 'bar-label',
      }, week.week.replace(/^\d{4}-/, '')));
    });
    box.append(svg);
  }

  async function downloadCsv() {
    const report = state.report;
    if (!report) return;
    const params = new URLSearchParams({ since: report.period.since, until: report.period.until });
    if (state.role === 'admin' && report.scope === 'team') params.set('team', report.team);
    try {
      const response = await call('/api/v1/report.csv?' + params.toString());
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = make('a', {
        href: url,
        download: 'worthit-' + (report.team || 'org') + '-' + report.period.since + '-' +
          report.period.until + '.csv',
      });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (error) {
      if (error.status === 401) signOut('The token was refused: ' + error.message);
      else showError(error.message);
    }
  }

  function start() {
    byId('sign-in-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const token = byId('token-input').value.trim();
      if (!token) return;
      sessionStorage.setItem(TOKEN_KEY, token);
      byId('token-input').value = '';
      signIn(token);
    });
    byId('controls').addEventListener('submit', (event) => {
      event.preventDefault();
      if (byId('team').checkValidity()) load();
      else showError('A team name is 1 to 64 letters, digits, “-”, “_” and “.”.');
    });
    byId('period').addEventListener('change', load);
    byId('csv').addEventListener('click', downloadCsv);
    byId('sign-out').addEventListener('click', () => signOut(''));

    takeTokenFromFragment();
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) signIn(token);
    else signOut('');
  }

  start();
})();
