/* Import uploads: a file larger than the limit is refused as soon as it is chosen, before
   anything is sent. The limit and the (translated) message come from the input's data-*
   attributes; the server refuses such a file too. */
(function () {
  "use strict";
  function check(input) {
    var limit = parseInt(input.getAttribute("data-import-max-bytes"), 10);
    var file = input.files && input.files[0];
    var tooLarge = !!(file && limit && file.size > limit);
    var form = input.form;
    var box = form && form.querySelector("[data-import-size-error]");
    input.setCustomValidity(tooLarge ? input.getAttribute("data-import-too-large") : "");
    input.setAttribute("aria-invalid", tooLarge ? "true" : "false");
    if (box) {
      box.textContent = tooLarge ? input.getAttribute("data-import-too-large") : "";
      box.hidden = !tooLarge;
    }
    return !tooLarge;
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file][data-import-max-bytes]")) {
      check(input);
    }
  });
  document.addEventListener("submit", function (event) {
    var inputs = event.target.querySelectorAll("input[type=file][data-import-max-bytes]");
    for (var i = 0; i < inputs.length; i++) {
      if (!check(inputs[i])) {
        event.preventDefault();
        inputs[i].focus();
        return;
      }
    }
  }, true);
})();
