// casepress workspace: autosave and live preview. Every page works without
// this script; it only saves as the writer types and refreshes the preview.
(function () {
  "use strict";
  // A page with a problem to put right opens on its summary, so that a
  // screen reader says it first and a keyboard user starts there.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
  // The session's end (WCAG 2.2.1): a warning before it, with "Stay
  // signed in"; what was typed is saved before it; after it, the page says
  // so. Every answer from the server says how long the session has left.
  // The dialog says "saved" only of typing a save has answered for.
  var dialog = document.getElementById("session-warning");
  var flushTyping = null;
  // What the editor can say of its typing: "saved", "saving" or "unsaved";
  // null where there is no editor.
  var typingState = function () { return null; };
  var sessionTimers = [];
  var savedAt = "";
  // What the dialog shows: null, "warning" or "ended".
  var showing = null;
  var warningText = "";
  function sessionSeen(left) {
    if (!dialog || !left) { return; }
    sessionTimers.forEach(window.clearTimeout);
    var ms = left.idle_left * 1000;
    var lead = Math.min(120000, ms / 2);
    var atMost = left.absolute_left * 1000 <= ms;
    sessionTimers = [
      window.setTimeout(function () { warn(atMost); }, ms - lead),
      // Another try, should the warning's save not have reached the workspace.
      window.setTimeout(function () { if (flushTyping) { flushTyping(); } }, ms - Math.min(20000, lead / 2)),
      window.setTimeout(ended, ms)
    ];
  }
  function dialogSays(title, text) {
    document.getElementById("session-warning-title").textContent = title;
    document.getElementById("session-warning-text").textContent = text;
  }
  // The dialog's words for the typing as it stands now.
  function sayTyping() {
    var state = typingState();
    if (showing === "warning") {
      var note = {
        saved: " What you have typed is saved.",
        saving: " Saving what you have typed…",
        unsaved: " What you have typed is not saved yet; it is still on this page."
      }[state] || "";
      document.getElementById("session-warning-text").textContent = warningText + note;
    } else if (showing === "ended") {
      var said = "You were signed out to protect children's records.";
      if (state === "saved" && savedAt) {
        said += " What you typed was saved at " + savedAt + ".";
      } else if (state && state !== "saved") {
        said += " What you typed last was not saved: it is still on this page, so copy it before you sign in again.";
        if (savedAt) { said += " The last save was at " + savedAt + "."; }
      }
      document.getElementById("session-warning-text").textContent = said;
    }
  }
  function warn(atMost) {
    if (atMost) {
      warningText = "You have been signed in for the longest a session may last. In about two minutes you will need to sign in again.";
      dialogSays("Your session ends soon", warningText);
      document.getElementById("stay-signed-in").hidden = true;
    } else {
      warningText = "To protect children's records, you will be signed out in about two minutes unless you carry on.";
      dialogSays("You will be signed out soon", warningText);
    }
    showing = "warning";
    if (flushTyping) { flushTyping(); }
    sayTyping();
    if (!dialog.open) { dialog.showModal(); }
  }
  function ended() {
    showing = "ended";
    dialogSays("You have been signed out", "");
    sayTyping();
    document.getElementById("stay-signed-in").hidden = true;
    document.getElementById("sign-in-again").hidden = false;
    if (!dialog.open) { dialog.showModal(); }
    document.getElementById("sign-in-again").focus();
  }
  if (dialog) {
    var csrfInput = document.querySelector('form[action="/sign-out"] input[name="_csrf"]');
    document.getElementById("stay-signed-in").addEventListener("click", function () {
      fetch("/session/stay", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: csrfInput ? csrfInput.value : "" }),
        credentials: "same-origin"
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (left) {
        if (!left) { ended(); return; }
        sessionSeen(left);
        showing = null;
        dialog.close();
        // The writer is back: what did not reach the workspace goes now.
        if (flushTyping) { flushTyping(); }
      }).catch(function () {
        showing = null;
        dialogSays("The workspace cannot be reached", "Your text is still on this page. Try again in a moment.");
      });
    });
    // Closed with Escape: the writer is back at the page.
    dialog.addEventListener("close", function () { showing = null; });
    fetch("/session", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(sessionSeen)
      .catch(function () {});
  }

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
  // The last save was not made (refused, invalid, or it never reached the
  // workspace): what is on the page is not all saved.
  var lastFailed = false;
  // It never reached the workspace: trying again is worth a request.
  var unreached = false;
  typingState = function () {
    if (inFlight || timer !== null) { return "saving"; }
    return lastFailed ? "unsaved" : "saved";
  };

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

  // What the page knows to be saved, field by field: the base of the
  // server's three-way merge. It travels with every save, so the merge
  // needs nothing the server might have forgotten.
  var baseInput = form.elements._base;
  var bases = {};
  try { bases = JSON.parse((baseInput && baseInput.value) || "{}"); } catch (e) { bases = {}; }
  // Input events typed so far, and the count a save's answer covers: a
  // save covers only what was typed before it was sent.
  var typed = 0;
  form.setAttribute("data-saved-upto", "0");

  // The form's fields as the page holds them (name: value).
  function fields() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name.charAt(0) === "_" || el.tagName === "BUTTON") { return; }
      if (el.type === "checkbox") { out[el.name] = el.checked ? "true" : ""; return; }
      if (el.type === "radio") { return; }
      out[el.name] = el.value;
    });
    return out;
  }

  // Two texts that say the same, whatever the spaces: a trailing space
  // the writer has just typed is never "changed" by a save.
  function same(a, b) { return tidy(a) === tidy(b); }
  function tidy(v) {
    return String(v || "").replace(/\r\n/g, "\n").split("\n").map(function (l) { return l.trim(); })
      .filter(function (l) { return l !== ""; }).join("\n");
  }

  var ROW = /^(.*)\[(\d+)\]\.(.*)$/;
  function table(name) { var m = ROW.exec(name); return m ? m[1] : null; }

  // A table's rows, in order, without blank ones: [{column: value}].
  function rowsOf(values, path) {
    var rows = [];
    Object.keys(values).forEach(function (name) {
      var m = ROW.exec(name);
      if (!m || m[1] !== path) { return; }
      var i = Number(m[2]);
      rows[i] = rows[i] || {};
      rows[i][m[3]] = values[name];
    });
    return rows.filter(function (r) {
      return r && Object.keys(r).some(function (k) { return tidy(r[k]) !== ""; });
    });
  }
  function sameRows(a, b) {
    if (a.length !== b.length) { return false; }
    return a.every(function (r, i) {
      var keys = Object.keys(r).concat(Object.keys(b[i]));
      return keys.every(function (k) { return same(r[k], b[i][k]); });
    });
  }

  function setField(name, value) {
    var el = form.elements[name];
    if (!el || el instanceof RadioNodeList) { return; }
    if (el.type === "checkbox") { el.checked = value === "true"; return; }
    el.value = value;
    if (el.hasAttribute("data-limit")) { count(el); }
  }

  function fieldId(name) {
    return "f-" + name.replace(/[^A-Za-z0-9]/g, "-").replace(/-+$/, "");
  }

  // Lays a table's rows out again: the rows as written, and a blank one.
  function layRows(path, rows) {
    var first = form.querySelector('[name^="' + CSS.escape(path) + '["]');
    if (!first) { return; }
    var row = first.closest("fieldset.row");
    var holder = row.parentNode;
    var sets = holder.querySelectorAll("fieldset.row");
    var template = sets[sets.length - 1].cloneNode(true);
    holder.querySelectorAll("fieldset.row, .saved-meanwhile").forEach(function (el) { el.remove(); });
    for (var i = 0; i <= rows.length; i++) {
      var r = template.cloneNode(true);
      r.querySelector("legend").textContent = i < rows.length ? "Row " + (i + 1) : "Add one";
      r.querySelectorAll(".error-message").forEach(function (el) { el.remove(); });
      r.querySelectorAll(".cell").forEach(function (cell) {
        cell.classList.remove("has-error");
        var input = cell.querySelector("input");
        var column = ROW.exec(input.name)[3];
        input.name = path + "[" + i + "]." + column;
        input.id = fieldId(input.name);
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
        input.value = i < rows.length ? (rows[i][column] || "") : "";
        cell.querySelector("label").setAttribute("for", input.id);
      });
      holder.appendChild(r);
    }
  }

  function setBases(path, values) {
    Object.keys(bases).forEach(function (k) { if (table(k) === path) { delete bases[k]; } });
    Object.keys(values).forEach(function (k) { if (table(k) === path) { bases[k] = values[k]; } });
  }

  // A save's answer, merged into the page as the server merged it: a field
  // the writer has not touched since the save was sent shows what was
  // written (others' words included) and that becomes its base; a field
  // touched since keeps the writer's words, and its base stays what the
  // writer started from unless the save wrote just what was sent.
  function mergeIn(sent, written) {
    var now = fields();
    var others = false;
    var tables = {};
    Object.keys(now).forEach(function (name) {
      var path = table(name);
      if (path) { tables[path] = true; return; }
      var w = written[name] || "";
      if (same(now[name], sent[name])) {
        if (!same(now[name], w)) { setField(name, w); others = true; }
        bases[name] = w;
      } else if (same(w, sent[name])) {
        bases[name] = w;
      }
    });
    Object.keys(tables).forEach(function (path) {
      var rowsNow = rowsOf(now, path), rowsSent = rowsOf(sent, path), rowsWritten = rowsOf(written, path);
      if (sameRows(rowsNow, rowsSent)) {
        if (!sameRows(rowsNow, rowsWritten)) { layRows(path, rowsWritten); others = true; }
        setBases(path, written);
      } else if (sameRows(rowsWritten, rowsSent)) {
        setBases(path, written);
      }
    });
    if (baseInput) { baseInput.value = JSON.stringify(bases); }
    return others;
  }

  function save() {
    timer = null;
    firstUnsaved = 0;
    if (inFlight) { again = true; return; }
    inFlight = true;
    sayTyping();
    say("Saving…");
    if (baseInput) { baseInput.value = JSON.stringify(bases); }
    var sent = fields();
    var covers = typed;
    var body = new URLSearchParams(new FormData(form));
    fetch(form.action, {
      method: "POST",
      headers: { "X-Autosave": "1", "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
      credentials: "same-origin"
    }).then(function (r) {
      if (r.status === 409) { form.submit(); return null; }
      if (r.status === 401 || r.status === 403) {
        lastFailed = true;
        unreached = false;
        say("Not saved: your session has ended. Copy your text, then sign in again.");
        return null;
      }
      return r.json();
    }).then(function (answer) {
      if (!answer) { return; }
      unreached = false;
      // Any answer was a request: the session has been kept alive.
      sessionSeen(answer.session);
      clearErrors();
      if (answer.version) { form.elements._version.value = answer.version; }
      if (answer.status === "saved") {
        var others = answer.values ? mergeIn(sent, answer.values) : false;
        form.setAttribute("data-saved-upto", String(covers));
        savedAt = answer.at;
        lastFailed = false;
        say("Saved at " + answer.at + "." + (others ? " The page now shows what others saved meanwhile too." : ""));
      } else {
        lastFailed = true;
        showErrors(answer.errors || {});
        say("Not saved yet: " + Object.keys(answer.errors || {}).length + " field(s) to put right.");
      }
      if (answer.findings) {
        var panel = document.getElementById("findings");
        if (panel) { panel.outerHTML = answer.findings; }
      }
      refreshPreview(answer.preview);
    }).catch(function () {
      lastFailed = true;
      unreached = true;
      say("Not saved: the workspace cannot be reached. Your text is still here; it will be saved when you next type.");
    }).finally(function () {
      inFlight = false;
      sayTyping();
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

  // Before the session ends: whatever is typed and not yet sent goes now,
  // and so does what an earlier save could not get to the workspace (a
  // save the workspace refused is not sent again: that would only keep an
  // unattended session alive).
  flushTyping = function () {
    if (timer !== null || (unreached && !inFlight)) { window.clearTimeout(timer); save(); }
  };

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
    shown.classList.toggle("over", n > limit);
  }

  form.addEventListener("input", function (e) {
    if (e.target && e.target.hasAttribute && e.target.hasAttribute("data-limit")) { count(e.target); }
  });
  // A pause of 0.8 s saves; so does every 5 s of typing without one, so
  // a fast writer's words are never long unsaved.
  var firstUnsaved = 0;
  form.addEventListener("input", function () {
    typed += 1;
    form.setAttribute("data-typed", String(typed));
    window.clearTimeout(timer);
    var now = Date.now();
    if (!firstUnsaved) { firstUnsaved = now; }
    timer = window.setTimeout(save, Math.max(0, Math.min(800, firstUnsaved + 5000 - now)));
  });
  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 200);
  });
}());
