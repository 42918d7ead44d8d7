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

// <div data-show-if-key="k" data-show-if-answers="a b">: shown only while the question "k"
// (inputs named q-k) has one of those answers checked; the server applies the same rule.
function showConditionalQuestions(form) {
  form.querySelectorAll("[data-show-if-key]").forEach(function (block) {
    var wanted = block.dataset.showIfAnswers.split(" ");
    var inputs = form.querySelectorAll("[name='q-" + block.dataset.showIfKey + "']");
    var chosen = Array.prototype.some.call(inputs, function (input) {
      return input.checked && wanted.indexOf(input.value) !== -1;
    });
    block.hidden = !chosen;
  });
}
document.addEventListener("change", function (event) {
  var form = event.target.closest && event.target.closest("form");
  if (form && form.querySelector("[data-show-if-key]")) showConditionalQuestions(form);
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form").forEach(function (form) {
    if (form.querySelector("[data-show-if-key]")) showConditionalQuestions(form);
  });
});

// The menu button (phones): the menus fold away behind it once this script runs, and open
// and close with it; without the script they simply stay open.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".menu-toggle");
  if (!button) return;
  document.documentElement.classList.add("js-menu");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    document.documentElement.classList.toggle("menu-open", open);
  });
});
