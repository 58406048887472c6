// Small progressive enhancements, hooked by data-* attributes (no inline script: strict CSP).
(function () {
  "use strict";

  // Confirm before destructive or irreversible form submissions, in the shared
  // <dialog> (includes/confirm_dialog.html). Focus moves into it and returns to
  // the button that opened it; Escape closes it. Without JavaScript the server
  // asks on a page instead (core/confirm.py). Capture phase: no other submit
  // handler (autosave) runs until the person has answered.
  function markConfirmed(form) {
    var flag = form.querySelector("input[name=_confirmed]");
    if (!flag) {
      flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "_confirmed";
      form.appendChild(flag);
    }
    flag.value = "1";
  }

  function ask(question, opener, onAccept) {
    var dialog = document.getElementById("confirm-dialog");
    dialog.querySelector("#confirm-dialog-question").textContent = question;
    dialog.returnValue = "";
    dialog.addEventListener("close", function () {
      if (opener && opener.focus) opener.focus();
      if (dialog.returnValue === "accept") onAccept();
    }, { once: true });
    dialog.showModal();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    var question = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    var flag = form.querySelector("input[name=_confirmed]");
    if (!question || (flag && flag.value === "1")) return;
    event.preventDefault();
    event.stopPropagation();
    ask(question, submitter || form.querySelector("[type=submit]"), function () {
      markConfirmed(form);
      form.requestSubmit(submitter || undefined);
    });
  }, true);

  // Move focus to an error summary so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) summary.focus();
  });

  // Autosave and polling requests must not keep an idle session alive.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.closest("[data-background]")) {
      event.detail.headers["X-Rapport-Background"] = "1";
    }
  });

  // Automatic logoff: the server ends idle sessions; the page follows so that
  // no client data stays on an unattended screen.
  // Someone typing a long note is not idle: while they interact, tell the server.
  var body = document.body;
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  if (idleSeconds > 0) {
    var lastActivity = Date.now();
    var lastPing = Date.now();
    ["keydown", "pointerdown", "scroll"].forEach(function (name) {
      document.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
    });
    window.setInterval(function () {
      var now = Date.now();
      if (now - lastActivity > idleSeconds * 1000) {
        window.location.assign(body.getAttribute("data-login-url"));
      } else if (now - lastActivity < 60000 && now - lastPing > idleSeconds * 250) {
        lastPing = now;
        var token = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
        fetch(body.getAttribute("data-ping-url"), {
          method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token }
        });
      }
    }, 15000);
  }
})();
