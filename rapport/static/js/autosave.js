// Autosave for drafts: nothing typed is lost (DESIGN.md).
//
// A form with data-autosave="<url>" posts itself to that URL about two seconds after
// typing stops, and again when the page is hidden or closed. Each save carries the
// version it was based on; the server answers 409 with a conflict view (both texts)
// when someone saved since, and autosave then pauses until the person resolves it.
// Saves send X-Rapport-Background so they never keep an idle session alive.
(function () {
  "use strict";

  var DELAY_MS = 2000;
  var RETRY_MS = 5000;

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setUp(form) {
    var url = form.getAttribute("data-autosave");
    var status = document.getElementById(form.getAttribute("data-autosave-status"));
    var slot = form.querySelector("[data-conflict-slot]");
    var timer = null;
    var inflight = false;
    var again = false;
    var dirty = false;
    var submitting = false;
    var resubmit = null;
    // A page rendered with a conflict waits for the person to resolve it.
    var paused = Boolean(form.querySelector("[data-conflict]"));

    function say(key, value) {
      if (!status) return;
      var text = status.getAttribute("data-msg-" + key) || key;
      text = text.replace("%(time)s", value || "").replace("%(problem)s", value || "");
      status.textContent = text;
      status.setAttribute("data-state", key);
    }

    function setVersion(version) {
      if (version === null || version === undefined) return;
      form.querySelectorAll("input[data-autosave-version]").forEach(function (input) {
        input.value = String(version);
      });
    }

    function schedule(delay) {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { save(false); }, delay);
    }

    function showConflict(html, version) {
      paused = true;
      dirty = true;
      if (slot) {
        slot.innerHTML = html; // server-rendered and escaped; CSP forbids any script in it
        var panel = slot.querySelector("[data-conflict]");
        if (panel) panel.focus();
      }
      setVersion(version);
      say("conflict");
    }

    function handle(response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.ok) {
        return response.json().then(function (data) {
          setVersion(data.version);
          say("saved", data.saved_at);
        });
      }
      if (response.status === 409 && type.indexOf("text/html") === 0) {
        return response.text().then(function (html) {
          showConflict(html, response.headers.get("X-Rapport-Version"));
        });
      }
      if (response.status === 409 || response.status === 400) {
        return response.json().then(function (data) {
          if (response.status === 409) paused = true;
          dirty = true;
          say("invalid", data.message);
        });
      }
      if (response.status === 401 || response.status === 403) {
        paused = true;
        dirty = true;
        say("signed-out");
        return null;
      }
      throw new Error("server " + response.status);
    }

    function save(keepalive) {
      window.clearTimeout(timer);
      timer = null;
      if (!dirty || paused || submitting) return;
      if (inflight) {
        again = true;
        return;
      }
      dirty = false;
      inflight = true;
      say("saving");
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        keepalive: Boolean(keepalive),
        headers: {
          "X-CSRFToken": csrfToken(form),
          "X-Rapport-Background": "1",
          Accept: "application/json, text/html"
        }
      })
        .then(handle)
        .catch(function () {
          dirty = true;
          say("offline");
          schedule(RETRY_MS);
        })
        .then(function () {
          inflight = false;
          if (resubmit && !paused) {
            var submitter = resubmit;
            resubmit = null;
            form.requestSubmit(submitter === true ? undefined : submitter);
          } else if (again && dirty && !paused) {
            again = false;
            save(false);
          }
        });
    }

    function changed() {
      dirty = true;
      if (paused || submitting) return;
      say("pending");
      schedule(DELAY_MS);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);

    form.addEventListener("submit", function (event) {
      var submitter = event.submitter || null;
      // A data-confirm button was already confirmed in the shared dialog (rapport.js).
      window.clearTimeout(timer);
      if (inflight) {
        // Let the running save finish (it moves the version on), then submit.
        event.preventDefault();
        resubmit = submitter || true;
        return;
      }
      submitting = true;
    });

    // "Use their version": put their value into the field, for this field only.
    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-take-theirs]");
      if (!button) return;
      var name = button.getAttribute("data-take-theirs");
      var values = JSON.parse(button.getAttribute("data-theirs") || "[]");
      var first = null;
      form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
        if (input.type === "checkbox" || input.type === "radio") {
          input.checked = values.indexOf(input.value) !== -1;
        } else {
          input.value = values[0] || "";
        }
        first = first || input;
      });
      if (first) first.focus();
    });

    function flush() {
      if (dirty && !submitting && !paused) save(true);
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") flush();
    });
    window.addEventListener("pagehide", flush);
    window.addEventListener("beforeunload", function (event) {
      flush();
      if (paused && dirty && !submitting) {
        event.preventDefault(); // an unresolved conflict: ask before leaving
        event.returnValue = "";
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(setUp);
  });
})();
