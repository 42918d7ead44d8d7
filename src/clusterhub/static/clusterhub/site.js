// Small behaviours of the pages, kept out of the HTML so that the Content-Security-Policy
// can refuse every inline script.

// <select data-autosubmit>: choosing an option submits its form (the language switch).
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-autosubmit]")) {
    event.target.form.submit();
  }
});

// <form data-reset-after-request="input-name">: after htmx sent it, empty the form and put
// the cursor back in that field (the check-in desk scans one ticket after another).
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.target.closest && event.target.closest("form[data-reset-after-request]");
  if (!form) return;
  form.reset();
  var field = form.querySelector("[name='" + form.dataset.resetAfterRequest + "']");
  if (field) field.focus();
});
