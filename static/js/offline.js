// The portal on a phone (units.offline), on every page. For a unit user (<body data-offline-owner>): the service
// worker is registered, and pages another account left in the worker's caches are dropped. Signed out: every kept
// page is dropped. On a receipt of one's own report: the copy kept on the phone as "not sent" is removed, since the
// server has now said it was received. At logout: a warning when a report is still not sent, then every cache, the
// worker and the kept reports are removed before the form goes (the server's Clear-Site-Data does it again).
// window.bluezoneOffline is the store of reports not yet sent, used by offline_form.js.
(function () {
  "use strict";
  var PAGES = "bluezone-pages-";
  var PENDING = "bluezone.pending.";
  var USED = "bluezone.used.";
  var body = document.body;
  var owner = body.getAttribute("data-offline-owner") || "";

  function read(key) {
    try {
      var value = JSON.parse(window.localStorage.getItem(key) || "[]");
      return Array.isArray(value) ? value : [];
    } catch (error) {
      return [];
    }
  }

  function write(key, list) {
    try {
      if (list.length) {
        window.localStorage.setItem(key, JSON.stringify(list));
      } else {
        window.localStorage.removeItem(key);
      }
      return true;
    } catch (error) {
      return false;  // storage full or refused: the caller says the report could not be kept
    }
  }

  // Reports typed on this phone by this user that the server has not yet acknowledged, oldest first.
  function pending() {
    return owner ? read(PENDING + owner) : [];
  }

  // One report waits per unit and day: a report typed again replaces the one that was waiting.
  function keep(entry) {
    var list = pending().filter(function (other) {
      return other.key !== entry.key && !(other.unit === entry.unit && other.date === entry.date);
    });
    list.push(entry);
    return write(PENDING + owner, list);
  }

  function update(entry) {
    var list = pending();
    for (var i = 0; i < list.length; i++) {
      if (list[i].key === entry.key) {
        list[i] = entry;
      }
    }
    write(PENDING + owner, list);
  }

  function forget(key) {
    write(PENDING + owner, pending().filter(function (entry) { return entry.key !== key; }));
  }

  // Keys already sent from this phone: a page kept offline offers its key again, the next report needs its own.
  function used(key) {
    return read(USED + owner).indexOf(key) !== -1;
  }

  function markUsed(key) {
    var list = read(USED + owner).filter(function (other) { return other !== key; });
    list.push(key);
    write(USED + owner, list.slice(-50));
  }

  function anyPending() {
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(PENDING) === 0 && read(key).length) {
          return true;
        }
      }
    } catch (error) {
      return false;
    }
    return false;
  }

  function dropAllCaches() {
    if (!window.caches) {
      return Promise.resolve();
    }
    return window.caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("bluezone-") === 0; })
        .map(function (name) { return window.caches.delete(name); }));
    });
  }

  function dropPageCaches(keepName) {
    if (!window.caches) {
      return Promise.resolve();
    }
    return window.caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(PAGES) === 0 && name !== keepName;
      }).map(function (name) { return window.caches.delete(name); }));
    });
  }

  function forgetEverything() {
    try {
      for (var i = window.localStorage.length - 1; i >= 0; i--) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf("bluezone.") === 0) {
          window.localStorage.removeItem(key);
        }
      }
    } catch (error) {
      // nothing to remove
    }
    var unregister = navigator.serviceWorker ? navigator.serviceWorker.getRegistrations().then(function (all) {
      return Promise.all(all.map(function (registration) { return registration.unregister(); }));
    }) : Promise.resolve();
    return Promise.all([dropAllCaches(), unregister]);
  }

  // The form page, kept as the worker keeps the pages it sees loaded, unless it is kept already.
  function keepThisPage() {
    if (!window.caches || !window.fetch) {
      return Promise.resolve();
    }
    var name = PAGES + owner;
    var url = window.location.href.split("#")[0];
    return window.caches.open(name).then(function (cache) {
      return cache.match(url).then(function (found) {
        if (found) {
          return null;
        }
        return window.fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
          if (response.status === 200 && !response.redirected && response.headers.get("X-Bluezone-Offline") === owner) {
            return cache.put(url, response);
          }
          return null;
        });
      });
    }).catch(function () { return null; });
  }

  var ready = Promise.resolve();
  if (owner) {
    ready = dropPageCaches(PAGES + owner);
    if (navigator.serviceWorker && body.getAttribute("data-service-worker")) {
      navigator.serviceWorker.register(body.getAttribute("data-service-worker"), { scope: "/" }).catch(function () {
        return null;  // no worker: the page still works online, and says so when a report cannot be sent
      });
      if (document.querySelector("[data-offline-form]")) {
        // Not seen by the worker when it took control while the page was loading (or on the first visit); a
        // moment later, so that the worker's own copy is found when it made one.
        ready = ready.then(function () {
          return new Promise(function (resolve) { setTimeout(resolve, 1500); });
        }).then(keepThisPage);
      }
    }
  } else {
    ready = dropPageCaches(null);  // nobody is signed in: nobody's pages stay on this phone
  }

  var received = document.querySelector("[data-received-key]");
  if (received && owner) {
    forget(received.getAttribute("data-received-key"));
    markUsed(received.getAttribute("data-received-key"));
  }

  var logout = document.querySelector("form[data-logout]");
  if (logout) {
    logout.addEventListener("submit", function (event) {
      event.preventDefault();
      if (anyPending() && !window.confirm(logout.getAttribute("data-text-pending"))) {
        return;
      }
      var done = function () { logout.submit(); };
      forgetEverything().then(done, done);
    });
  }

  window.bluezoneOffline = {
    owner: owner, pending: pending, keep: keep, update: update, forget: forget, used: used, markUsed: markUsed,
    ready: ready
  };
})();
