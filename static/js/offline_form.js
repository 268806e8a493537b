// The report form when the phone's signal is lost (units.offline). Every report sent from this form is first kept
// on the phone (window.bluezoneOffline, scoped to the user) with its submission key, and shown as "not sent — not
// received" until the server's receipt removes it (offline.js, on the receipt page). With no network the form is not
// posted at all; if the post itself fails, the service worker brings the browser back here. When the network returns
// (the `online` event, a retry every RETRY_MS, or the "send now" button), the kept report is posted as the browser
// would post the form, once; the server answers with its receipt (a report it had received already is answered
// with the first receipt, never saved twice) or with the form and its errors. Timeliness is the server's: near or
// after the deadline with no network, the form says so. Words come from the section's data-text-* attributes.
(function () {
  "use strict";
  var store = window.bluezoneOffline;
  var section = document.querySelector("[data-offline-form]");
  var form = section && section.querySelector("form[data-report-form]");
  if (!store || !store.owner || !form || !window.localStorage) {
    return;
  }
  var RETRY_MS = 15000;
  var NEAR_MS = 30 * 60 * 1000;
  var unit = section.getAttribute("data-unit");
  var banner = section.querySelector("[data-pending]");
  var deadlineNotice = section.querySelector("[data-offline-deadline]");
  var offlineNote = form.querySelector("[data-offline-note]");
  var keyField = form.querySelector("input[name=submission_key]");
  var deadline = parseInt(section.getAttribute("data-deadline-ms"), 10);
  var sending = false;
  var retry = null;
  // For people and for the browser tests: what this page has done.
  var state = window.bluezoneOfflineForm = { kept: 0, attempts: 0, status: "" };

  function text(name, values) {
    var template = section.getAttribute("data-text-" + name) || "";
    for (var key in values || {}) {
      template = template.split("{" + key + "}").join(values[key]);
    }
    return template;
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function dayText(iso) {
    var parts = (iso || "").split("-");
    return parts.length === 3 ? parts[2] + "/" + parts[1] + "/" + parts[0] : iso;
  }

  function timeText(ms) {
    var at = new Date(ms);
    return two(at.getHours()) + ":" + two(at.getMinutes());
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function mine() {
    return store.pending().filter(function (entry) { return entry.unit === unit; });
  }

  function labelOf(field) {
    var label = field.id ? form.querySelector('label[for="' + field.id + '"]') : null;
    return label ? label.firstChild.textContent.trim() : field.name;
  }

  // What the browser would post, and what the banner shows of it.
  function collect() {
    var fields = [];
    var shown = [];
    for (var i = 0; i < form.elements.length; i++) {
      var field = form.elements[i];
      if (!field.name || field.disabled || field.name === "csrfmiddlewaretoken" || field.type === "submit") {
        continue;
      }
      fields.push([field.name, field.value]);
      if (field.type !== "hidden" && field.value.trim()) {
        shown.push([labelOf(field), field.value.trim()]);
      }
    }
    var values = {};
    fields.forEach(function (pair) { values[pair[0]] = pair[1]; });
    return {
      key: values.submission_key, unit: unit, date: values.date, action: form.action || window.location.href,
      fields: fields, shown: shown, typedAt: Date.now(), attemptAt: 0
    };
  }

  function offline() {
    return navigator.onLine === false;
  }

  function say(status) {
    state.status = status;
    var line = banner.querySelector("[data-pending-status]");
    if (line) {
      line.textContent = text(status);
    }
  }

  function button(label, handler) {
    var element = document.createElement("button");
    element.type = "button";
    element.textContent = label;
    element.addEventListener("click", handler);
    return element;
  }

  function showPending() {
    var entries = mine();
    banner.replaceChildren();
    banner.hidden = entries.length === 0;
    entries.forEach(function (entry) {
      var title = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = text("title");
      title.appendChild(strong);
      var kept = document.createElement("p");
      kept.textContent = text("kept", { date: dayText(entry.date), time: timeText(entry.typedAt) });
      var list = document.createElement("ul");
      entry.shown.forEach(function (pair) {
        var item = document.createElement("li");
        item.textContent = pair[0] + ": " + pair[1];
        list.appendChild(item);
      });
      var status = document.createElement("p");
      status.setAttribute("data-pending-status", "");
      var actions = document.createElement("p");
      actions.className = "pending-actions";
      actions.appendChild(button(text("send"), function () { send(true); }));
      actions.appendChild(button(text("discard"), function () {
        if (window.confirm(text("discard-confirm"))) {
          store.forget(entry.key);
          showPending();
        }
      }));
      banner.append(title, kept, list, status, actions);
    });
    if (entries.length) {
      say(sending ? "sending" : offline() || !entries[0].attemptAt ? "waiting" : "failed");
    }
    showDeadline();
  }

  // Offline near or after the deadline, for a day with no report yet: the server's arrival is what counts.
  function showDeadline() {
    var off = offline() || mine().length > 0;
    var left = deadline - Date.now();
    var show = off && !section.hasAttribute("data-first-submitted") && left < NEAR_MS;
    deadlineNotice.hidden = !show;
    if (show) {
      deadlineNotice.textContent = text(left > 0 ? "near" : "past");
    }
    if (offlineNote) {
      offlineNote.hidden = !offline();
    }
  }

  function schedule(delay) {
    clearTimeout(retry);
    retry = setTimeout(function () { send(false); }, Math.max(delay, 500));
  }

  // Post the kept report as the browser posts the form: the server answers with a page (its receipt, or the form
  // with what it refused), never JavaScript's guess. First a GET of the form: it proves the network and the session
  // and gives a fresh CSRF token (the kept page's may belong to an older session).
  function send(now) {
    var entries = mine();
    if (!entries.length || sending) {
      return;
    }
    var entry = entries[0];
    if (offline()) {
      say("waiting");
      return;
    }
    var since = Date.now() - (entry.attemptAt || 0);
    if (!now && since < RETRY_MS) {
      schedule(RETRY_MS - since);  // a post that has just failed is not repeated in a loop
      return;
    }
    sending = true;
    state.attempts += 1;
    say("sending");
    window.fetch(entry.action, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      var path = new URL(response.url).pathname;
      if (response.redirected && path === section.getAttribute("data-login-url")) {
        sending = false;
        say("login");
        return null;
      }
      if (response.status !== 200) {
        throw new Error("HTTP " + response.status);
      }
      return response.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var token = page.querySelector("input[name=csrfmiddlewaretoken]");
        if (!token) {
          throw new Error("no form");
        }
        entry.attemptAt = Date.now();
        store.update(entry);
        post(entry, token.value);
      });
    }).catch(function () {
      sending = false;
      say("failed");
      schedule(RETRY_MS);
    });
  }

  function post(entry, token) {
    var out = document.createElement("form");
    out.method = "post";
    out.action = entry.action;
    out.hidden = true;
    [["csrfmiddlewaretoken", token]].concat(entry.fields).forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      out.appendChild(input);
    });
    document.body.appendChild(out);
    out.submit();
  }

  form.addEventListener("submit", function (event) {
    if (sending) {
      event.preventDefault();  // one post per tap
      return;
    }
    if (!keyField.value || store.used(keyField.value)) {
      keyField.value = newKey();  // this page was kept and its key has been sent already: a new report
    }
    var entry = collect();
    store.markUsed(entry.key);
    if (!store.keep(entry)) {
      return;  // the phone cannot keep it: the browser posts the form as it would without this script
    }
    state.kept += 1;
    if (offline()) {
      event.preventDefault();
      showPending();
      window.scrollTo(0, 0);
      return;
    }
    entry.attemptAt = Date.now();
    store.update(entry);
    sending = true;
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      sending = false;
      showPending();
    }
  });
  window.addEventListener("online", function () { showPending(); send(true); });
  window.addEventListener("offline", function () { showPending(); });
  setInterval(showDeadline, 30000);

  // This page is the server's answer to a post of this form: what was typed is on screen with what it refused.
  if (form.hasAttribute("data-posted") && keyField.value) {
    store.forget(keyField.value);
  }
  // A report waiting for this day is what the form shows, so that it is corrected rather than typed again.
  var waiting = mine().filter(function (entry) {
    return entry.date === (form.elements.date && form.elements.date.value);
  })[0];
  if (waiting && !form.hasAttribute("data-posted")) {
    waiting.fields.forEach(function (pair) {
      var field = form.elements[pair[0]];
      if (field && field.type !== "hidden") {
        field.value = pair[1];
      }
    });
  }
  showPending();
  if (mine().length) {
    send(false);
  }
})();
