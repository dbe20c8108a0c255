/* The header's global search: "/" or Ctrl+K focuses the box (not while typing elsewhere),
   htmx fills the dropdown as the user types, arrow keys move through the results, Enter opens
   the chosen one (or, with none chosen, the full results page), Escape closes the list.
   A static file bound by data- attributes: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  var active = -1;

  function box() {
    return document.querySelector("[data-global-search-input]");
  }
  function panel() {
    return document.querySelector("[data-global-search-results]");
  }
  function options() {
    var list = panel();
    return list ? Array.prototype.slice.call(list.querySelectorAll("[data-search-option]")) : [];
  }
  function isOpen() {
    var list = panel();
    return !!list && !list.hidden;
  }
  function hasResults() {
    var list = panel();
    return !!list && list.textContent.trim() !== "";
  }
  function setOpen(open) {
    var list = panel();
    var input = box();
    if (!list || !input) {
      return;
    }
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) {
      setActive(-1);
    }
  }
  function setActive(index) {
    var all = options();
    var input = box();
    active = all.length ? Math.max(-1, Math.min(index, all.length - 1)) : -1;
    all.forEach(function (option, position) {
      var chosen = position === active;
      option.classList.toggle("is-active", chosen);
      option.setAttribute("aria-selected", chosen ? "true" : "false");
    });
    if (!input) {
      return;
    }
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }
  function isTyping(element) {
    if (!(element instanceof HTMLElement)) {
      return false;
    }
    return element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName);
  }
  function isShortcut(event) {
    if (event.altKey) {
      return false;
    }
    if (event.key === "/" && !event.ctrlKey && !event.metaKey) {
      return true;
    }
    return (event.ctrlKey || event.metaKey) && (event.key === "k" || event.key === "K");
  }

  function onBoxKey(event) {
    var all = options();
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!isOpen() && hasResults()) {
        setOpen(true);
      }
      setActive(active + 1 >= all.length ? 0 : active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive(active <= 0 ? all.length - 1 : active - 1);
    } else if (event.key === "Enter" && isOpen() && active >= 0 && all[active]) {
      event.preventDefault();
      window.location.assign(all[active].href);
    } else if (event.key === "Escape") {
      if (isOpen()) {
        event.preventDefault();
        setOpen(false);
      } else {
        event.target.blur();
      }
    }
  }

  document.addEventListener("keydown", function (event) {
    var input = box();
    if (!input) {
      return;
    }
    if (event.target === input) {
      onBoxKey(event);
      return;
    }
    if (isShortcut(event) && !isTyping(event.target)) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target !== panel()) {
      return;
    }
    active = -1;
    setOpen(hasResults() && document.activeElement === box());
  });

  document.addEventListener("focusin", function (event) {
    if (event.target === box() && hasResults()) {
      setOpen(true);
    }
  });

  document.addEventListener("focusout", function (event) {
    // Tabbing to another field closes the list. Without a new focus (a click, which some
    // browsers do not move focus for, even onto a result) the click handler decides.
    var form = document.querySelector("[data-global-search]");
    var next = event.relatedTarget;
    if (isOpen() && form && next && form.contains(event.target) && !form.contains(next)) {
      setOpen(false);
    }
  });

  document.addEventListener("click", function (event) {
    var form = document.querySelector("[data-global-search]");
    if (isOpen() && form && !form.contains(event.target)) {
      setOpen(false);
    }
  });
})();
