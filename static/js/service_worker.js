// The portal's service worker (units.offline serves it at /sw.js with BLUEZONE_WORKER in front: version, assets,
// staticUrl, formPath, header). It touches only two kinds of request, and never stores an answer to anything else:
// * The report form (navigations under formPath): asked of the network first. A GET answered 200 and marked by the
//   portal with `header` (the user's offline name) is kept in that user's cache, "bluezone-pages-<name>", and any
//   other user's cache is dropped; with no network the kept page is shown. A sent form that cannot reach the
//   network comes back to the kept form, where offline_form.js shows it as not sent (it stored it before sending).
// * The static files the form needs (precached at install, then served from the cache of this version).
// Everything else (other pages, the API, the admin, exports, every POST's answer) goes to the network untouched.
var CONFIG = self.BLUEZONE_WORKER || { version: "none", assets: [], staticUrl: "/static/", formPath: "/bao-cao/",
                                       header: "x-bluezone-offline" };
var STATIC = "bluezone-static-" + CONFIG.version;
var PAGES = "bluezone-pages-";

self.addEventListener("install", function (event) {
  self.skipWaiting();
  event.waitUntil(caches.open(STATIC).then(function (cache) {
    return cache.addAll(CONFIG.assets);
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("bluezone-static-") === 0 && name !== STATIC;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function pageCache() {
  return caches.keys().then(function (names) {
    for (var i = 0; i < names.length; i++) {
      if (names[i].indexOf(PAGES) === 0) {
        return caches.open(names[i]);
      }
    }
    return null;
  });
}

function keepPage(owner, url, response) {
  var name = PAGES + owner;
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (other) {
      return other.indexOf(PAGES) === 0 && other !== name;
    }).map(function (other) { return caches.delete(other); }));
  }).then(function () {
    return caches.open(name);
  }).then(function (cache) {
    return cache.put(url, response);
  });
}

function keptPage(url) {
  return pageCache().then(function (cache) {
    if (!cache) {
      return null;
    }
    return cache.match(url, { ignoreVary: true }).then(function (found) {
      // Another day's form of the same unit is still the form (it shows its own day).
      return found || cache.match(url, { ignoreVary: true, ignoreSearch: true });
    });
  });
}

function formPage(event) {
  var request = event.request;
  var url = request.url.split("#")[0];
  return fetch(request).then(function (response) {
    var owner = response.headers.get(CONFIG.header);
    if (response.status === 200 && owner && /^[0-9a-f]+$/.test(owner)) {
      event.waitUntil(keepPage(owner, url, response.clone()));
    }
    return response;
  }, function () {
    return keptPage(url).then(function (kept) {
      return kept || Response.error();
    });
  });
}

function sentForm(event) {
  // The answer goes to the page untouched. No network: back to the form (a GET), which shows the report as not sent.
  return fetch(event.request).catch(function () {
    return Response.redirect(event.request.url, 303);
  });
}

function staticFile(request) {
  return caches.open(STATIC).then(function (cache) {
    return cache.match(request).then(function (found) {
      return found || fetch(request);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && url.pathname.indexOf(CONFIG.formPath) === 0) {
    if (request.method === "GET") {
      event.respondWith(formPage(event));
    } else if (request.method === "POST") {
      event.respondWith(sentForm(event));
    }
    return;
  }
  if (request.method === "GET" && url.pathname.indexOf(CONFIG.staticUrl) === 0 &&
      CONFIG.assets.indexOf(url.pathname) !== -1) {
    event.respondWith(staticFile(request));
  }
});
