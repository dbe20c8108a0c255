/* "Recommended for this customer" beside the quote lines
   (analytics/partials/_quote_recommendations.html).

   A recommended product's button (a real button: Tab reaches it, Enter or Space presses it)
   puts the product on the first empty line, or on a new one that lines.js adds, as if it had
   been chosen in that line's product picker; the focus moves to the line's quantity.
   A product already on a line is not recommended again: its entry hides while a line holds
   it and shows again when that line is removed or given another product. */
(function () {
  "use strict";

  if (window.guanxiRecommendations) {
    return; // loaded again with a form htmx swapped in
  }
  window.guanxiRecommendations = true;

  function emptyRow(editor) {
    var rows = editor.querySelectorAll("[data-line-row]");
    for (var i = 0; i < rows.length; i += 1) {
      var value = rows[i].querySelector("[data-picker-value]");
      var text = rows[i].querySelector("[data-picker-input]");
      if (!rows[i].hidden && value && !value.value && text && !text.value.trim()) {
        return rows[i];
      }
    }
    return null;
  }

  function productsOnLines(editor) {
    var ids = {};
    var rows = editor.querySelectorAll("[data-line-row]");
    for (var i = 0; i < rows.length; i += 1) {
      var value = rows[i].querySelector("[data-picker-value]");
      if (!rows[i].hidden && value && value.value) {
        ids[value.value] = true;
      }
    }
    return ids;
  }

  function hideAdded(form) {
    var editor = form && form.querySelector("[data-lines]");
    if (!editor) {
      return;
    }
    var onLines = productsOnLines(editor);
    var items = form.querySelectorAll("[data-testid=recommendation][data-product]");
    for (var i = 0; i < items.length; i += 1) {
      items[i].hidden = Boolean(onLines[items[i].dataset.product]);
    }
  }

  function place(button) {
    var form = button.closest("form");
    var editor = form && form.querySelector("[data-lines]");
    if (!editor) {
      return;
    }
    var row = emptyRow(editor);
    if (!row) {
      var add = editor.querySelector("[data-lines-add]");
      if (!add) {
        return;
      }
      add.click(); // lines.js adds an empty row in place
      row = emptyRow(editor);
      if (!row) {
        return; // the most lines a form may have
      }
    }
    var value = row.querySelector("[data-picker-value]");
    var text = row.querySelector("[data-picker-input]");
    var detail = row.querySelector("[data-picker-detail]");
    value.value = button.dataset.id;
    value.dataset.price = button.dataset.price;
    text.value = button.dataset.label;
    if (detail) {
      detail.textContent = button.dataset.detail || "";
    }
    value.dispatchEvent(new Event("change", { bubbles: true }));
    hideAdded(form);
    var quantity = row.querySelector("[data-line=quantity]");
    if (quantity) {
      quantity.focus();
    }
  }

  function formOf(event) {
    return event.target instanceof Element ? event.target.closest("form") : null;
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-recommend-add]");
    if (button) {
      event.preventDefault();
      place(button);
    }
  });
  document.addEventListener("change", function (event) {
    var form = formOf(event);
    // After lines.js has handled the same change (a removed line is hidden by it).
    window.setTimeout(function () { hideAdded(form); }, 0);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    hideAdded(formOf(event));
  });
})();
