/* The line editor of quotes and orders (sales/partials/_line_editor.html).

   "Add line" adds a row in place (from the formset's empty form) instead of posting the form;
   ticking "Remove" takes the row out in place; each line's amount and the total follow the
   input as it is typed. The amounts are a preview computed like the server does
   (services.orders.line_amount: quantity, unit price and discount each rounded half up to
   cents, then quantity × price × (100 − discount) / 100 rounded half up to cents), in exact
   integer arithmetic; the server computes them again on save and stays the authority.
   Without this script the buttons post the form and the server does all of it. */
(function () {
  "use strict";

  var DECIMAL = /^(\d*)(?:\.(\d*))?$/;

  /* The value of a decimal text in hundredths, rounded half up; null when it is no number. */
  function cents(text) {
    var match = DECIMAL.exec(String(text || "").trim());
    if (!match || (match[1] === "" && !match[2])) {
      return null;
    }
    var fraction = (match[2] || "") + "000";
    var value = BigInt(match[1] || "0") * 100n + BigInt(fraction.slice(0, 2));
    return fraction.charAt(2) >= "5" ? value + 1n : value;
  }

  function halfUp(numerator, denominator) {
    return (numerator * 2n + denominator) / (denominator * 2n);
  }

  function money(value) {
    var text = value.toString().padStart(3, "0");
    return "¥" + text.slice(0, -2) + "." + text.slice(-2);
  }

  function field(row, name) {
    return row.querySelector("[data-line=" + name + "]");
  }

  /* The line's amount in cents, or null while it is incomplete or invalid. */
  function amount(row) {
    var product = row.querySelector("[data-picker-value]");
    if (!product || !product.value) {
      return null;
    }
    var quantity = cents(field(row, "quantity").value);
    var priceText = field(row, "price").value.trim();
    var price = cents(priceText === "" ? product.dataset.price : priceText);
    var discountText = field(row, "discount").value.trim();
    var discount = discountText === "" ? 0n : cents(discountText);
    if (quantity === null || price === null || discount === null || discount > 10000n) {
      return null;
    }
    return halfUp(quantity * price * (10000n - discount), 1000000n);
  }

  function refresh(editor) {
    var total = 0n;
    var complete = false;
    editor.querySelectorAll("[data-line-row]").forEach(function (row) {
      if (row.hidden) {
        return;
      }
      var value = amount(row);
      row.querySelector("[data-line-amount]").textContent = value === null ? "—" : money(value);
      if (value !== null) {
        total += value;
        complete = true;
      }
    });
    editor.querySelector("[data-lines-total]").textContent = complete ? money(total) : "—";
  }

  function showPrice(row) {
    var product = row.querySelector("[data-picker-value]");
    var price = field(row, "price");
    if (product && price) {
      price.placeholder = product.value && product.dataset.price ? product.dataset.price : "";
    }
  }

  function addLine(editor) {
    var prefix = editor.dataset.linesPrefix;
    var total = editor.querySelector("input[name=" + prefix + "-TOTAL_FORMS]");
    var max = editor.querySelector("input[name=" + prefix + "-MAX_NUM_FORMS]");
    var index = Number(total.value);
    if (max && index >= Number(max.value)) {
      return;
    }
    var template = editor.querySelector("template[data-lines-template]");
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var body = editor.querySelector("[data-lines-body]");
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var rows = body.querySelectorAll("[data-line-row]");
    var row = rows[rows.length - 1];
    refresh(editor);
    var first = row.querySelector("[data-picker-input]");
    if (first) {
      first.focus();
    }
  }

  function editorOf(node) {
    return node instanceof Element ? node.closest("[data-lines]") : null;
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-lines-add]");
    var editor = button && editorOf(button);
    if (editor) {
      event.preventDefault();
      addLine(editor);
    }
  });

  document.addEventListener("input", function (event) {
    var editor = editorOf(event.target);
    if (editor && event.target.matches("[data-line], [data-picker-input]")) {
      refresh(editor);
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    var editor = editorOf(target);
    if (!editor) {
      return;
    }
    var row = target.closest("[data-line-row]");
    if (target.matches("[data-picker-value]") && row) {
      showPrice(row);
    }
    if (target.matches("input[type=checkbox][name$='-DELETE']") && row && target.checked) {
      // The row stays in the form (ticked for deletion) so the formset's numbering holds.
      row.hidden = true;
    }
    refresh(editor);
  });

  function start(root) {
    root.querySelectorAll("[data-lines]").forEach(function (editor) {
      editor.querySelectorAll("[data-line-row]").forEach(function (row) {
        var removed = row.querySelector("input[type=checkbox][name$='-DELETE']");
        if (removed && removed.checked) {
          row.hidden = true;
        }
        showPrice(row);
      });
      refresh(editor);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    start(document);
  });
  // A form htmx swapped in (after "Save" with errors) is started again.
  document.addEventListener("htmx:afterSwap", function (event) {
    start(document);
  });
})();
