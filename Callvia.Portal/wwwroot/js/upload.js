// The campaign page's CSV upload: the file streams as the body of one request (the importer reads rows as they
// arrive), its bytes moving the bar while they upload, the import's own progress (rows read, checked, inserted) read
// from /imports/{id} meanwhile; then the result, the first rejected rows and the full report's link.
(() => {
    const form = document.getElementById('upload-form');
    if (!form) return;
    const input = form.querySelector('input[type=file]');
    const button = form.querySelector('button[type=submit]');
    const drop = form.querySelector('.drop');
    const progress = document.getElementById('upload-progress');
    const phase = document.getElementById('upload-phase');
    const bar = progress.querySelector('[role=progressbar]');
    const result = document.getElementById('upload-result');
    const token = form.dataset.token;
    const number = new Intl.NumberFormat('en-US');
    const mb = bytes => (bytes / 1048576).toLocaleString('en-US', { maximumFractionDigits: 1 }) + ' MB';
    let file = null;

    const choose = chosen => {
        file = chosen ?? null;
        button.disabled = !file;
        button.textContent = file ? `Upload ${file.name} (${mb(file.size)})` : 'Upload';
    };
    input.addEventListener('change', () => choose(input.files[0]));
    for (const type of ['dragenter', 'dragover']) drop.addEventListener(type, e => { e.preventDefault(); drop.classList.add('over'); });
    for (const type of ['dragleave', 'drop']) drop.addEventListener(type, () => drop.classList.remove('over'));
    drop.addEventListener('drop', e => { e.preventDefault(); if (e.dataTransfer.files.length) choose(e.dataTransfer.files[0]); });

    const show = (percent, text) => {
        const p = Math.max(0, Math.min(100, Math.round(percent)));
        bar.querySelector('span').style.width = p + '%';
        bar.setAttribute('aria-valuenow', String(p));
        phase.textContent = text;
    };
    const element = (tag, text, attrs = {}) => {
        const e = document.createElement(tag);
        if (text !== undefined) e.textContent = text;
        for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
        return e;
    };
    const problem = async response => {
        try { const body = await response.json(); return body.detail || body.title || `The upload failed (${response.status}).`; }
        catch { return `The upload failed (${response.status}).`; }
    };

    const finish = view => {
        result.replaceChildren();
        result.hidden = false;
        if (view.status === 'failed') {
            result.append(element('p', view.error || 'The import failed; nothing was imported.', { class: 'field-error', role: 'alert', 'data-testid': 'upload-error' }));
            show(100, 'Failed.');
            return;
        }
        show(100, 'Done.');
        const facts = element('dl', undefined, { class: 'numbers', 'data-testid': 'upload-counts' });
        for (const [label, value, id] of [['Rows read', view.rowsRead, 'read'], ['Imported', view.imported, 'imported'], ['Duplicates', view.duplicates, 'duplicates'],
            ['Suppressed', view.suppressed, 'suppressed'], ['Rejected', view.rejected, 'rejected']]) {
            const div = element('div');
            div.append(element('dt', label), element('dd', number.format(value), { 'data-testid': 'count-' + id }));
            facts.append(div);
        }
        result.append(element('h3', `Imported ${number.format(view.imported)} of ${number.format(view.rowsRead)} rows`), facts);
        if (view.rejections.length) {
            const table = element('table', undefined, { 'data-testid': 'rejections' });
            const head = element('tr');
            for (const h of ['Line', 'Reason', 'Value']) head.append(element('th', h));
            table.append(element('thead'), element('tbody'));
            table.tHead.append(head);
            for (const r of view.rejections.slice(0, 10)) {
                const row = element('tr');
                row.append(element('td', String(r.line)), element('td', r.reason), element('td', r.value ?? ''));
                table.tBodies[0].append(row);
            }
            result.append(element('h3', view.rejected > 10 ? `First 10 of ${number.format(view.rejected)} rejected rows` : 'Rejected rows'));
            const wrap = element('div', undefined, { class: 'table-wrap' });
            wrap.append(table);
            result.append(wrap);
        }
        if (view.imported > 0) {
            const p = element('p');
            p.append(element('a', 'See the new leads', { href: `/leads?campaign=${encodeURIComponent(form.dataset.campaign)}`, 'data-testid': 'see-leads' }));
            result.append(p);
        }
        if (view.rejectionsCsvUrl) {
            const p = element('p');
            p.append(element('a', 'Download every row not imported (CSV)', { href: view.rejectionsCsvUrl, 'data-testid': 'rejections-csv' }));
            result.append(p);
        }
        result.focus();
    };

    form.addEventListener('submit', async e => {
        e.preventDefault();
        if (!file) return;
        button.disabled = true;
        input.disabled = true;
        result.hidden = true;
        progress.hidden = false;
        show(0, 'Starting the upload…');
        const created = await fetch(`/imports?campaignId=${encodeURIComponent(form.dataset.campaign)}`,
            { method: 'POST', headers: { 'RequestVerificationToken': token }, credentials: 'same-origin' });
        if (!created.ok) {
            result.hidden = false;
            result.replaceChildren(element('p', await problem(created), { class: 'field-error', role: 'alert', 'data-testid': 'upload-error' }));
            progress.hidden = true;
            button.disabled = false; input.disabled = false;
            return;
        }
        const { uploadUrl, statusUrl } = await created.json();
        let uploaded = 0, done = false;
        // the import's own progress while the file streams in and after: rows read, then checked, then inserted
        const poll = async () => {
            while (!done) {
                await new Promise(r => setTimeout(r, 400));
                if (done) break;
                const response = await fetch(statusUrl, { credentials: 'same-origin' }).catch(() => null);
                if (!response?.ok) continue;
                const view = await response.json();
                if (done) break;
                if (view.phase === 'uploading' || view.status === 'awaiting_upload')
                    show(60 * uploaded, `Uploading and reading rows: ${Math.round(100 * uploaded)} % sent, ${number.format(view.rowsRead)} rows read`);
                else if (view.phase === 'checking')
                    show(65, `Checking ${number.format(view.rowsRead)} rows against your do-not-contact list and the campaign…`);
                else if (view.phase === 'inserting') {
                    const expected = Math.max(1, view.rowsRead - view.rejected - view.duplicates - view.suppressed);
                    show(70 + 30 * Math.min(1, view.imported / expected), `Adding leads: ${number.format(view.imported)} of ${number.format(expected)}`);
                }
            }
        };
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `${uploadUrl}?fileName=${encodeURIComponent(file.name)}`);
        xhr.setRequestHeader('Content-Type', 'text/csv');
        xhr.setRequestHeader('RequestVerificationToken', token);
        xhr.upload.onprogress = ev => {
            if (!ev.lengthComputable) return;
            uploaded = ev.loaded / ev.total;
            show(60 * uploaded, `Uploading: ${Math.round(100 * uploaded)} % (${mb(ev.loaded)} of ${mb(ev.total)})`);
        };
        xhr.upload.onload = () => show(60, 'Uploaded; checking the rows…');
        xhr.onload = async () => {
            done = true;
            button.disabled = false; input.disabled = false;
            if (xhr.status === 200) finish(JSON.parse(xhr.responseText));
            else {
                const view = await fetch(statusUrl, { credentials: 'same-origin' }).then(r => r.ok ? r.json() : null).catch(() => null);
                let message;
                try { const body = JSON.parse(xhr.responseText); message = body.detail || body.title; } catch { message = null; }
                finish(view?.status === 'failed' ? view : { status: 'failed', error: message || `The upload failed (${xhr.status}).` });
            }
        };
        xhr.onerror = () => {
            done = true;
            button.disabled = false; input.disabled = false;
            finish({ status: 'failed', error: 'The connection was lost during the upload; nothing was imported. Try again.' });
        };
        xhr.send(file);
        poll();
    });
})();
