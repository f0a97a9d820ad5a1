// The announcement form without a reload: choosing the kind of change shows only its fields, and the button
// that ticks the services of the chosen sub-processor does so at once. Without this script the same works in
// two steps (a GET with ?kind=…, a POST that shows the form again with the services ticked).
(function () {
  "use strict";
  var chooser = document.getElementById("kind");
  var form = document.getElementById("announcement-form");
  if (!chooser || !form) {
    return;
  }
  var kindInput = form.querySelector("input[name=kind]");
  var next = document.getElementById("kind-continue");
  if (next) {
    next.parentNode.removeChild(next); // the kind applies at once (a button's own display would beat [hidden])
  }
  function show(kind) {
    form.hidden = !kind;
    kindInput.value = kind;
    form.querySelectorAll("[data-kinds]").forEach(function (part) {
      part.hidden = part.getAttribute("data-kinds").split(" ").indexOf(kind) < 0;
    });
    var url = new URL(window.location.href);
    if (kind) {
      url.searchParams.set("kind", kind);
    } else {
      url.searchParams.delete("kind");
    }
    window.history.replaceState(null, "", url.toString());
  }
  chooser.addEventListener("change", function () {
    show(chooser.value);
  });
  function chosen(name) {
    var select = form.querySelector("select[name=" + name + "]");
    return select && !select.closest("[hidden]") && select.value !== "0" ? select.value : null;
  }
  var tick = document.getElementById("tick-services");
  if (tick) {
    tick.addEventListener("click", function (event) {
      var using = JSON.parse(form.getAttribute("data-services-of") || "{}");
      var kind = kindInput.value;
      var sp = (kind !== "change_locations" && chosen("parent_id")) || (kind !== "add" ? chosen("target_id") : null);
      var ids = sp ? using[sp] : null;
      if (!ids) {
        return; // the server says what is missing
      }
      event.preventDefault();
      form.querySelectorAll("input[name=service_ids]").forEach(function (box) {
        box.checked = ids.indexOf(Number(box.value)) >= 0;
      });
    });
  }
})();
