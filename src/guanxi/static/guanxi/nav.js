/* The main navigation's menus: disclosure buttons (aria-expanded) that open a list of links.
   Enter/Space toggle a menu, ArrowDown opens it on its first link, the arrow keys, Home and
   End move between its links, Escape closes it and returns to its button; a click elsewhere
   or tabbing out closes it. On a phone the same applies to the menu button that shows the
   whole navigation. Bound by delegation: loaded in the head, before the page is drawn, and
   kept out of the HTML (the Content-Security-Policy allows no inline script). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function toggleOf(menu) {
    return document.querySelector('[aria-controls="' + menu.id + '"]');
  }

  function panelOf(button) {
    return document.getElementById(button.getAttribute("aria-controls"));
  }

  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    var panel = panelOf(button);
    if (panel && button.hasAttribute("data-nav-toggle")) {
      if (open) {
        panel.setAttribute("data-open", "");
      } else {
        panel.removeAttribute("data-open");
      }
    }
  }

  function groupButtons() {
    return Array.prototype.slice.call(document.querySelectorAll(".nav-group-button"));
  }

  function closeMenus(except) {
    groupButtons().forEach(function (button) {
      if (button !== except) {
        setOpen(button, false);
      }
    });
  }

  function links(menu) {
    return Array.prototype.slice.call(menu.querySelectorAll("a"));
  }

  function focusLink(menu, index) {
    var all = links(menu);
    if (all.length) {
      all[(index + all.length) % all.length].focus();
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var button = target && target.closest(".nav-group-button, [data-nav-toggle]");
    if (button) {
      var open = button.getAttribute("aria-expanded") !== "true";
      if (button.classList.contains("nav-group-button")) {
        closeMenus(button);
      }
      setOpen(button, open);
      return;
    }
    if (!target || !target.closest(".nav-menu")) {
      closeMenus(null);
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) {
      return;
    }
    var button = target.closest(".nav-group-button");
    var menu = target.closest(".nav-menu");
    if (event.key === "Escape") {
      var open = menu ? toggleOf(menu) : button;
      if (open && open.getAttribute("aria-expanded") === "true") {
        setOpen(open, false);
        open.focus();
        event.preventDefault();
        return;
      }
      var toggle = document.querySelector('[data-nav-toggle][aria-expanded="true"]');
      if (toggle && (target === toggle || target.closest("#" + toggle.getAttribute("aria-controls")))) {
        setOpen(toggle, false);
        toggle.focus();
        event.preventDefault();
      }
      return;
    }
    if (button && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      closeMenus(button);
      setOpen(button, true);
      var panel = panelOf(button);
      focusLink(panel, event.key === "ArrowDown" ? 0 : -1);
      event.preventDefault();
      return;
    }
    if (menu && target.matches("a")) {
      var all = links(menu);
      var index = all.indexOf(target);
      var moves = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: all.length - 1 };
      if (Object.prototype.hasOwnProperty.call(moves, event.key)) {
        focusLink(menu, moves[event.key]);
        event.preventDefault();
      }
    }
  });

  // Tabbing out of an open menu closes it.
  document.addEventListener("focusout", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var group = target && target.closest(".nav-group");
    if (!group) {
      return;
    }
    var next = event.relatedTarget;
    if (!(next instanceof Element) || !group.contains(next)) {
      var button = group.querySelector(".nav-group-button");
      if (button) {
        setOpen(button, false);
      }
    }
  });
})();
