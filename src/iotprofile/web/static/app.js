// iotprofile web app: our own small script; every page works without it (progressive enhancement).
"use strict";

// Pages that follow a running job (a check run, a profile build) mark a region with data-poll="URL": the
// region is refreshed from that URL every 2 s until the response no longer has data-poll (the job finished).
function poll(region) {
  const url = region.getAttribute("data-poll");
  if (!url) return;
  window.setTimeout(async () => {
    try {
      const response = await fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" });
      if (!response.ok) return;
      const html = await response.text();
      const doc = new DOMParser().parseFromString(html, "text/html");
      const fresh = doc.getElementById(region.id);
      if (!fresh) return;
      region.replaceWith(fresh);
      poll(fresh);
    } catch (error) {
      // Network trouble: leave the page as it is; a reload shows the current state.
    }
  }, 2000);
}

// Forms with data-confirm ask before they submit (deleting, revoking).
function confirmForms() {
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const region of document.querySelectorAll("[data-poll][id]")) poll(region);
  confirmForms();
});
