// The study report: the results table and the seed's figures, drawn with ECharts from /studies/{id}/results,
// refreshed live from /studies/{id}/events (Server-Sent Events) while the study runs.
'use strict';

const STRATEGIES = ['fe', 'ft', 'fe-aug', 'ft-aug', 'lp', 'ft5', 'ft5-aug'];
const COLOURS = {'fe': '#4e79a7', 'ft': '#f28e2b', 'fe-aug': '#76b7b2', 'ft-aug': '#e15759', 'lp': '#59a14f',
  'ft5': '#b07aa1', 'ft5-aug': '#ff9da7'};
const studyId = new URLSearchParams(location.search).get('study');
const charts = {};

function chart(id) {
  if (!charts[id]) {
    // SVG: crisp, and the numbers are in the page (the browser test reads them)
    charts[id] = echarts.init(document.getElementById(id), null, {renderer: 'svg'});
  }
  return charts[id];
}

const fmt = (v, d = 4) => v === null || v === undefined ? '' : Number(v).toFixed(d);
const completed = rows => rows.filter(r => r.state === 'COMPLETE' && r.microF1 !== null);
const mean = values => values.reduce((a, b) => a + b, 0) / values.length;

/** Sizes in the order the results come (the preset's order, largest first). */
function sizesOf(rows) {
  return [...new Set(rows.map(r => r.size))];
}

/** Mean micro-F1 (over seeds) and mean training-set size per size and strategy. */
function bySizeAndStrategy(rows) {
  const table = {};
  for (const r of completed(rows)) {
    const key = r.size + '|' + r.strategy;
    (table[key] = table[key] || []).push(r);
  }
  const out = {};
  for (const [key, list] of Object.entries(table)) {
    out[key] = {f1: mean(list.map(r => r.microF1)), train: mean(list.map(r => r.trainImages)),
      min: Math.min(...list.map(r => r.microF1)), max: Math.max(...list.map(r => r.microF1)), seeds: list.length};
  }
  return out;
}

function renderTable(rows) {
  const body = document.querySelector('#results tbody');
  body.innerHTML = '';
  for (const r of rows) {
    const tr = document.createElement('tr');
    tr.dataset.strategy = r.strategy;
    tr.dataset.size = r.size;
    for (const cell of [r.size, r.seed, r.strategy, r.state, r.trainImages, r.valImages, r.testImages,
      fmt(r.microF1), fmt(r.macroF1), fmt(r.top1Accuracy),
      r.epochs !== null ? r.epochs + ' (' + r.bestEpoch + ')' : (r.epoch ? 'epoch ' + r.epoch + '/' + r.maxEpochs : ''), r.augmentationMode || '', fmt(r.trainSeconds, 0)]) {
      const td = document.createElement('td');
      td.textContent = cell === null || cell === undefined ? '' : cell;
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
}

function renderF1(rows) {
  const sizes = sizesOf(rows);
  const stats = bySizeAndStrategy(rows);
  const present = STRATEGIES.filter(s => rows.some(r => r.strategy === s));
  chart('chart-f1').setOption({
    tooltip: {trigger: 'axis'}, legend: {data: present},
    xAxis: {type: 'category', data: sizes, name: 'training size'},
    yAxis: {type: 'value', min: 0, max: 1, name: 'micro-F1'},
    series: present.map(s => ({
      name: s, type: 'bar', itemStyle: {color: COLOURS[s]},
      label: {show: true, position: 'top', formatter: p => p.value === null ? '' : Number(p.value).toFixed(3)},
      data: sizes.map(size => stats[size + '|' + s] ? Number(stats[size + '|' + s].f1.toFixed(4)) : null)
    }))
  }, true);
}

function renderDecrease(rows) {
  const sizes = sizesOf(rows);
  const stats = bySizeAndStrategy(rows);
  const series = [];
  for (const s of STRATEGIES) {
    // relative to the largest training set (the first of seed-2020, the last of a learning curve); a reference
    // F1 of 0 has no relative loss to show
    const points = sizes.map(size => stats[size + '|' + s]).filter(Boolean).sort((a, b) => b.train - a.train);
    if (points.length < 2 || points[0].f1 <= 0) continue;
    const ref = points[0];
    series.push({
      name: s, type: 'line', itemStyle: {color: COLOURS[s]}, symbolSize: 9,
      label: {show: true, formatter: p => p.value[1].toFixed(1) + '%'},
      data: points.map(p => [Number((100 * (ref.train - p.train) / ref.train).toFixed(1)),
        Number((100 * (ref.f1 - p.f1) / ref.f1).toFixed(2))])
    });
  }
  document.getElementById('decrease-section').hidden = series.length === 0;
  if (series.length === 0) return;
  chart('chart-decrease').setOption({
    tooltip: {trigger: 'item'}, legend: {data: series.map(s => s.name)},
    xAxis: {type: 'value', name: 'training images lost (%)', min: 0, max: 100},
    yAxis: {type: 'value', name: 'micro-F1 lost (%)'},
    series
  }, true);
}

function renderAugmentation(rows) {
  const sizes = sizesOf(rows);
  const stats = bySizeAndStrategy(rows);
  const series = [];
  for (const base of ['fe', 'ft', 'ft5']) {
    const data = sizes.map(size => {
      const plain = stats[size + '|' + base];
      const aug = stats[size + '|' + base + '-aug'];
      return plain && aug ? Number((100 * (aug.f1 - plain.f1) / plain.f1).toFixed(2)) : null;
    });
    if (data.some(v => v !== null)) {
      series.push({name: base + '-aug vs ' + base, type: 'bar', itemStyle: {color: COLOURS[base + '-aug']},
        label: {show: true, position: 'top', formatter: p => p.value === null ? '' : p.value + '%'}, data});
    }
  }
  document.getElementById('augmentation-section').hidden = series.length === 0;
  if (series.length === 0) return;
  chart('chart-augmentation').setOption({
    tooltip: {trigger: 'axis'}, legend: {data: series.map(s => s.name)},
    xAxis: {type: 'category', data: sizes, name: 'training size'},
    yAxis: {type: 'value', name: 'micro-F1 gain (%)'},
    series
  }, true);
}

/**
 * The learning curves the gateway fitted (study.learningCurves): per strategy the seeds' means with their 95 %
 * interval, the fitted a − b·n^(−c) and its 95 % bootstrap band; and the answer sentences above everything.
 */
function renderCurve(study) {
  const curves = study.learningCurves || [];
  const answers = document.getElementById('answers');
  answers.innerHTML = '';
  for (const c of curves) {
    for (const a of c.answers) {
      const li = document.createElement('li');
      li.dataset.strategy = c.strategy;
      li.dataset.flag = a.flag;
      li.textContent = a.sentence;
      answers.appendChild(li);
    }
  }
  document.getElementById('answer-section').hidden = curves.length === 0;
  const isCurve = curves.length > 0;
  document.getElementById('curve-section').hidden = !isCurve;
  if (!isCurve) return;
  const fits = document.querySelector('#fits tbody');
  fits.innerHTML = '';
  for (const c of curves) {
    const tr = document.createElement('tr');
    tr.dataset.strategy = c.strategy;
    for (const cell of [c.strategy, c.points.length, fmt(c.fit.a) + ' (' + fmt(c.fit.aLow) + ' – ' + fmt(c.fit.aHigh) + ')',
      fmt(c.fit.b), fmt(c.fit.c, 3), fmt(c.fit.rSquared), fmt(c.fit.rmse)]) {
      const td = document.createElement('td');
      td.textContent = cell;
      tr.appendChild(td);
    }
    fits.appendChild(tr);
  }
  const colour = s => COLOURS[s] || '#888';
  const series = [];
  for (const c of curves) {
    // the fit's band: one polygon through the upper edge and back along the lower one
    series.push({name: c.strategy + ' band', type: 'custom', silent: true, data: [[c.curve[0].imagesPerClass, c.curve[0].f1]],
      renderItem: (params, api) => ({type: 'polygon', style: {fill: colour(c.strategy), opacity: 0.15},
        shape: {points: c.curve.map(p => api.coord([p.imagesPerClass, p.high]))
          .concat(c.curve.slice().reverse().map(p => api.coord([p.imagesPerClass, p.low])))}})});
    series.push({name: c.strategy, type: 'line', showSymbol: false, smooth: false, itemStyle: {color: colour(c.strategy)},
      lineStyle: {width: 2}, data: c.curve.map(p => [p.imagesPerClass, Number(p.f1.toFixed(4))])});
    series.push({name: c.strategy + ' seeds', type: 'scatter', itemStyle: {color: colour(c.strategy)}, symbolSize: 8,
      data: c.points.map(p => [p.imagesPerClass, Number(p.meanF1.toFixed(4)), p.size, p.seeds])});
    // the seeds' 95 % interval of each mean: a vertical whisker
    series.push({name: c.strategy + ' interval', type: 'custom', itemStyle: {color: colour(c.strategy)},
      renderItem: (params, api) => {
        const low = api.coord([api.value(0), api.value(1)]);
        const high = api.coord([api.value(0), api.value(2)]);
        return {type: 'group', children: [
          {type: 'line', shape: {x1: low[0], y1: low[1], x2: high[0], y2: high[1]}, style: {stroke: colour(c.strategy), lineWidth: 2}},
          {type: 'line', shape: {x1: low[0] - 4, y1: low[1], x2: low[0] + 4, y2: low[1]}, style: {stroke: colour(c.strategy)}},
          {type: 'line', shape: {x1: high[0] - 4, y1: high[1], x2: high[0] + 4, y2: high[1]}, style: {stroke: colour(c.strategy)}}]};
      },
      data: c.points.map(p => [p.imagesPerClass, p.low, p.high])});
  }
  const lowest = Math.min(...curves.flatMap(c => c.points.map(p => p.low)));
  chart('chart-curve').setOption({
    tooltip: {trigger: 'item', formatter: p => p.seriesType === 'scatter'
      ? p.seriesName.replace(' seeds', '') + ' ' + p.value[2] + ': ' + p.value[1] + ' over ' + p.value[3] + ' seed(s)'
      : p.seriesName + ': ' + (Array.isArray(p.value) ? p.value[1] : p.value)},
    legend: {data: curves.map(c => c.strategy)},
    xAxis: {type: 'log', logBase: 2, name: 'training images per class'},
    yAxis: {type: 'value', min: Math.max(0, Math.floor(lowest * 10) / 10), max: 1, name: 'micro-F1'},
    series
  }, true);
}

/** Loss and validation loss per epoch of every run of the chosen strategy (one colour per training set). */
function renderTraining(curves) {
  document.getElementById('training-section').hidden = curves.length === 0;
  if (curves.length === 0) return;
  const strategy = choices(document.getElementById('training-strategy'), [...new Set(curves.map(c => c.strategy))],
    () => renderTraining(curves));
  const shown = curves.filter(c => c.strategy === strategy);
  const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
  const series = [];
  shown.forEach((c, i) => {
    const name = c.size + ' · seed ' + c.seed;
    const colour = palette[i % palette.length];
    series.push({name, type: 'line', showSymbol: false, itemStyle: {color: colour},
      data: c.epochs.filter(e => e.trainLoss !== null).map(e => [e.epoch, Number(e.trainLoss.toFixed(4))])});
    series.push({name, type: 'line', showSymbol: false, itemStyle: {color: colour}, lineStyle: {type: 'dashed'},
      data: c.epochs.filter(e => e.valLoss !== null).map(e => [e.epoch, Number(e.valLoss.toFixed(4))])});
  });
  chart('chart-training').setOption({
    tooltip: {trigger: 'axis'}, legend: {type: 'scroll', data: [...new Set(series.map(s => s.name))]},
    xAxis: {type: 'value', name: 'epoch', minInterval: 1},
    yAxis: {type: 'value', name: 'cross-entropy'},
    series
  }, true);
}

/** Fills a select with values, keeping what was chosen; returns the chosen value. */
function choices(select, values, onchange) {
  if ([...select.options].map(o => o.value).join() !== values.join()) {
    const chosen = select.value;
    select.innerHTML = '';
    for (const v of values) select.add(new Option(v, v, false, v === chosen));
    select.onchange = onchange;
  }
  return select.value || values[0];
}

/** Per-class F1 (ten worst per size) and the confusion matrix as a heat map with class names. */
async function renderClasses(study, rows) {
  const strategies = study.strategies.filter(s => completed(rows).some(r => r.strategy === s));
  document.getElementById('classes-section').hidden = strategies.length === 0;
  if (strategies.length === 0) return;
  const again = () => renderClasses(study, rows);
  const strategy = choices(document.getElementById('classes-strategy'), strategies, again);
  const views = await Auth.fetch('/studies/' + studyId + '/classes?strategy=' + encodeURIComponent(strategy))
    .then(r => r.ok ? r.json() : []);
  const body = document.querySelector('#worst-classes tbody');
  body.innerHTML = '';
  for (const v of views) {
    const tr = document.createElement('tr');
    tr.dataset.size = v.size;
    const worst = v.worstFirst.slice(0, 10).map(c => c.name + ' (' + c.f1.toFixed(2) + ')').join(', ');
    for (const cell of [v.size, v.seeds, worst]) {
      const td = document.createElement('td');
      td.textContent = cell;
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  if (views.length === 0) return;
  const size = choices(document.getElementById('classes-size'), views.map(v => v.size), again);
  const view = views.find(v => v.size === size) || views[0];
  const data = [];
  let max = 1;
  view.confusion.forEach((row, t) => row.forEach((count, p) => {
    if (count > 0) { data.push([p, t, count]); max = Math.max(max, count); }
  }));
  chart('chart-confusion').setOption({
    tooltip: {formatter: p => 'true ' + view.classes[p.value[1]] + ', predicted ' + view.classes[p.value[0]] + ': ' + p.value[2]},
    grid: {left: 150, bottom: 150, top: 20, right: 70},
    xAxis: {type: 'category', data: view.classes, name: 'predicted', axisLabel: {rotate: 90, interval: 0, fontSize: 8}},
    yAxis: {type: 'category', data: view.classes, name: 'true', inverse: true, axisLabel: {interval: 0, fontSize: 8}},
    visualMap: {min: 0, max, calculable: true, orient: 'vertical', right: 0, top: 'middle',
      inRange: {color: ['#f7fbff', '#6baed6', '#08306b']}},
    series: [{name: 'confusion ' + strategy + ' ' + size, type: 'heatmap', data}]
  }, true);
}

/** The study beside its reruns: a table of who ran on which dataset version, and micro-F1 per version. */
function renderVersions(family) {
  const section = document.getElementById('versions-section');
  section.hidden = family.length < 2;
  if (section.hidden) return;
  const label = v => (v.datasetVersions.join(', ') || '?') + ' · ' + v.studyId.slice(0, 8);
  const body = document.querySelector('#versions tbody');
  body.innerHTML = '';
  for (const v of family) {
    const tr = document.createElement('tr');
    tr.dataset.study = v.studyId;
    if (v.studyId === studyId) tr.className = 'current';
    const link = document.createElement('a');
    link.href = '/report.html?study=' + v.studyId;
    link.textContent = v.studyId;
    for (const cell of [link, v.datasetVersions.join(', '), v.triggerReason || 'posted by a user', v.state]) {
      const td = document.createElement('td');
      if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell;
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  const keys = [];
  for (const v of family) {
    for (const r of completed(v.results)) {
      const key = r.size + ' ' + r.strategy;
      if (!keys.includes(key)) keys.push(key);
    }
  }
  chart('chart-versions').setOption({
    tooltip: {trigger: 'axis'}, legend: {data: family.map(label)},
    xAxis: {type: 'category', data: keys, name: 'size, strategy'},
    yAxis: {type: 'value', min: 0, max: 1, name: 'micro-F1'},
    series: family.map(v => {
      const stats = bySizeAndStrategy(v.results);
      return {
        name: label(v), type: 'bar',
        label: {show: true, position: 'top', formatter: p => p.value === null ? '' : Number(p.value).toFixed(3)},
        data: keys.map(k => {
          const s = stats[k.replace(' ', '|')];
          return s ? Number(s.f1.toFixed(4)) : null;
        })
      };
    })
  }, true);
}

async function refresh() {
  const [study, rows, family, training] = await Promise.all([
    Auth.fetch('/studies/' + studyId).then(r => { if (!r.ok) throw new Error('no study ' + studyId); return r.json(); }),
    Auth.fetch('/studies/' + studyId + '/results').then(r => r.json()),
    Auth.fetch('/studies/' + studyId + '/versions').then(r => r.json()),
    Auth.fetch('/studies/' + studyId + '/training').then(r => r.json())]);
  document.getElementById('study-id').textContent = study.id;
  document.getElementById('summary').textContent = 'Dataset ' + study.datasetPath + ', preset ' + study.preset
    + ', sizes ' + study.sizes.join(', ') + ', strategies ' + study.strategies.join(', ') + ', seeds '
    + study.seeds.join(', ') + ', backbone ' + study.backbone + '.';
  const state = document.getElementById('state');
  state.textContent = study.state + (study.failureReason ? ': ' + study.failureReason : '')
    + (study.stallReason ? ' — stalled since ' + new Date(study.stalledSince).toLocaleString() + ': ' + study.stallReason : '');
  state.className = 'state ' + study.state;
  document.body.dataset.state = study.state;
  renderTable(rows);
  renderF1(rows);
  renderDecrease(rows);
  renderAugmentation(rows);
  renderCurve(study);
  renderTraining(training);
  await renderClasses(study, rows);
  renderVersions(family);
  document.body.dataset.rendered = String(completed(rows).length);
  return study;
}

async function main() {
  if (!studyId) {
    document.getElementById('summary').textContent = 'Open this page as /studies/{id}/report.';
    return;
  }
  Auth.downloadLink(document.getElementById('json-link'), '/studies/' + studyId + '/results',
    'study-' + studyId + '-results.json');
  Auth.downloadLink(document.getElementById('csv-link'), '/studies/' + studyId + '/results?format=csv',
    'study-' + studyId + '-results.csv');
  const study = await refresh();
  if (study.state === 'COMPLETE' || study.state === 'FAILED') return;
  // the gateway ends a stream after a while (and limits streams per client): follow again until the study ends
  for (;;) {
    let finished = false;
    const events = Auth.events('/studies/' + studyId + '/events', async data => {
      const update = JSON.parse(data);
      document.getElementById('live').textContent = 'live: ' + (update.message || update.state);
      const now = await refresh();
      if (now.state === 'COMPLETE' || now.state === 'FAILED') {
        finished = true;
        events.stop();
      }
    });
    await events.done;
    if (finished || ['COMPLETE', 'FAILED'].includes((await refresh()).state)) return;
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
}

main().catch(e => { document.getElementById('summary').textContent = String(e); });
window.addEventListener('resize', () => Object.values(charts).forEach(c => c.resize()));
