// Dialogs: a button with data-open-dialog="id" opens <dialog id>, data-close-dialog closes it; a dialog whose form came
// back with problems (data-open=true; Razor always writes data- attributes) opens by itself, its first invalid field focused.
(() => {
    for (const button of document.querySelectorAll('[data-open-dialog]')) {
        const dialog = document.getElementById(button.dataset.openDialog);
        button.addEventListener('click', () => { dialog.showModal(); dialog.querySelector('input')?.focus(); });
    }
    for (const button of document.querySelectorAll('[data-close-dialog]'))
        button.addEventListener('click', () => button.closest('dialog').close());
    for (const dialog of document.querySelectorAll('dialog[data-open=true]')) {
        dialog.showModal();
        (dialog.querySelector('[aria-invalid=true]') ?? dialog.querySelector('input'))?.focus();
    }
    // a form that asks to be confirmed (archiving) says what it will do first
    for (const form of document.querySelectorAll('form[data-confirm]'))
        form.addEventListener('submit', e => { if (form.dataset.confirm && !confirm(form.dataset.confirm)) e.preventDefault(); });
})();
