// casepress workspace: autosave and live preview. Every page works without
// this script; it only saves as the writer types and refreshes the preview.
(function () {
  "use strict";
  // A page with a problem to put right opens on its summary, so that a
  // screen reader says it first and a keyboard user starts there.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
  var form = document.getElementById("editor");
  if (!form) { return; }
  var status = document.getElementById("save-status");
  var timer = null;
  var inFlight = false;
  var again = false;
  // A Save pressed (or Enter) while an autosave is on its way waits for its
  // answer, so the form goes with the version that save wrote: one writer's
  // two saves never look to the server like two writers.
  var submitAfter = false;
  var submitter = null;

  function say(text) { if (status) { status.textContent = text; } }

  function clearErrors() {
    form.querySelectorAll(".js-error").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[aria-invalid=true].js-invalid").forEach(function (el) {
      el.removeAttribute("aria-invalid");
      el.classList.remove("js-invalid");
    });
  }

  function showErrors(errors) {
    Object.keys(errors).forEach(function (name) {
      var input = form.querySelector('[name="' + CSS.escape(name) + '"]');
      if (!input) { return; }
      var p = document.createElement("p");
      p.className = "error-message js-error";
      p.id = input.id + "-js-error";
      p.textContent = errors[name];
      input.parentNode.insertBefore(p, input);
      input.setAttribute("aria-invalid", "true");
      input.classList.add("js-invalid");
      input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + p.id).trim());
    });
  }

  function refreshPreview(preview) {
    var pages = document.getElementById("pages");
    if (!pages || !preview) { return; }
    var base = pages.getAttribute("data-base");
    var imgs = pages.querySelectorAll("img");
    for (var i = 0; i < preview.pages; i++) {
      var img = imgs[i];
      if (!img) {
        img = document.createElement("img");
        img.width = 595; img.height = 842;
        pages.appendChild(img);
      }
      img.alt = "Page " + (i + 1) + " of " + preview.pages + " of the draft; its text is in the form";
      img.src = base + (i + 1) + "?v=" + encodeURIComponent(preview.stamp);
    }
    for (var j = preview.pages; j < imgs.length; j++) { imgs[j].remove(); }
  }

  function save() {
    timer = null;
    if (inFlight) { again = true; return; }
    inFlight = true;
    say("Saving…");
    var body = new URLSearchParams(new FormData(form));
    fetch(form.action, {
      method: "POST",
      headers: { "X-Autosave": "1", "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
      credentials: "same-origin"
    }).then(function (r) {
      if (r.status === 409) { form.submit(); return null; }
      if (r.status === 401 || r.status === 403) { say("Not saved: your session has ended. Copy your text, then sign in again."); return null; }
      return r.json();
    }).then(function (answer) {
      if (!answer) { return; }
      clearErrors();
      if (answer.version) { form.elements._version.value = answer.version; }
      if (answer.status === "saved") {
        say("Saved at " + answer.at + ".");
      } else {
        showErrors(answer.errors || {});
        say("Not saved yet: " + Object.keys(answer.errors || {}).length + " field(s) to put right.");
      }
      if (answer.findings) {
        var panel = document.getElementById("findings");
        if (panel) { panel.outerHTML = answer.findings; }
      }
      refreshPreview(answer.preview);
    }).catch(function () {
      say("Not saved: the workspace cannot be reached. Your text is still here; it will be saved when you next type.");
    }).finally(function () {
      inFlight = false;
      if (submitAfter) {
        submitAfter = false;
        again = false;
        form.requestSubmit(submitter || undefined);
        return;
      }
      if (again) { again = false; save(); return; }
      if (signingOut) {
        signingOut = false;
        // Only once what was typed is saved: otherwise the page stays, with
        // the text and the reason it was not saved.
        if (status && status.textContent.indexOf("Saved at") === 0) { signOut.submit(); }
      }
    });
  }

  // Signing out saves what was typed first: the sign-out waits for the
  // save that is due or on its way.
  var signOut = document.querySelector('form[action="/sign-out"]');
  var signingOut = false;
  if (signOut) {
    signOut.addEventListener("submit", function (e) {
      if (timer === null && !inFlight) { return; }
      e.preventDefault();
      signingOut = true;
      if (timer !== null) { window.clearTimeout(timer); save(); }
    });
  }

  form.addEventListener("submit", function (e) {
    window.clearTimeout(timer);
    timer = null;
    if (!inFlight) { return; }
    e.preventDefault();
    submitAfter = true;
    submitter = e.submitter || null;
  });

  // A field with a limit counts its characters as the writer types.
  function count(area) {
    var limit = Number(area.getAttribute("data-limit"));
    var shown = document.getElementById(area.id + "-count");
    if (!limit || !shown) { return; }
    var n = Array.from(area.value).length;
    shown.textContent = n.toLocaleString("en-GB") + " of " + limit.toLocaleString("en-GB") + " characters" +
      (n > limit ? ": " + (n - limit).toLocaleString("en-GB") + " too many" : "");
  }

  form.addEventListener("input", function (e) {
    if (e.target && e.target.hasAttribute && e.target.hasAttribute("data-limit")) { count(e.target); }
  });
  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 800);
  });
  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 200);
  });
}());
