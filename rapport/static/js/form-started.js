// Site figures without cookies: one beacon on a form's first keystroke, carrying the
// form's own CSRF token. Nothing identifies the visitor (docs/site-figures.md).
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-started-url]")) {
    form.addEventListener(
      "input",
      () => {
        const data = new FormData();
        data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
        navigator.sendBeacon(form.dataset.startedUrl, data);
      },
      { once: true },
    );
  }
});
