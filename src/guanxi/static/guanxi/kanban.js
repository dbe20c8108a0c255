/* Drag and drop for the pipeline board (/sales/pipeline/).
 *
 * Dropping a card on another column posts the same request as the card's "Move to" form
 * (stage + version) through htmx, which swaps the board with the server's answer. A lost
 * column needs a lost reason: dropping there opens the card's form with the stage chosen and
 * the reason to pick. Without JavaScript, or with the keyboard, the form alone does the job.
 */
(function () {
  "use strict";

  function column(target) {
    return target && target.closest ? target.closest(".kanban-column[data-stage]") : null;
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest(".kanban-card[data-deal]") : null;
    if (!card) return;
    event.dataTransfer.setData("text/plain", card.dataset.deal);
    event.dataTransfer.effectAllowed = "move";
    card.classList.add("dragging");
  });

  document.addEventListener("dragend", function (event) {
    var card = event.target.closest ? event.target.closest(".kanban-card") : null;
    if (card) card.classList.remove("dragging");
  });

  document.addEventListener("dragover", function (event) {
    var target = column(event.target);
    if (!target) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    target.classList.add("drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    var target = column(event.target);
    if (target && !target.contains(event.relatedTarget)) target.classList.remove("drop-target");
  });

  document.addEventListener("drop", function (event) {
    var target = column(event.target);
    if (!target) return;
    event.preventDefault();
    target.classList.remove("drop-target");
    var id = event.dataTransfer.getData("text/plain");
    if (!/^\d+$/.test(id)) return; // text dragged in from elsewhere, not one of our cards
    var card = document.querySelector('.kanban-card[data-deal="' + id + '"]');
    if (!card || column(card) === target) return;
    var form = card.querySelector("form");
    if (target.dataset.lost === "true" && form) {
      card.querySelector("details").open = true;
      form.querySelector("select[name=stage]").value = target.dataset.stage;
      var reason = form.querySelector("select[name=lost_reason]");
      // After the drag has ended, so the browser does not take the focus back.
      window.setTimeout(function () { reason.focus(); }, 0);
      return;
    }
    var board = document.getElementById("kanban-board");
    var token = board.querySelector("input[name=csrfmiddlewaretoken]");
    var values = { stage: target.dataset.stage, version: card.dataset.version };
    if (board.dataset.owner) values.owner = board.dataset.owner;
    window.htmx.ajax("POST", card.dataset.moveUrl, {
      source: card,
      target: "#kanban-board",
      swap: "outerHTML",
      values: values,
      headers: { "X-CSRFToken": token ? token.value : "" },
    });
  });
})();
