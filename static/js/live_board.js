// The live boards (reporting/live.py): poll the page itself with If-None-Match while the tab is visible; on 304
// nothing is done, on 200 every [data-live-region] is replaced from the new page, except where the reader is
// working (focus inside, a <details> they opened, a field they typed in): such a row
// ([data-live-key]) or region is kept as it is and tried again at the next poll. Without JavaScript the page is
// simply the server-rendered board.
(function () {
  "use strict";
  var bar = document.querySelector("[data-live-board]");
  if (!bar || !window.fetch || !window.DOMParser) {
    return;
  }
  var interval = (parseInt(bar.getAttribute("data-live-interval"), 10) || 5) * 1000;
  var etag = bar.getAttribute("data-live-etag") || "";
  var status = bar.querySelector("[data-live-status]");
  var timer = null;
  var inflight = false;
  var stopped = false;
  // For people and for the browser tests: what the poll has done so far.
  var state = window.bluezoneLive = { polls: 0, notModified: 0, updates: 0, kept: 0, failures: 0 };
  var clockOffset = 0;

  function text(name, time) {
    var template = bar.getAttribute("data-text-" + name) || "";
    return template.replace("{time}", time || "");
  }

  function clockTime() {
    var now = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(now.getHours()) + ":" + two(now.getMinutes()) + ":" + two(now.getSeconds());
  }

  function say(message) {
    if (status) {
      status.hidden = false;
      status.textContent = message;
    }
  }

  function inside(element, rows) {
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].contains(element)) {
        return true;
      }
    }
    return false;
  }

  function changed(field) {
    if (field.tagName === "SELECT") {
      for (var j = 0; j < field.options.length; j++) {
        if (field.options[j].selected !== field.options[j].defaultSelected) {
          return true;
        }
      }
      return false;
    }
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked !== field.defaultChecked;
    }
    return field.type !== "hidden" && field.type !== "submit" && field.value !== field.defaultValue;
  }

  // Typed in, opened or focused (outside the rows in `rows`): the reader is working here.
  function busy(node, rows) {
    var active = document.activeElement;
    if (active && active !== document.body && node.contains(active) && !inside(active, rows)) {
      return true;
    }
    // An opened form, or a typed field; an opened list without a form keeps its state through openState().
    var candidates = node.querySelectorAll("details[data-live-touched][open], textarea, input, select");
    for (var i = 0; i < candidates.length; i++) {
      var element = candidates[i];
      if (inside(element, rows)) {
        continue;
      }
      if ((element.tagName === "DETAILS" && element.querySelector("form")) ||
          (element.tagName !== "DETAILS" && changed(element))) {
        return true;
      }
    }
    return false;
  }

  // id → open, for every <details> with an id the reader opened or closed.
  function openState(node) {
    var state = {};
    var touched = node.querySelectorAll("details[data-live-touched][id]");
    for (var i = 0; i < touched.length; i++) {
      state[touched[i].id] = touched[i].open;
    }
    return state;
  }

  function keyed(root, key) {
    var all = root.querySelectorAll("[data-live-key]");
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute("data-live-key") === key) {
        return all[i];
      }
    }
    return null;
  }

  // Replace `old` by `fresh` (a region of the new page); false when some of the reader's work was left as it was.
  function merge(old, fresh) {
    var active = document.activeElement;
    var selection = null;
    if (active && old.contains(active) && typeof active.selectionStart === "number") {
      selection = [active.selectionStart, active.selectionEnd];
    }
    var rows = old.querySelectorAll("[data-live-key]");
    var kept = [];
    for (var i = 0; i < rows.length; i++) {
      if (busy(rows[i], [])) {
        kept.push(rows[i]);
      }
    }
    // Busy outside any row, or in a row the new list no longer has: the region stays as it is for now.
    if (busy(old, kept)) {
      return false;
    }
    var twins = [];
    for (var k = 0; k < kept.length; k++) {
      twins.push(keyed(fresh, kept[k].getAttribute("data-live-key")));
      if (!twins[k]) {
        return false;
      }
    }
    for (var t = 0; t < kept.length; t++) {
      twins[t].replaceWith(kept[t]);  // the reader's row, as they left it, in the new list
    }
    var opened = openState(old);
    var nodes = Array.prototype.slice.call(fresh.childNodes);
    old.replaceChildren.apply(old, nodes);
    for (var id in opened) {
      var again = document.getElementById(id);
      if (again && again.tagName === "DETAILS") {
        again.open = opened[id];
        again.setAttribute("data-live-touched", "");
      }
    }
    if (active && document.activeElement !== active && old.contains(active)) {
      active.focus({ preventScroll: true });
      if (selection) {
        active.setSelectionRange(selection[0], selection[1]);
      }
    }
    return kept.length === 0;
  }

  function apply(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var regions = page.querySelectorAll("[data-live-region]");
    var complete = true;
    for (var i = 0; i < regions.length; i++) {
      var name = regions[i].getAttribute("data-live-region");
      var old = document.querySelector('[data-live-region="' + name + '"]');
      if (old && !merge(old, regions[i])) {
        complete = false;
      }
    }
    startCountdown();
    return complete;
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = null;
    if (!stopped && document.visibilityState === "visible") {
      timer = setTimeout(poll, delay);
    }
  }

  function poll() {
    if (inflight || stopped) {
      return;
    }
    inflight = true;
    state.polls += 1;
    var headers = { "X-Bluezone-Live": "1" };
    if (etag) {
      headers["If-None-Match"] = etag;
    }
    fetch(window.location.href, { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.redirected && response.url.indexOf("/dang-nhap/") !== -1) {
          stopped = true;
          say(text("login"));
          return null;
        }
        if (response.status === 304) {
          state.notModified += 1;
          say(text("checked", clockTime()));
          return null;
        }
        if (response.status !== 200) {
          throw new Error("HTTP " + response.status);
        }
        var next = response.headers.get("ETag") || "";
        return response.text().then(function (html) {
          if (apply(html)) {
            etag = next;  // kept rows wait for the next poll: keep asking with the old tag until all is shown
          } else {
            state.kept += 1;
          }
          state.updates += 1;
          say(text("updated", clockTime()));
        });
      })
      .catch(function () {
        state.failures += 1;
        say(text("offline"));
      })
      .then(function () {
        inflight = false;
        schedule(interval);
      });
  }

  // The countdown to 15:00 follows the server's clock, not the phone's; at 15:00 the board asks at once.
  var countdownTimer = null;
  function startCountdown() {
    clearInterval(countdownTimer);
    var clock = document.querySelector("[data-deadline-ms]");
    var out = clock && clock.querySelector("[data-countdown]");
    if (!out) {
      return;
    }
    var deadline = parseInt(clock.getAttribute("data-deadline-ms"), 10);
    clockOffset = parseInt(clock.getAttribute("data-now-ms"), 10) - Date.now();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    function tick() {
      var left = Math.max(0, Math.floor((deadline - (Date.now() + clockOffset)) / 1000));
      out.textContent = two(Math.floor(left / 3600)) + ":" + two(Math.floor(left % 3600 / 60)) + ":" + two(left % 60);
      if (left === 0) {
        clearInterval(countdownTimer);
        schedule(1000);
      }
    }
    tick();
    countdownTimer = setInterval(tick, 1000);
  }

  // A <details> the reader opened (a form to fill) stays open and untouched until they are done.
  document.addEventListener("click", function (event) {
    var summary = event.target.closest && event.target.closest("summary");
    if (summary && summary.parentElement && summary.parentElement.tagName === "DETAILS") {
      summary.parentElement.setAttribute("data-live-touched", "");
    }
  }, true);

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      schedule(0);
    } else {
      clearTimeout(timer);
      timer = null;
      say(text("paused"));
    }
  });

  startCountdown();
  say(text("checked", clockTime()));
  schedule(interval);
})();
