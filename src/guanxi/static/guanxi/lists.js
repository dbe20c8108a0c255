/* Record lists on a phone: the filters and bulk actions fold away behind one button, so the
   first records are on the first screen. Without this script they simply stay open.
   Kept out of the HTML: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  var OPEN = "list-filters-open";

  function setUp() {
    var main = document.querySelector("main");
    if (!main || !document.querySelector("[data-list-tools]")) {
      return;
    }
    main.classList.add("list-collapsible");
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    var toggle = target.closest("[data-list-filters-toggle]");
    if (!toggle) {
      return;
    }
    var main = document.querySelector("main");
    if (!main) {
      return;
    }
    var open = main.classList.toggle(OPEN);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // Filters applied with htmx push the new query string into the address bar but leave the
  // tools above them as rendered: saving a view or choosing columns reads the address bar.
  var TRANSIENT = ["cursor", "view", "cols"];

  function currentPairs() {
    var pairs = [];
    new URLSearchParams(window.location.search).forEach(function (value, key) {
      if (TRANSIENT.indexOf(key) === -1 && value !== "") {
        pairs.push([key, value]);
      }
    });
    return pairs;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    if (form.matches("[data-list-view-save]")) {
      var query = form.querySelector("input[name=query]");
      if (query) {
        query.value = new URLSearchParams(currentPairs()).toString();
      }
    }
    if (form.matches("[data-list-columns]")) {
      form.querySelectorAll("input[data-list-query]").forEach(function (input) {
        input.remove();
      });
      currentPairs().forEach(function (pair) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = pair[0];
        input.value = pair[1];
        input.setAttribute("data-list-query", "");
        form.appendChild(input);
      });
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
