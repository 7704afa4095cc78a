// Marks the body as having JavaScript (and GOV.UK Frontend's support) before the page is painted, so that the
// components' no-JavaScript styles never flash. A file, not an inline script, so the Content-Security-Policy can
// refuse every inline script.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
