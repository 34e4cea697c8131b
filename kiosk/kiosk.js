/*
 * kiosk.js: the touchscreen kiosk beside a one-stop counter.
 *
 * Enrolment (a one-time code, or #enrol=CODE in the address) gives a kiosk
 * key, kept in localStorage. Paired mode: a long-poll of
 * /api/v1/kiosk/next hands over the ticket the counter just issued;
 * without one, ratings are walk-ins. Answers go to an IndexedDB queue
 * first (each with its idempotency key) and are sent in order, so that
 * nothing is lost while the network is down.
 *
 * Address parameters (for tests and set-up): ?idle=SECONDS (back to the
 * start screen when nobody touches the screen, default 30), ?thanks=SECONDS
 * (how long the thank-you screen stays, default 5).
 *
 * No framework, no build step: plain ES2017 for the kiosk's Chromium.
 */
(function () {
	"use strict";

	var LANGS = ["vi", "en", "km"];
	var KEY_STORE = "hl.kiosk";		/* localStorage: key and names */
	var SURVEY_STORE = "hl.kiosk.survey";	/* last survey definition */
	var COMMENT_MAX = 1000;
	var POLL_WAIT = 25;			/* seconds per long-poll */
	var BACKOFF_MIN = 1000, BACKOFF_MAX = 60000;
	var TICKET_KEEP = 10 * 60 * 1000;	/* a shown ticket is dropped after */

	var params = new URLSearchParams(location.search);
	function seconds(name, dflt) {
		var v = Number(params.get(name));
		return (v > 0 && v <= 3600) ? v * 1000 : dflt * 1000;
	}
	var IDLE_MS = seconds("idle", 30);
	var THANKS_MS = seconds("thanks", 5);

	/*
	 * The kiosk's own words. The Khmer (km) texts await review by a
	 * native speaker.
	 */
	var T = {
		vi: {
			name: "Tiếng Việt",
			how: "Ông/Bà hài lòng thế nào với việc giải quyết thủ tục?",
			walkin: "Chạm vào một khuôn mặt để đánh giá",
			procedure: "Thủ tục vừa hoàn thành",
			why: "Vì sao Ông/Bà chưa hài lòng?",
			why_sub: "Chọn một hoặc nhiều lý do",
			next: "Tiếp tục",
			skip: "Bỏ qua",
			send_now: "Gửi đánh giá ngay",
			send: "Gửi đánh giá",
			no_comment: "Không góp ý, gửi luôn",
			optional: "Không bắt buộc",
			comment_title: "Góp ý thêm",
			of: "Câu %1 / %2",
			chars: "%1 / %2 ký tự",
			thanks: "Cảm ơn Ông/Bà!",
			online: "Trực tuyến",
			offline: "Mất kết nối",
			queued: "Chờ gửi: %1",
			enrol_title: "Đăng ký máy đánh giá",
			enrol_label: "Mã đăng ký (do quản trị viên cung cấp)",
			enrol_button: "Đăng ký",
			enrol_bad: "Mã không đúng, đã dùng hoặc đã hết hạn.",
			enrol_error: "Không kết nối được máy chủ. Vui lòng thử lại.",
			revoked: "Máy này cần được đăng ký lại.",
			counter: "Quầy %1",
			language: "Ngôn ngữ"
		},
		en: {
			name: "English",
			how: "How satisfied are you with how your procedure was handled?",
			walkin: "Touch a face to rate our service",
			procedure: "Procedure just completed",
			why: "Why were you not satisfied?",
			why_sub: "Choose one or more reasons",
			next: "Continue",
			skip: "Skip",
			send_now: "Send my answers now",
			send: "Send",
			no_comment: "No comment, send",
			optional: "Optional",
			comment_title: "Your comment",
			of: "Question %1 of %2",
			chars: "%1 / %2 characters",
			thanks: "Thank you!",
			online: "Online",
			offline: "Offline",
			queued: "Waiting to send: %1",
			enrol_title: "Enrol this kiosk",
			enrol_label: "Enrolment code (from the administrator)",
			enrol_button: "Enrol",
			enrol_bad: "This code is wrong, used or expired.",
			enrol_error: "Cannot reach the server. Please try again.",
			revoked: "This kiosk needs to be enrolled again.",
			counter: "Counter %1",
			language: "Language"
		},
		km: {
			name: "ខ្មែរ",
			how: "តើលោកអ្នកពេញចិត្តកម្រិតណាចំពោះការដោះស្រាយនីតិវិធីរបស់លោកអ្នក?",
			walkin: "សូមចុចលើមុខមួយដើម្បីវាយតម្លៃ",
			procedure: "នីតិវិធីដែលទើបបញ្ចប់",
			why: "ហេតុអ្វីបានជាលោកអ្នកមិនពេញចិត្ត?",
			why_sub: "ជ្រើសរើសហេតុផលមួយ ឬច្រើន",
			next: "បន្ត",
			skip: "រំលង",
			send_now: "ផ្ញើចម្លើយឥឡូវនេះ",
			send: "ផ្ញើ",
			no_comment: "គ្មានមតិ ផ្ញើ",
			optional: "មិនបង្ខំ",
			comment_title: "មតិយោបល់បន្ថែម",
			of: "សំណួរ %1 / %2",
			chars: "%1 / %2 តួអក្សរ",
			thanks: "សូមអរគុណ!",
			online: "មានអ៊ីនធឺណិត",
			offline: "គ្មានអ៊ីនធឺណិត",
			queued: "រង់ចាំផ្ញើ: %1",
			enrol_title: "ចុះឈ្មោះម៉ាស៊ីននេះ",
			enrol_label: "លេខកូដចុះឈ្មោះ (ពីអ្នកគ្រប់គ្រង)",
			enrol_button: "ចុះឈ្មោះ",
			enrol_bad: "លេខកូដនេះខុស បានប្រើ ឬផុតកំណត់។",
			enrol_error: "មិនអាចភ្ជាប់ទៅម៉ាស៊ីនមេបានទេ។ សូមព្យាយាមម្តងទៀត។",
			revoked: "ម៉ាស៊ីននេះត្រូវចុះឈ្មោះម្តងទៀត។",
			counter: "បញ្ជរ %1",
			language: "ភាសា"
		}
	};

	var lang = "vi";
	var kiosk = null;	/* {key, name, unit, counter} */
	var survey = null;
	var ticket = null;	/* the paired ticket shown, or null */
	var ticketAt = 0;
	var pending = null;	/* a ticket that came during a survey */
	var seen = "";
	var cur = null;		/* the answers being given */
	var screen = "";
	var idleTimer = 0, thanksTimer = 0;
	var online = navigator.onLine;
	var queued = 0;
	var revokedMsg = false;
	var pollGen = 0;

	function t(k) {
		var s = (T[lang] && T[lang][k]) || T.vi[k] || "";
		for (var i = 1; i < arguments.length; i++)
			s = s.split("%" + i).join(String(arguments[i]));
		return s;
	}
	function tx(o) {
		if (o == null)
			return "";
		if (typeof o === "string")
			return o;
		return o[lang] || o.vi || o.en || "";
	}

	/* ---------------------------------------------------------- DOM */

	function el(tag, attrs) {
		var e = document.createElement(tag);
		var k;
		for (k in attrs || {}) {
			if (k === "text")
				e.textContent = attrs[k];
			else if (k === "on")
				e.addEventListener("click", attrs[k]);
			else if (attrs[k] !== null && attrs[k] !== undefined)
				e.setAttribute(k, attrs[k]);
		}
		for (var i = 2; i < arguments.length; i++)
			if (arguments[i] != null)
				e.appendChild(typeof arguments[i] === "string" ?
				    document.createTextNode(arguments[i]) :
				    arguments[i]);
		return e;
	}
	function svg(tag, attrs) {
		var e = document.createElementNS("http://www.w3.org/2000/svg",
		    tag);
		for (var k in attrs)
			e.setAttribute(k, attrs[k]);
		for (var i = 2; i < arguments.length; i++)
			e.appendChild(arguments[i]);
		return e;
	}

	var FACE_COLOURS = ["#b3261e", "#d9480f", "#8a8a8a", "#43a047",
	    "#1b7a2a"];
	/* A face for level 1..5: the mouth bends from a frown to a smile. */
	function face(level) {
		var bend = (level - 3) * 9;
		var mouth = "M30 " + (66 - bend / 3) + " Q50 " +
		    (66 + bend) + " 70 " + (66 - bend / 3);
		return svg("svg", { viewBox: "0 0 100 100", "aria-hidden": "true",
		    focusable: "false" },
		    svg("circle", { cx: 50, cy: 50, r: 46,
			fill: FACE_COLOURS[level - 1], stroke: "#111",
			"stroke-width": 3 }),
		    svg("circle", { cx: 35, cy: 40, r: 6, fill: "#111" }),
		    svg("circle", { cx: 65, cy: 40, r: 6, fill: "#111" }),
		    svg("path", { d: mouth, fill: "none", stroke: "#111",
			"stroke-width": 6, "stroke-linecap": "round" }));
	}
	function tick() {
		return svg("svg", { viewBox: "0 0 100 100", "aria-hidden": "true",
		    focusable: "false" },
		    svg("circle", { cx: 50, cy: 50, r: 46, fill: "#1b7a2a" }),
		    svg("path", { d: "M28 52 L44 68 L74 36", fill: "none",
			stroke: "#fff", "stroke-width": 9,
			"stroke-linecap": "round", "stroke-linejoin": "round" }));
	}

	function show(name, nodes) {
		var app = document.getElementById("app");
		screen = name;
		document.body.setAttribute("data-screen", name);
		app.textContent = "";
		nodes.forEach(function (n) { if (n) app.appendChild(n); });
		var h = app.querySelector("h1");
		if (h) {
			h.setAttribute("tabindex", "-1");
			h.focus({ preventScroll: true });
		}
		bar();
		armIdle();
	}

	function bar() {
		document.documentElement.lang = lang;
		var where = document.getElementById("where");
		var parts = [];
		if (kiosk && kiosk.unit)
			parts.push(tx(kiosk.unit.name) || kiosk.unit.code);
		if (kiosk && kiosk.counter)
			parts.push(t("counter", kiosk.counter));
		where.textContent = parts.join(" · ");
		var langs = document.getElementById("langs");
		langs.setAttribute("aria-label", t("language"));
		langs.textContent = "";
		LANGS.forEach(function (l) {
			langs.appendChild(el("button", { type: "button",
			    lang: l, "aria-pressed": String(l === lang),
			    "data-lang": l, on: function () { setLang(l); } },
			    T[l].name));
		});
		status();
	}

	function status() {
		var s = document.getElementById("status");
		s.className = "status " + (!online ? "offline" :
		    queued > 0 ? "queued" : "online");
		var words = online ? t("online") : t("offline");
		if (queued > 0)
			words += " · " + t("queued", queued);
		s.querySelector(".status-text").textContent = words;
		s.setAttribute("data-queued", String(queued));
	}

	function setLang(l) {
		lang = l;
		if (cur)
			cur.lang = l;
		redraw();
	}

	/* ----------------------------------------------------- screens */

	var redraw = function () {};

	function startScreen() {
		clearTimeout(thanksTimer);
		cur = null;
		if (pending) {
			setTicket(pending);
			pending = null;
		}
		if (ticket && Date.now() - ticketAt > TICKET_KEEP)
			ticket = null;
		redraw = startScreen;
		if (!survey) {
			show("loading", [el("h1", { text: "…" })]);
			return;
		}
		var top = [];
		if (ticket) {
			top.push(el("div", { "class": "proc",
			    "data-token": ticket.token },
			    el("span", { text: t("procedure") }),
			    el("b", { text: tx(ticket.procedure &&
				ticket.procedure.name) ||
				(ticket.procedure && ticket.procedure.code) ||
				"" })));
		}
		var faces = el("div", { "class": "faces", role: "group",
		    "aria-labelledby": "q-overall" });
		var levels = survey.levels || [];
		levels.slice().sort(function (a, b) {
			return a.value - b.value;
		}).forEach(function (lv) {
			faces.appendChild(el("button", { type: "button",
			    "class": "big face l" + lv.value,
			    "data-level": lv.value,
			    on: function () { rate(lv.value); } },
			    face(lv.value), el("span", { text: tx(lv.label) })));
		});
		show(ticket ? "start-paired" : "start", [
		    el("h1", { id: "q-overall", text: survey.overall &&
			survey.overall.text ? tx(survey.overall.text) :
			t("how") }),
		    ticket ? top[0] : el("p", { "class": "intro",
			text: t("walkin") }),
		    faces]);
	}

	function rate(v) {
		cur = {
			overall: v,
			at: new Date().toISOString(),
			token: ticket ? ticket.token : null,
			lang: lang,
			answers: {},
			reasons: [],
			comment: "",
			qi: 0
		};
		if (ticket) {
			seen = ticket.token;
			ticket = null;
		}
		if (v <= 2 && survey.reasons && survey.reasons.options &&
		    survey.reasons.options.length > 0)
			reasonsScreen();
		else
			questionScreen();
	}

	function reasonsScreen() {
		redraw = reasonsScreen;
		var opts = el("div", { "class": "opts", role: "group",
		    "aria-labelledby": "q-reasons" });
		survey.reasons.options.forEach(function (o) {
			var on = cur.reasons.indexOf(o.id) >= 0;
			var b = el("button", { type: "button", "class": "big",
			    "aria-pressed": String(on), "data-option": o.id },
			    el("span", { "class": "check", "aria-hidden": "true",
				text: on ? "✓" : "" }),
			    el("span", { text: tx(o.label) }));
			b.addEventListener("click", function () {
				var i = cur.reasons.indexOf(o.id);
				if (i >= 0)
					cur.reasons.splice(i, 1);
				else
					cur.reasons.push(o.id);
				var now = i < 0;
				b.setAttribute("aria-pressed", String(now));
				b.firstChild.textContent = now ? "✓" : "";
			});
			opts.appendChild(b);
		});
		show("reasons", [
		    el("h1", { id: "q-reasons", text: tx(survey.reasons.text) ||
			t("why") }),
		    survey.reasons.text ? null :
			el("p", { "class": "sub", text: t("why_sub") }),
		    opts,
		    el("div", { "class": "nav" },
			el("button", { type: "button", "class": "big primary",
			    "data-action": "next", on: questionScreen },
			    t("next")))]);
	}

	function questionScreen() {
		var qs = survey.questions || [];
		if (cur.qi >= qs.length) {
			commentScreen();
			return;
		}
		redraw = questionScreen;
		var q = qs[cur.qi];
		var opts = el("div", { "class": "opts", role: "group",
		    "aria-labelledby": "q-text" });
		(q.options || []).forEach(function (o) {
			opts.appendChild(el("button", { type: "button",
			    "class": "big", "data-option": o.id,
			    "aria-pressed": String(cur.answers[q.id] === o.id),
			    on: function () {
				cur.answers[q.id] = o.id;
				cur.qi++;
				questionScreen();
			    } }, tx(o.label)));
		});
		var nav = el("div", { "class": "nav" });
		if (!q.required) {
			nav.appendChild(el("button", { type: "button",
			    "class": "big quiet", "data-action": "skip",
			    on: function () { cur.qi++; questionScreen(); } },
			    t("skip")));
			nav.appendChild(el("button", { type: "button",
			    "class": "big quiet", "data-action": "send-now",
			    on: finish }, t("send_now")));
		}
		show("question", [
		    el("p", { "class": "progress",
			text: t("of", cur.qi + 1, qs.length) +
			(q.required ? "" : " · " + t("optional")) }),
		    el("h1", { id: "q-text", "data-question": q.id,
			text: tx(q.text) }),
		    opts, nav]);
	}

	function commentScreen() {
		redraw = commentScreen;
		var ta = el("textarea", { id: "comment", maxlength: COMMENT_MAX,
		    rows: 4, autocomplete: "off", spellcheck: "false" });
		ta.value = cur.comment;
		var count = el("p", { "class": "count", "aria-live": "polite" });
		function upd() {
			cur.comment = ta.value;
			count.textContent = t("chars", ta.value.length,
			    COMMENT_MAX);
			armIdle();
		}
		ta.addEventListener("input", upd);
		upd();
		show("comment", [
		    el("h1", { text: t("comment_title") }),
		    el("label", { "for": "comment", "class": "block",
			text: tx(survey.comment_prompt) }),
		    ta, count,
		    el("div", { "class": "nav" },
			el("button", { type: "button", "class": "big quiet",
			    "data-action": "skip", on: function () {
				cur.comment = "";
				finish();
			    } }, t("no_comment")),
			el("button", { type: "button", "class": "big primary",
			    "data-action": "send", on: finish }, t("send")))]);
	}

	function thanksScreen() {
		redraw = thanksScreen;
		show("thanks", [el("div", { "class": "thanks" }, tick(),
		    el("h1", { text: t("thanks") }),
		    el("p", { text: tx(survey && survey.thanks) }))]);
		clearTimeout(thanksTimer);
		thanksTimer = setTimeout(backToStart, THANKS_MS);
	}

	function backToStart() {
		lang = "vi";
		startScreen();
	}

	/* Queues what was answered (if anything) and thanks. */
	function finish() {
		if (cur) {
			enqueue(body(cur));
			cur = null;
		}
		thanksScreen();
	}

	function body(c) {
		var b = {
			idempotency_key: newKey(),
			answers: { overall: c.overall },
			lang: c.lang,
			answered_at: c.at
		};
		if (c.token)
			b.token = c.token;
		for (var q in c.answers)
			b.answers[q] = c.answers[q];
		if (c.reasons.length > 0)
			b.answers[(survey.reasons && survey.reasons.id) ||
			    "reasons"] = c.reasons.slice();
		var cm = c.comment.trim();
		if (cm !== "")
			b.comment = cm.slice(0, COMMENT_MAX);
		return b;
	}

	function newKey() {
		var a = new Uint8Array(16);
		crypto.getRandomValues(a);
		return Array.prototype.map.call(a, function (x) {
			return (x < 16 ? "0" : "") + x.toString(16);
		}).join("");
	}

	/* Nobody touched the screen: keep what was rated, start again. */
	function armIdle() {
		clearTimeout(idleTimer);
		if (screen === "question" || screen === "reasons" ||
		    screen === "comment")
			idleTimer = setTimeout(function () {
				if (cur) {
					enqueue(body(cur));
					cur = null;
				}
				backToStart();
			}, IDLE_MS);
	}
	["pointerdown", "keydown", "touchstart"].forEach(function (ev) {
		document.addEventListener(ev, armIdle, { passive: true });
	});

	/* --------------------------------------------------- enrolment */

	function enrolScreen(msg, code) {
		redraw = function () { enrolScreen(msg, input.value); };
		var input = el("input", { id: "code", type: "text",
		    autocomplete: "off", autocapitalize: "characters",
		    spellcheck: "false", inputmode: "text",
		    "aria-describedby": msg ? "enrol-msg" : null });
		input.value = code || "";
		var form = el("form", { "class": "enrol" },
		    el("label", { "for": "code", text: t("enrol_label") }),
		    input,
		    el("button", { type: "submit", "class": "big primary",
			"data-action": "enrol" }, t("enrol_button")));
		form.addEventListener("submit", function (e) {
			e.preventDefault();
			enrol(input.value);
		});
		show("enrol", [el("h1", { text: t("enrol_title") }),
		    msg ? el("p", { "class": "alert", id: "enrol-msg",
			role: "alert", text: t(msg) }) : null,
		    form]);
	}

	function enrol(code) {
		code = String(code || "").trim().toUpperCase();
		if (code === "")
			return;
		fetch("/api/v1/kiosk/enrol", {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ code: code }),
			cache: "no-store"
		}).then(function (r) {
			if (r.status === 201 || r.status === 200)
				return r.json().then(function (j) {
					kiosk = { key: j.key, name: j.name,
					    unit: j.unit, counter: j.counter };
					localStorage.setItem(KEY_STORE,
					    JSON.stringify(kiosk));
					revokedMsg = false;
					run();
				});
			enrolScreen(r.status >= 500 ? "enrol_error" :
			    "enrol_bad", code);
		}).catch(function () {
			enrolScreen("enrol_error", code);
		});
	}

	function revoked() {
		if (revokedMsg)
			return;
		revokedMsg = true;
		kiosk = null;
		ticket = pending = null;
		pollGen++;
		localStorage.removeItem(KEY_STORE);
		enrolScreen("revoked");
	}

	/* ------------------------------------------------------ survey */

	function loadSurvey() {
		try {
			survey = JSON.parse(localStorage.getItem(SURVEY_STORE));
		} catch (e) {
			survey = null;
		}
		return fetch("/api/v1/survey").then(function (r) {
			if (!r.ok)
				throw new Error("survey " + r.status);
			return r.json();
		}).then(function (j) {
			survey = j;
			localStorage.setItem(SURVEY_STORE, JSON.stringify(j));
		}).catch(function () {
			if (!survey)
				setTimeout(function () {
					loadSurvey().then(function () {
						if (screen === "loading")
							startScreen();
					});
				}, 5000);
		});
	}

	/* ---------------------------------------------------- pairing */

	function setTicket(tk) {
		ticket = tk;
		ticketAt = Date.now();
	}

	function poll(gen, delay) {
		if (gen !== pollGen || !kiosk)
			return;
		var ctl = new AbortController();
		var timer = setTimeout(function () { ctl.abort(); },
		    (POLL_WAIT + 10) * 1000);
		var q = "?wait=" + POLL_WAIT;
		var last = ticket ? ticket.token : seen;
		if (last)
			q += "&seen=" + encodeURIComponent(last);
		fetch("/api/v1/kiosk/next" + q, {
			headers: { Authorization: "Bearer " + kiosk.key },
			cache: "no-store",
			signal: ctl.signal
		}).then(function (r) {
			clearTimeout(timer);
			if (r.status === 401) {
				revoked();
				return;
			}
			if (r.status === 204) {
				netUp();
				poll(gen, 0);
				return;
			}
			if (r.status !== 200)
				throw new Error("next " + r.status);
			return r.json().then(function (tk) {
				netUp();
				if (gen !== pollGen)
					return;
				if (tk && tk.token && tk.token !== seen) {
					if (screen === "start" ||
					    screen === "start-paired" ||
					    screen === "loading") {
						setTicket(tk);
						startScreen();
					} else {
						pending = tk;
					}
				}
				poll(gen, 0);
			});
		}).catch(function () {
			clearTimeout(timer);
			netDown();
			var d = Math.min(Math.max(delay * 2, BACKOFF_MIN),
			    BACKOFF_MAX / 2);
			setTimeout(function () { poll(gen, d); }, d);
		});
	}

	/* ------------------------------------------------------- queue */

	var db = null, mem = [], memId = 1, sending = false, sendDelay = 0;
	var sendTimer = 0;

	function openDb() {
		return new Promise(function (ok) {
			if (!window.indexedDB) {
				ok(null);
				return;
			}
			var rq = indexedDB.open("hl-kiosk", 1);
			rq.onupgradeneeded = function () {
				rq.result.createObjectStore("outbox",
				    { keyPath: "id", autoIncrement: true });
			};
			rq.onsuccess = function () { ok(rq.result); };
			rq.onerror = function () { ok(null); };
		});
	}
	function store(mode) {
		return db.transaction("outbox", mode).objectStore("outbox");
	}
	function idb(rq) {
		return new Promise(function (ok, ko) {
			rq.onsuccess = function () { ok(rq.result); };
			rq.onerror = function () { ko(rq.error); };
		});
	}
	function qAdd(b) {
		if (!db) {
			mem.push({ id: memId++, body: b });
			return Promise.resolve();
		}
		return idb(store("readwrite").add({ body: b }));
	}
	function qFirst() {
		if (!db)
			return Promise.resolve(mem[0] || null);
		return new Promise(function (ok, ko) {
			var rq = store("readonly").openCursor();
			rq.onsuccess = function () {
				ok(rq.result ? rq.result.value : null);
			};
			rq.onerror = function () { ko(rq.error); };
		});
	}
	function qDel(id) {
		if (!db) {
			mem = mem.filter(function (x) { return x.id !== id; });
			return Promise.resolve();
		}
		return idb(store("readwrite").delete(id));
	}
	function qCount() {
		if (!db)
			return Promise.resolve(mem.length);
		return idb(store("readonly").count());
	}
	function recount() {
		return qCount().then(function (n) {
			queued = n;
			status();
		});
	}

	function enqueue(b) {
		qAdd(b).then(recount).then(function () { send(); });
	}

	/* Sends the queue in order; one at a time; backs off on failure. */
	function send() {
		if (sending || !kiosk)
			return;
		clearTimeout(sendTimer);
		sending = true;
		qFirst().then(function (item) {
			if (!item) {
				sending = false;
				sendDelay = 0;
				return;
			}
			return fetch("/api/v1/responses", {
				method: "POST",
				headers: { "Content-Type": "application/json",
				    Authorization: "Bearer " + kiosk.key },
				body: JSON.stringify(item.body),
				cache: "no-store"
			}).then(function (r) {
				if (r.status === 401) {
					sending = false;
					revoked();
					return;
				}
				if (r.status >= 500 || r.status === 429 ||
				    r.status === 408)
					throw new Error("responses " + r.status);
				/*
				 * Stored, a repeat, ignored, or refused for
				 * good (answered, expired, invalid): done.
				 */
				netUp();
				sendDelay = 0;
				return qDel(item.id).then(recount).then(
				    function () {
					sending = false;
					send();
				    });
			});
		}).catch(function () {
			sending = false;
			netDown();
			sendDelay = Math.min(Math.max(sendDelay * 2,
			    BACKOFF_MIN), BACKOFF_MAX);
			sendTimer = setTimeout(send, sendDelay);
		});
	}

	function netUp() {
		if (!online) {
			online = true;
			status();
		}
	}
	function netDown() {
		if (online) {
			online = false;
			status();
		}
	}
	window.addEventListener("online", function () {
		online = true;
		status();
		sendDelay = 0;
		send();
		pollGen++;
		poll(pollGen, 0);
	});
	window.addEventListener("offline", function () {
		netDown();
	});

	/* ------------------------------------------------------- start */

	function run() {
		pollGen++;
		startScreen();
		send();
		poll(pollGen, 0);
	}

	function main() {
		var m = /^#enrol=([A-Za-z0-9-]{1,40})$/.exec(location.hash);
		if (m)
			history.replaceState(null, "", location.pathname +
			    location.search);
		try {
			kiosk = JSON.parse(localStorage.getItem(KEY_STORE));
		} catch (e) {
			kiosk = null;
		}
		if (kiosk && typeof kiosk.key !== "string")
			kiosk = null;
		if ("serviceWorker" in navigator)
			navigator.serviceWorker.register("sw.js",
			    { scope: "./" }).catch(function () {});
		Promise.all([openDb(), loadSurvey()]).then(function (r) {
			db = r[0];
			return recount();
		}).then(function () {
			if (m && !kiosk) {
				enrolScreen(null, m[1]);
				enrol(m[1]);
			} else if (!kiosk) {
				enrolScreen(null, "");
			} else {
				run();
			}
		});
	}

	/* For tests and the set-up page: the current screen's name. */
	window.hlKiosk = {
		screen: function () { return screen; },
		queued: function () { return queued; }
	};
	main();
})();
