// Questionnaire progress: "answered N of M", updated as the client answers (no inline script).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-questionnaire]");
    var progress = document.querySelector("[data-progress]");
    if (!form || !progress) return;
    var total = parseInt(progress.getAttribute("data-total") || "0", 10);
    var template = progress.getAttribute("data-template") || "Answered %(done)s of %(total)s";
    function update() {
      var done = 0;
      form.querySelectorAll("[data-question]").forEach(function (question) {
        if (question.querySelector("input:checked")) done += 1;
      });
      progress.textContent = template.replace("%(done)s", done).replace("%(total)s", total);
    }
    form.addEventListener("change", update);
    update();
  });
})();
