/*
 * sw.js: the kiosk's service worker (scope /kiosk/). Keeps the kiosk's
 * files and the survey definition so that the kiosk starts and takes
 * answers while the network is down. Network first (a new release
 * reaches the kiosk on its next load), the cache when the network fails.
 * Answers are not its business: kiosk.js queues them in IndexedDB.
 */
"use strict";

var CACHE = "hl-kiosk-3";
var FILES = ["./", "kiosk.js", "kiosk.css", "/api/v1/survey"];

self.addEventListener("install", function (e) {
	e.waitUntil(caches.open(CACHE).then(function (c) {
		return c.addAll(FILES);
	}).then(function () {
		return self.skipWaiting();
	}));
});

self.addEventListener("activate", function (e) {
	e.waitUntil(caches.keys().then(function (keys) {
		return Promise.all(keys.filter(function (k) {
			return k !== CACHE;
		}).map(function (k) {
			return caches.delete(k);
		}));
	}).then(function () {
		return self.clients.claim();
	}));
});

function cacheable(url) {
	if (url.origin !== self.location.origin)
		return null;
	if (url.pathname === "/api/v1/survey")
		return url.pathname;
	if (url.pathname === "/kiosk/" || url.pathname === "/kiosk/index.html")
		return "./";
	if (/^\/kiosk\/(kiosk\.js|kiosk\.css)$/.test(url.pathname))
		return url.pathname;
	return null;
}

self.addEventListener("fetch", function (e) {
	var url = new URL(e.request.url);
	var key;

	if (e.request.method !== "GET" || (key = cacheable(url)) === null)
		return;
	e.respondWith(fetch(e.request).then(function (r) {
		if (r.ok) {
			var copy = r.clone();
			caches.open(CACHE).then(function (c) {
				return c.put(key, copy);
			});
		}
		return r;
	}).catch(function () {
		return caches.open(CACHE).then(function (c) {
			return c.match(key);
		}).then(function (r) {
			return r || Response.error();
		});
	}));
});
