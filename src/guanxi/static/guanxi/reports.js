// Draws the report charts: each [data-chart] element names the JSON script holding its plotly
// figure (built in Python). Runs on load and after htmx swaps in a refiltered report.
(function () {
  "use strict";
  function draw(root) {
    if (!window.Plotly) return;
    root.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.dataset.chart);
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      window.Plotly.react(element, figure.data, figure.layout, {
        responsive: true,
        displaylogo: false,
      });
      element.dataset.drawn = "true";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.detail.target); });
})();
