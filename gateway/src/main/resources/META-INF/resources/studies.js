// The study list (state and headline of each) and the form that starts a study without writing JSON.
'use strict';

const text = (tag, value) => { const el = document.createElement(tag); el.textContent = value; return el; };

/** One line that says what a study found: its first answer, else its best result so far. */
function headline(study) {
  if (study.state === 'FAILED') return 'failed: ' + (study.failureReason || 'no reason recorded');
  if (study.stallReason) return 'stalled: ' + study.stallReason;
  const curves = study.learningCurves || [];
  if (curves.length > 0 && curves[0].answers.length > 0) return curves[0].answers[0].sentence;
  const done = (study.results || []).filter(r => r.state === 'COMPLETE' && r.microF1 !== null);
  if (done.length === 0) return '';
  const best = done.reduce((a, b) => (b.microF1 > a.microF1 ? b : a));
  return 'best so far: ' + best.strategy + ' on ' + best.size + ', micro-F1 ' + best.microF1.toFixed(4)
    + ' (' + done.length + ' of ' + study.results.length + ' results)';
}

async function renderStudies() {
  const response = await Auth.fetch('/studies?size=100');
  const studies = await response.json();
  const total = Number(response.headers.get('X-Total-Count') || studies.length);
  const more = document.getElementById('studies-more');
  more.hidden = total <= studies.length;
  more.textContent = 'the newest ' + studies.length + ' of ' + total + ' studies (GET /studies?page=1&size=100 for more)';
  const body = document.querySelector('#studies tbody');
  body.innerHTML = '';
  for (const s of studies) {
    const tr = document.createElement('tr');
    tr.dataset.study = s.id;
    tr.dataset.state = s.state;
    const link = document.createElement('a');
    link.href = '/report.html?study=' + s.id;
    link.textContent = s.id.slice(0, 8);
    const first = document.createElement('td');
    first.appendChild(link);
    tr.appendChild(first);
    for (const cell of [s.datasetPath, s.preset, s.state, new Date(s.createdAt).toLocaleString(), '']) {
      tr.appendChild(text('td', cell));
    }
    body.appendChild(tr);
  }
  // headlines need each study's results and fitted curves: fetched one by one, newest first
  for (const s of studies.slice(0, 25)) {
    const full = await Auth.fetch('/studies/' + s.id).then(r => r.json());
    const row = body.querySelector('tr[data-study="' + s.id + '"]');
    if (row) row.lastChild.textContent = headline(full);
  }
  document.body.dataset.studies = String(studies.length);
}

async function renderForm() {
  const [presets, strategies] = await Promise.all([
    Auth.fetch('/catalog/presets').then(r => r.json()), Auth.fetch('/catalog/strategies').then(r => r.json())]);
  const datasetSelect = document.getElementById('dataset');
  const note = document.getElementById('dataset-note');
  const answer = await Auth.fetch('/catalog/datasets');
  if (answer.ok) {
    const datasets = await answer.json();
    for (const d of datasets) {
      datasetSelect.add(new Option(d.path + ' (' + d.classCount + ' classes, ' + d.imageCount + ' images)', d.path));
    }
    note.textContent = datasets.length === 0 ? 'no dataset is registered yet (transferlab register --path …)' : '';
  } else {
    // the dataset-service cannot be asked: a path can still be typed
    const input = document.createElement('input');
    input.id = 'dataset';
    input.required = true;
    input.placeholder = 'datasets/flowers102';
    datasetSelect.replaceWith(input);
    note.textContent = (await answer.json()).error;
  }
  const presetSelect = document.getElementById('preset');
  for (const p of presets) presetSelect.add(new Option(p.name, p.name));
  const sizes = document.getElementById('sizes');
  const showSizes = () => {
    const preset = presets.find(p => p.name === presetSelect.value);
    sizes.querySelectorAll('label').forEach(l => l.remove());
    for (const size of preset.sizes) {
      const label = document.createElement('label');
      const box = document.createElement('input');
      Object.assign(box, {type: 'checkbox', name: 'size', value: size, checked: true});
      label.append(box, ' ' + size + ' ');
      sizes.appendChild(label);
    }
    document.getElementById('seeds').placeholder = Array.from({length: preset.defaultSeeds}, (_, i) => 42 + i).join(', ');
  };
  presetSelect.onchange = showSizes;
  showSizes();
  const box = document.getElementById('strategies');
  for (const s of strategies) {
    const label = document.createElement('label');
    label.title = s.description;
    const input = document.createElement('input');
    Object.assign(input, {type: 'checkbox', name: 'strategy', value: s.id, checked: s.id === 'fe' || s.id === 'ft'});
    label.append(input, ' ' + s.id + ' ');
    box.appendChild(label);
  }
  const formKey = 'form-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
  document.getElementById('study-form').onsubmit = async event => {
    event.preventDefault();
    const list = (value, parse) => value.split(',').map(v => v.trim()).filter(v => v !== '').map(parse);
    const body = {
      datasetPath: document.getElementById('dataset').value,
      preset: presetSelect.value,
      sizes: [...sizes.querySelectorAll('input:checked')].map(i => i.value),
      strategies: [...box.querySelectorAll('input:checked')].map(i => i.value)
    };
    const seeds = list(document.getElementById('seeds').value, Number);
    const targets = list(document.getElementById('target-f1').value, Number);
    const classLimit = document.getElementById('class-limit').value;
    if (seeds.length > 0) body.seeds = seeds;
    if (targets.length > 0) body.targetF1 = targets;
    if (classLimit !== '') body.classLimit = Number(classLimit);
    // one key per filled-in form: a double click or a retried request does not start a second study
    const response = await Auth.fetch('/studies', {method: 'POST', headers: {'Content-Type': 'application/json',
      'Idempotency-Key': formKey}, body: JSON.stringify(body)});
    const result = await response.json();
    const message = document.getElementById('form-message');
    if (response.status === 201 || response.status === 200) {
      message.textContent = 'started ' + result.id;
      location.href = '/report.html?study=' + result.id;
    } else {
      message.textContent = result.error || ('refused: ' + response.status);
    }
  };
}

Promise.all([renderStudies(), renderForm()])
  .then(() => { document.body.dataset.ready = 'true'; })
  .catch(e => { document.body.dataset.ready = 'error: ' + e; });
