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
  // Tabs loaded in place (the customer 360 page's related records): mark the chosen one.
  document.addEventListener("click", function (event) {
    var tab = event.target instanceof Element ? event.target.closest("[data-tabs] [role=tab]") : null;
    if (!tab) {
      return;
    }
    tab.parentElement.querySelectorAll("[role=tab]").forEach(function (other) {
      other.setAttribute("aria-selected", other === tab ? "true" : "false");
    });
  });
})();
