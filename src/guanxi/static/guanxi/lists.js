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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
