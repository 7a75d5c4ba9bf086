// Centinela's web page: the little the server cannot do alone. Parts that follow something live
// ([data-refresh]), and the upload: many files in one request, each file's progress, then the batch followed.
'use strict';

function follow(el) {
  const every = Number(el.dataset.every || 2500);
  const tick = async () => {
    if (el.dataset.untilComplete && el.querySelector('[data-complete="1"]')) return;
    try {
      const res = await fetch(el.dataset.refresh, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (res.redirected || res.status === 401) return location.reload();
      if (res.ok) el.innerHTML = await res.text();
    } catch {
      // offline for a moment: try again at the next tick
    }
    setTimeout(tick, every);
  };
  setTimeout(tick, every);
}

function row(body, name, status, reason) {
  const tr = document.createElement('tr');
  for (const text of [name, status]) tr.appendChild(document.createElement('td')).textContent = text;
  if (reason) tr.lastChild.textContent += ` — ${reason}`;
  body.appendChild(tr);
  return tr;
}

function upload(form) {
  const input = form.querySelector('input[type=file]');
  const drop = form.querySelector('#drop');
  const status = form.querySelector('#upload-status');
  const table = form.querySelector('#upload-files');
  const body = table.querySelector('tbody');
  let chosen = [];
  const show = (files) => {
    chosen = [...files];
    body.textContent = '';
    table.hidden = chosen.length === 0;
    for (const f of chosen) row(body, f.name, form.dataset.queued);
  };
  input.addEventListener('change', () => show(input.files));
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    show(e.dataTransfer.files);
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (chosen.length === 0) return input.focus();
    const data = new FormData();
    for (const f of chosen) data.append('files', f, f.name);
    const rows = [...body.rows];
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/upload');
    xhr.setRequestHeader('x-csrf-token', form.elements._csrf.value);
    xhr.responseType = 'json';
    form.querySelector('button[type=submit]').disabled = true;
    xhr.upload.onprogress = (p) => {
      const total = p.lengthComputable ? p.total : chosen.reduce((n, f) => n + f.size, 0);
      status.textContent = form.dataset.sending.replace('{percent}', String(Math.floor((100 * p.loaded) / total)));
      // Files go in order: a file is sent once the bytes before its end are.
      let end = 0;
      chosen.forEach((f, i) => {
        end += f.size;
        const cell = rows[i] && rows[i].cells[1];
        if (!cell) return;
        const left = end - p.loaded;
        cell.textContent =
          left <= 0
            ? form.dataset.sent
            : `${Math.max(0, Math.min(99, Math.floor(100 - (100 * left) / (f.size || 1))))}%`;
      });
    };
    xhr.onload = () => {
      form.querySelector('button[type=submit]').disabled = false;
      const r = xhr.response || {};
      if (xhr.status !== 200) {
        status.textContent = form.dataset.failed.replace('{error}', r.error || String(xhr.status));
        return;
      }
      status.textContent = '';
      body.textContent = '';
      for (const f of r.files) row(body, f.name, f.status, f.reason);
      if (!r.batch_id) return;
      history.replaceState(null, '', `/upload?batch=${encodeURIComponent(r.batch_id)}`);
      const live = document.getElementById('batch-live');
      live.innerHTML = '';
      const box = live.appendChild(document.createElement('div'));
      box.dataset.refresh = `/batch/${encodeURIComponent(r.batch_id)}?part=facts`;
      box.dataset.untilComplete = '1';
      box.dataset.every = '1000';
      follow(box);
    };
    xhr.onerror = () => {
      form.querySelector('button[type=submit]').disabled = false;
      status.textContent = form.dataset.failed.replace('{error}', 'network');
    };
    xhr.send(data);
  });
}

document.querySelectorAll('[data-refresh]').forEach(follow);
const form = document.getElementById('upload');
if (form) upload(form);
