// The printable safety plan: a Print button for browsers running scripts (hidden otherwise;
// the browser's own Print command works either way). No inline script: strict CSP.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
