/* Behaviour every page shares, bound by delegation so content htmx swaps in works too.
   Kept out of the HTML: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLElement)) {
      return;
    }
    if (target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
    if (target.matches("input.bulk-select-page")) {
      document.querySelectorAll("input[data-bulk-row]").forEach(function (box) {
        box.checked = target.checked;
      });
    }
  });
})();
