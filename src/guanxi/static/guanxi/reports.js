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
  // A period is either a preset or two dates: choosing one clears the other, before htmx
  // (which listens on the field itself) sends the form, hence the capture phase.
  document.addEventListener("change", function (event) {
    var field = event.target;
    var form = field.form;
    if (!form || !form.matches("#report-filters, #kpi-filters")) return;
    if ((field.name === "date_from" || field.name === "date_to") && form.elements.preset) {
      form.elements.preset.value = "";
    }
    if (field.name === "preset" && field.value) {
      ["date_from", "date_to"].forEach(function (name) {
        if (form.elements[name]) form.elements[name].value = "";
      });
    }
  }, true);
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.detail.target); });
})();
