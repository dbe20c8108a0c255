/* Autocomplete pickers (core/forms/pickers.py): a combobox over a hidden id.

   Typing asks GET /pick/<kind>/?q= (the user's scope and masking apply there) and lists the
   matches; arrow keys move, Enter or a click chooses, Escape closes. Enter on a closed list is
   left to the form (it saves). The ARIA pattern is the WAI combobox with a listbox popup.
   Bound by delegation, so pickers that htmx swaps in or lines.js clones work too. Without this
   script the text is posted and searched on the server. */
(function () {
  "use strict";

  var DELAY = 150;
  var counter = 0;

  function parts(box) {
    var root = box.closest("[data-picker]");
    return {
      root: root,
      input: box,
      value: root.querySelector("[data-picker-value]"),
      list: root.querySelector("[data-picker-list]"),
      detail: root.querySelector("[data-picker-detail]")
    };
  }

  function options(p) {
    return Array.prototype.slice.call(p.list.querySelectorAll("[role=option]"));
  }

  function close(p) {
    p.list.hidden = true;
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }

  function activate(p, index) {
    var items = options(p);
    if (!items.length) {
      return;
    }
    index = (index + items.length) % items.length;
    items.forEach(function (item, i) {
      item.setAttribute("aria-selected", i === index ? "true" : "false");
      item.classList.toggle("active", i === index);
    });
    p.input.setAttribute("aria-activedescendant", items[index].id);
    items[index].scrollIntoView({ block: "nearest" });
  }

  function activeIndex(p) {
    var items = options(p);
    for (var i = 0; i < items.length; i += 1) {
      if (items[i].getAttribute("aria-selected") === "true") {
        return i;
      }
    }
    return -1;
  }

  function choose(p, item) {
    p.value.value = item.dataset.id;
    p.input.value = item.dataset.label;
    p.detail.textContent = item.dataset.detail || "";
    // Values the page's other scripts need (a product's price for lines.js).
    Object.keys(p.value.dataset).forEach(function (key) {
      if (key !== "pickerValue") {
        delete p.value.dataset[key];
      }
    });
    var data = JSON.parse(item.dataset.extra || "{}");
    Object.keys(data).forEach(function (key) {
      p.value.dataset[key] = data[key];
    });
    close(p);
    p.value.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function show(p, payload) {
    p.list.textContent = "";
    if (!payload.results.length) {
      var none = document.createElement("li");
      none.className = "picker-empty muted";
      none.textContent = p.root.dataset.pickerEmpty;
      p.list.appendChild(none);
    }
    payload.results.forEach(function (result) {
      counter += 1;
      var item = document.createElement("li");
      item.id = "picker-option-" + counter;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.dataset.id = result.id;
      item.dataset.label = result.label;
      item.dataset.detail = result.detail;
      item.dataset.extra = JSON.stringify(result.data || {});
      var label = document.createElement("span");
      label.className = "picker-label";
      label.textContent = result.label;
      item.appendChild(label);
      if (result.detail) {
        var detail = document.createElement("span");
        detail.className = "picker-option-detail muted";
        detail.textContent = result.detail;
        item.appendChild(detail);
      }
      p.list.appendChild(item);
    });
    p.list.hidden = false;
    p.input.setAttribute("aria-expanded", "true");
    if (payload.results.length) {
      activate(p, 0);
    }
  }

  function search(p) {
    var term = p.input.value.trim();
    var root = p.root;
    if (term.length < Number(root.dataset.pickerMin || 1)) {
      close(p);
      return;
    }
    var asked = term;
    var base = root.dataset.pickerUrl;
    // The URL may carry narrowing parameters already (the customer whose contacts to offer).
    var url = base + (base.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(term);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (payload) {
        // An answer to an older term is dropped: the user typed on.
        if (p.input.value.trim() === asked && document.activeElement === p.input) {
          show(p, payload);
        }
      })
      .catch(function () {
        close(p);
      });
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.matches("[data-picker-input]")) {
      return;
    }
    var p = parts(box);
    // The typed text no longer is the chosen record: the server searches it unless one is chosen.
    p.value.value = "";
    p.detail.textContent = "";
    clearTimeout(p.root._pickerTimer);
    p.root._pickerTimer = setTimeout(function () {
      search(p);
    }, DELAY);
  });

  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.matches("[data-picker-input]")) {
      return;
    }
    var p = parts(box);
    var open = !p.list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) {
        search(p);
        return;
      }
      activate(p, activeIndex(p) + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && open) {
      var items = options(p);
      var index = activeIndex(p);
      if (index >= 0) {
        event.preventDefault();
        choose(p, items[index]);
      }
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close(p);
    } else if (event.key === "Tab" && open) {
      close(p);
    }
  });

  document.addEventListener("mousedown", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target || !target.closest("[data-picker-list]")) {
      return;
    }
    // The box keeps the focus (a click on an option or the list's scroll bar is no blur), and
    // an option is chosen on mousedown, before anything else could close the list.
    event.preventDefault();
    var item = target.closest("[role=option]");
    if (item) {
      choose(parts(item.closest("[data-picker]").querySelector("[data-picker-input]")), item);
    }
  });

  document.addEventListener("focusout", function (event) {
    var box = event.target;
    if (box instanceof HTMLInputElement && box.matches("[data-picker-input]")) {
      close(parts(box));
    }
  });
})();
