/*
 * kiosk.js: the touchscreen kiosk beside a one-stop counter.
 *
 * Enrolment (a one-time code, or #enrol=CODE in the address) gives a kiosk
 * key, kept in localStorage with an id of that enrolment. Paired mode: a
 * long-poll of /api/v1/kiosk/next hands over the ticket the counter just
 * issued; without one, ratings are walk-ins.
 *
 * An answer: a face, then (for 1 or 2) the reasons, the optional
 * questions one per screen, and a last screen that shows the rating with
 * "change" and "send". Every screen has back and cancel. Only "send", or
 * the last screen left untouched until the idle time, records it; idle on
 * any earlier screen drops it (a face tapped by mistake is never sent).
 * No free-text comment: the kiosk may have no on-screen keyboard, and the
 * phone survey takes comments.
 *
 * Answers go to an IndexedDB queue first, each with its idempotency key,
 * the time it was queued (by this clock) and the enrolment it belongs to;
 * they are sent in order with "waited" (seconds in the queue), so that the
 * server dates them by its own clock. What the server refuses for good is
 * moved to the "refused" store, what an earlier enrolment queued to
 * "held": both are kept, counted on the status line and reported to the
 * server (/api/v1/kiosk/status), never sent under this enrolment.
 *
 * Address parameters (for tests and set-up): ?idle=SECONDS (back to the
 * start screen when nobody touches the screen, default 30), ?thanks=SECONDS
 * (how long the thank-you screen stays, default 5), ?poll=SECONDS (each
 * long poll's wait, at most and by default 25).
 *
 * No framework, no build step: plain ES2017 for the kiosk's Chromium.
 */
(function () {
	"use strict";

	var LANGS = ["vi", "en", "km"];
	var KEY_STORE = "hl.kiosk";		/* localStorage: key and names */
	var SURVEY_STORE = "hl.kiosk.survey";	/* last survey definition */
	var POLL_WAIT;				/* seconds per long-poll */
	var BACKOFF_MIN = 1000, BACKOFF_MAX = 60000;
	var TICKET_KEEP = 10 * 60 * 1000;	/* a shown ticket is dropped after */
	var WAIT_MAX = 40 * 86400;		/* the server's limit, seconds */

	var params = new URLSearchParams(location.search);
	function seconds(name, dflt) {
		var v = Number(params.get(name));
		return (v > 0 && v <= 3600) ? v * 1000 : dflt * 1000;
	}
	var IDLE_MS = seconds("idle", 30);
	var THANKS_MS = seconds("thanks", 5);
	POLL_WAIT = Math.min(25, seconds("poll", 25) / 1000);

	/*
	 * The kiosk's own words. The Khmer (km) texts await review by a
	 * native speaker.
	 */
	var T = {
		vi: {
			name: "Tiếng Việt",
			how: "Ông/Bà hài lòng thế nào với việc giải quyết thủ tục?",
			walkin: "Mời Ông/Bà chạm vào một khuôn mặt để đánh giá",
			procedure: "Thủ tục vừa hoàn thành",
			why: "Vì sao Ông/Bà chưa hài lòng?",
			why_sub: "Chọn một hoặc nhiều lý do",
			next: "Tiếp tục",
			skip: "Bỏ qua câu này",
			send_now: "Xong, xem lại và gửi",
			send: "Gửi đánh giá",
			back: "Quay lại",
			cancel: "Huỷ",
			change: "Đổi mức đánh giá",
			confirm: "Ông/Bà xem lại và gửi đánh giá",
			your_rating: "Đánh giá của Ông/Bà",
			answered: "Đã trả lời %1 câu hỏi thêm",
			optional: "Không bắt buộc",
			of: "Câu %1 / %2",
			thanks: "Cảm ơn Ông/Bà!",
			online: "Trực tuyến",
			offline: "Mất kết nối",
			queued: "Chờ gửi: %1",
			refused: "Bị từ chối: %1",
			held: "Của lần đăng ký trước: %1",
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
			skip: "Skip this question",
			send_now: "Done: check and send",
			send: "Send my rating",
			back: "Back",
			cancel: "Cancel",
			change: "Change my rating",
			confirm: "Please check and send your rating",
			your_rating: "Your rating",
			answered: "%1 more questions answered",
			optional: "Optional",
			of: "Question %1 of %2",
			thanks: "Thank you!",
			online: "Online",
			offline: "Offline",
			queued: "Waiting to send: %1",
			refused: "Refused: %1",
			held: "From an earlier enrolment: %1",
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
			name: "ភាសាខ្មែរ",
			how: "តើលោកអ្នកពេញចិត្តកម្រិតណាចំពោះការដោះស្រាយនីតិវិធីរដ្ឋបាល?",
			walkin: "សូមលោកអ្នកចុចលើមុខមួយ ដើម្បីវាយតម្លៃ",
			procedure: "នីតិវិធីរដ្ឋបាលដែលទើបបញ្ចប់",
			why: "ហេតុអ្វីបានជាលោកអ្នកមិនពេញចិត្ត?",
			why_sub: "សូមជ្រើសរើសមូលហេតុមួយ ឬច្រើន",
			next: "បន្ត",
			skip: "រំលងសំណួរនេះ",
			send_now: "រួចរាល់ ពិនិត្យ ហើយផ្ញើ",
			send: "ផ្ញើការវាយតម្លៃ",
			back: "ត្រឡប់ក្រោយ",
			cancel: "បោះបង់",
			change: "ប្ដូរការវាយតម្លៃ",
			confirm: "សូមលោកអ្នកពិនិត្យ ហើយផ្ញើការវាយតម្លៃ",
			your_rating: "ការវាយតម្លៃរបស់លោកអ្នក",
			answered: "បានឆ្លើយសំណួរបន្ថែម %1",
			optional: "ស្រេចចិត្ត",
			of: "សំណួរ %1 / %2",
			thanks: "សូមអរគុណ!",
			online: "មានអ៊ីនធឺណិត",
			offline: "គ្មានអ៊ីនធឺណិត",
			queued: "រង់ចាំផ្ញើ: %1",
			refused: "ត្រូវបានបដិសេធ: %1",
			held: "ពីការចុះឈ្មោះមុន: %1",
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
	var kiosk = null;	/* {key, name, unit, counter, eid} */
	var survey = null;
	var ticket = null;	/* the paired ticket shown, or null */
	var ticketAt = 0;
	var pending = null;	/* a ticket that came during a survey */
	var seen = "";
	var cur = null;		/* the answer being given */
	var trail = [];		/* screens of cur, for "back" */
	var screen = "";
	var idleTimer = 0, thanksTimer = 0;
	var online = navigator.onLine;
	var counts = { outbox: 0, refused: 0, held: 0 };
	var revokedMsg = false;
	var pollGen = 0;

	var KM_DIGITS = "០១២៣៤៥៦៧៨៩";
	/* A number as the current language writes it in a sentence. */
	function num(n) {
		var s = String(n);
		if (lang !== "km")
			return s;
		return s.replace(/[0-9]/g, function (d) {
			return KM_DIGITS.charAt(Number(d));
		});
	}
	function t(k) {
		var s = (T[lang] && T[lang][k]) || T.vi[k] || "";
		for (var i = 1; i < arguments.length; i++)
			s = s.split("%" + i).join(typeof arguments[i] === "number" ?
			    num(arguments[i]) : String(arguments[i]));
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
	function button(cls, action, text, on) {
		return el("button", { type: "button", "class": "big " + cls,
		    "data-action": action, on: on }, text);
	}

	/* Level 1..5: red, orange, amber, green, dark green. */
	var FACE_COLOURS = ["#c62828", "#ef6c00", "#f9a825", "#43a047",
	    "#1b5e20"];
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
		    svg("circle", { cx: 50, cy: 50, r: 46, fill: "#1b5e20" }),
		    svg("path", { d: "M28 52 L44 68 L74 36", fill: "none",
			stroke: "#fff", "stroke-width": 9,
			"stroke-linecap": "round", "stroke-linejoin": "round" }));
	}
	function levelLabel(v) {
		var lv = (survey.levels || []).filter(function (x) {
			return x.value === v;
		})[0];
		return lv ? tx(lv.label) : String(v);
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
		app.scrollTop = 0;
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
		status();
	}

	function status() {
		var s = document.getElementById("status");
		var trouble = counts.refused > 0 || counts.held > 0;
		s.className = "status " + (!online ? "offline" : trouble ?
		    "trouble" : counts.outbox > 0 ? "queued" : "online");
		var words = [online ? t("online") : t("offline")];
		if (counts.outbox > 0)
			words.push(t("queued", counts.outbox));
		if (counts.refused > 0)
			words.push(t("refused", counts.refused));
		if (counts.held > 0)
			words.push(t("held", counts.held));
		s.querySelector(".status-text").textContent = words.join(" · ");
		s.setAttribute("data-queued", String(counts.outbox));
		s.setAttribute("data-refused", String(counts.refused));
		s.setAttribute("data-held", String(counts.held));
	}

	function setLang(l) {
		lang = l;
		if (cur)
			cur.lang = l;
		redraw();
	}

	/* ----------------------------------------------------- screens */

	var redraw = function () {};

	/* Back, cancel and a forward button: one row, forward biggest. */
	function nav(fwd) {
		var n = el("div", { "class": "nav" });
		n.appendChild(button("tertiary", "cancel", t("cancel"), cancel));
		n.appendChild(button("secondary", "back", t("back"), back));
		if (fwd)
			n.appendChild(fwd);
		return n;
	}

	/* Leaves a screen of cur for the next, remembering it for back. */
	function go(from, to) {
		trail.push({ fn: from, qi: cur.qi });
		to();
	}
	function back() {
		var prev = trail.pop();
		if (!prev) {
			startScreen();
			return;
		}
		cur.qi = prev.qi;
		prev.fn();
	}
	/* Nothing is recorded: the answer is dropped. */
	function cancel() {
		cur = null;
		trail = [];
		backToStart();
	}

	function startScreen() {
		clearTimeout(thanksTimer);
		if (!cur) {
			trail = [];
			if (pending) {
				setTicket(pending);
				pending = null;
			}
		}
		if (ticket && Date.now() - ticketAt > TICKET_KEEP)
			ticket = null;
		redraw = startScreen;
		if (!survey) {
			show("loading", [el("h1", { text: "…" })]);
			return;
		}
		var tk = cur ? cur.ticket : ticket;
		var faces = el("div", { "class": "faces", role: "group",
		    "aria-labelledby": "q-overall" });
		/* Very satisfied first, on every channel. */
		(survey.levels || []).slice().sort(function (a, b) {
			return b.value - a.value;
		}).forEach(function (lv) {
			faces.appendChild(el("button", { type: "button",
			    "class": "big face l" + lv.value,
			    "data-level": lv.value,
			    "aria-pressed": cur ? String(cur.overall === lv.value) :
				null,
			    on: function () { rate(lv.value); } },
			    face(lv.value), el("span", { text: tx(lv.label) })));
		});
		var nodes = [el("h1", { id: "q-overall", text: t("how") })];
		if (tk)
			nodes.push(el("div", { "class": "proc",
			    "data-token": tk.token },
			    el("span", { text: t("procedure") }),
			    el("b", { text: tx(tk.procedure &&
				tk.procedure.name) ||
				(tk.procedure && tk.procedure.code) || "" })));
		/* The prompt in the other languages, each in its script. */
		var prompts = el("p", { "class": "intro" });
		LANGS.forEach(function (l) {
			prompts.appendChild(el("span", { lang: l,
			    "class": l === lang ? "here" : "other",
			    text: T[l].walkin }));
		});
		nodes.push(prompts, faces);
		if (cur) {
			nodes.push(el("div", { "class": "nav" },
			    button("tertiary", "cancel", t("cancel"), cancel)));
		} else {
			var langs = el("div", { "class": "langs", role: "group",
			    "aria-label": T.vi.language + " / " +
			    T.en.language + " / " + T.km.language });
			LANGS.forEach(function (l) {
				langs.appendChild(el("button", { type: "button",
				    "class": "big lang", lang: l,
				    "aria-pressed": String(l === lang),
				    "data-lang": l,
				    on: function () { setLang(l); } },
				    T[l].name));
			});
			nodes.push(langs);
		}
		show(cur ? "rate" : tk ? "start-paired" : "start", nodes);
	}

	function rate(v) {
		if (cur) {	/* changed: the rest of the answer stays */
			cur.overall = v;
			if (v > 2)
				cur.reasons = [];
			if (cur.toConfirm && !(v <= 2 && cur.reasons.length ===
			    0 && survey.reasons && survey.reasons.options &&
			    survey.reasons.options.length > 0)) {
				go(startScreen, confirmScreen);
				return;
			}
		} else {
			cur = {
				overall: v,
				ticket: ticket,
				lang: lang,
				answers: {},
				reasons: [],
				qi: 0
			};
			trail = [];
			if (ticket) {
				seen = ticket.token;
				ticket = null;
			}
		}
		if (v <= 2 && survey.reasons && survey.reasons.options &&
		    survey.reasons.options.length > 0)
			go(startScreen, reasonsScreen);
		else
			go(startScreen, questionScreen);
	}

	function reasonsScreen() {
		redraw = reasonsScreen;
		var opts = el("div", { "class": "opts", role: "group",
		    "aria-labelledby": "q-reasons" });
		survey.reasons.options.forEach(function (o) {
			var on = cur.reasons.indexOf(o.id) >= 0;
			var b = el("button", { type: "button", "class": "big opt",
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
		    el("h1", { id: "q-reasons", text: t("why") }),
		    el("p", { "class": "sub", text: t("why_sub") }),
		    opts,
		    nav(button("primary", "next", t("next"), function () {
			go(reasonsScreen, cur.toConfirm ? confirmScreen :
			    questionScreen);
		    }))]);
	}

	function questionScreen() {
		var qs = survey.questions || [];
		if (cur.qi >= qs.length) {
			confirmScreen();
			return;
		}
		redraw = questionScreen;
		var q = qs[cur.qi];
		function next() {
			go(questionScreen, function () {
				cur.qi++;
				questionScreen();
			});
		}
		var opts = el("div", { "class": "opts", role: "group",
		    "aria-labelledby": "q-text" });
		(q.options || []).forEach(function (o) {
			opts.appendChild(el("button", { type: "button",
			    "class": "big opt", "data-option": o.id,
			    "aria-pressed": String(cur.answers[q.id] === o.id),
			    on: function () {
				cur.answers[q.id] = o.id;
				next();
			    } }, tx(o.label)));
		});
		var n = nav(null);
		if (!q.required) {
			n.appendChild(button("secondary", "skip", t("skip"),
			    function () {
				delete cur.answers[q.id];
				next();
			    }));
			n.appendChild(button("primary", "send-now",
			    t("send_now"), function () {
				go(questionScreen, confirmScreen);
			    }));
		}
		show("question", [
		    el("p", { "class": "progress",
			text: t("of", cur.qi + 1, qs.length) +
			(q.required ? "" : " · " + t("optional")) }),
		    el("h1", { id: "q-text", "data-question": q.id,
			text: tx(q.text) }),
		    opts, n]);
	}

	/* The last screen: the rating, change, send. */
	function confirmScreen() {
		redraw = confirmScreen;
		var n = Object.keys(cur.answers).length;
		var card = el("div", { "class": "chosen l" + cur.overall,
		    "data-level": cur.overall },
		    face(cur.overall),
		    el("div", {},
			el("span", { "class": "label", text: t("your_rating") }),
			el("b", { text: levelLabel(cur.overall) }),
			n > 0 ? el("span", { "class": "label",
			    text: t("answered", n) }) : null));
		show("confirm", [
		    el("h1", { text: t("confirm") }),
		    card,
		    el("div", { "class": "nav center" },
			button("secondary", "change", t("change"), function () {
				cur.toConfirm = true;
				go(confirmScreen, startScreen);
			})),
		    nav(button("primary", "send", t("send"), finish))]);
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
		cur = null;
		startScreen();
	}

	/* Queues the answer and thanks. */
	function finish() {
		if (cur) {
			enqueue(body(cur));
			cur = null;
			trail = [];
		}
		thanksScreen();
	}

	function body(c) {
		var b = {
			idempotency_key: newKey(),
			answers: { overall: c.overall },
			lang: c.lang
		};
		if (c.ticket)
			b.token = c.ticket.token;
		for (var q in c.answers)
			b.answers[q] = c.answers[q];
		if (c.reasons.length > 0 && c.overall <= 2)
			b.answers[(survey.reasons && survey.reasons.id) ||
			    "reasons"] = c.reasons.slice();
		return b;
	}

	function newKey() {
		var a = new Uint8Array(16);
		crypto.getRandomValues(a);
		return Array.prototype.map.call(a, function (x) {
			return (x < 16 ? "0" : "") + x.toString(16);
		}).join("");
	}

	/*
	 * Nobody touched the screen: the last screen sends what it shows;
	 * any earlier one drops the answer (a mistaken tap is not sent).
	 */
	function armIdle() {
		clearTimeout(idleTimer);
		if (cur && screen !== "thanks")
			idleTimer = setTimeout(function () {
				if (screen === "confirm")
					finish();
				else
					cancel();
			}, IDLE_MS);
		else if (!cur && lang !== "vi" && screen === "start")
			idleTimer = setTimeout(backToStart, IDLE_MS);
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
					    unit: j.unit, counter: j.counter,
					    eid: newKey() };
					localStorage.setItem(KEY_STORE,
					    JSON.stringify(kiosk));
					revokedMsg = false;
					lastReport = "";
					run();
				});
			enrolScreen(r.status >= 500 ? "enrol_error" :
			    "enrol_bad", code);
		}).catch(function () {
			enrolScreen("enrol_error", code);
		});
	}

	/* The queue stays: its items belong to the old enrolment. */
	function revoked() {
		if (revokedMsg)
			return;
		revokedMsg = true;
		kiosk = null;
		ticket = pending = null;
		cur = null;
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
					if (!cur && (screen === "start" ||
					    screen === "start-paired" ||
					    screen === "loading")) {
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

	/*
	 * Three stores of items {id, body, at (ms, this clock), eid}:
	 * outbox (to send, in order), refused (refused for good, with the
	 * status and reason), held (queued under an earlier enrolment).
	 */
	var STORES = ["outbox", "refused", "held"];
	var db = null, mem = { outbox: [], refused: [], held: [] }, memId = 1;
	var sending = false, sendDelay = 0, sendTimer = 0;
	var lastReport = "", reporting = false;

	function openDb() {
		return new Promise(function (ok) {
			if (!window.indexedDB) {
				ok(null);
				return;
			}
			var rq = indexedDB.open("hl-kiosk", 2);
			rq.onupgradeneeded = function () {
				var d = rq.result;
				STORES.forEach(function (n) {
					if (!d.objectStoreNames.contains(n))
						d.createObjectStore(n, {
						    keyPath: "id",
						    autoIncrement: true });
				});
			};
			rq.onsuccess = function () { ok(rq.result); };
			rq.onerror = function () { ok(null); };
		});
	}
	function idb(rq) {
		return new Promise(function (ok, ko) {
			rq.onsuccess = function () { ok(rq.result); };
			rq.onerror = function () { ko(rq.error); };
		});
	}
	function qAdd(name, item) {
		if (!db) {
			item.id = memId++;
			mem[name].push(item);
			return Promise.resolve();
		}
		delete item.id;
		return idb(db.transaction(name, "readwrite").objectStore(name)
		    .add(item));
	}
	function qFirst() {
		if (!db)
			return Promise.resolve(mem.outbox[0] || null);
		return new Promise(function (ok, ko) {
			var rq = db.transaction("outbox", "readonly")
			    .objectStore("outbox").openCursor();
			rq.onsuccess = function () {
				ok(rq.result ? rq.result.value : null);
			};
			rq.onerror = function () { ko(rq.error); };
		});
	}
	function qDel(id) {
		if (!db) {
			mem.outbox = mem.outbox.filter(function (x) {
				return x.id !== id;
			});
			return Promise.resolve();
		}
		return idb(db.transaction("outbox", "readwrite")
		    .objectStore("outbox").delete(id));
	}
	/* Moves an outbox item to another store in one transaction. */
	function qMove(item, to, extra) {
		var copy = {};
		for (var k in item)
			if (k !== "id")
				copy[k] = item[k];
		for (k in extra || {})
			copy[k] = extra[k];
		if (!db) {
			mem.outbox = mem.outbox.filter(function (x) {
				return x.id !== item.id;
			});
			copy.id = memId++;
			mem[to].push(copy);
			return Promise.resolve();
		}
		return new Promise(function (ok, ko) {
			var tr = db.transaction(["outbox", to], "readwrite");
			tr.objectStore(to).add(copy);
			tr.objectStore("outbox").delete(item.id);
			tr.oncomplete = function () { ok(); };
			tr.onerror = function () { ko(tr.error); };
			tr.onabort = function () { ko(tr.error); };
		});
	}
	function qCount(name) {
		if (!db)
			return Promise.resolve(mem[name].length);
		return idb(db.transaction(name, "readonly").objectStore(name)
		    .count());
	}
	function recount() {
		return Promise.all(STORES.map(qCount)).then(function (n) {
			counts.outbox = n[0];
			counts.refused = n[1];
			counts.held = n[2];
			status();
			report();
		});
	}

	/* Tells the server what this kiosk keeps, when that changed. */
	function report() {
		if (!kiosk || reporting)
			return;
		var b = JSON.stringify({ queued: counts.outbox,
		    refused: counts.refused, held: counts.held });
		if (b === lastReport)
			return;
		reporting = true;
		fetch("/api/v1/kiosk/status", {
			method: "POST",
			headers: { "Content-Type": "application/json",
			    Authorization: "Bearer " + kiosk.key },
			body: b,
			cache: "no-store"
		}).then(function (r) {
			reporting = false;
			if (r.status === 204)
				lastReport = b;
			else if (r.status === 401)
				revoked();
			if (r.status === 204 && JSON.stringify({
			    queued: counts.outbox, refused: counts.refused,
			    held: counts.held }) !== b)
				report();
		}).catch(function () {
			reporting = false;
		});
	}

	function enqueue(b) {
		qAdd("outbox", { body: b, at: Date.now(),
		    eid: kiosk ? kiosk.eid : "" }).then(recount).then(
		    function () { send(); });
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
			/* Another enrolment's: kept apart, never sent here. */
			if ((item.eid || "") !== (kiosk.eid || ""))
				return qMove(item, "held").then(recount).then(
				    function () {
					sending = false;
					send();
				    });
			var b = {};
			for (var k in item.body)
				if (k !== "answered_at")
					b[k] = item.body[k];
			/* Queued by an older page: its answered_at. */
			var at = typeof item.at === "number" ? item.at :
			    Date.parse(item.body && item.body.answered_at);
			b.waited = isFinite(at) ? Math.min(WAIT_MAX, Math.max(0,
			    Math.floor((Date.now() - at) / 1000))) : 0;
			return fetch("/api/v1/responses", {
				method: "POST",
				headers: { "Content-Type": "application/json",
				    Authorization: "Bearer " + kiosk.key },
				body: JSON.stringify(b),
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
				netUp();
				sendDelay = 0;
				var done;
				if (r.status < 300) {
					done = qDel(item.id);
				} else {
					/* Refused for good: kept, counted. */
					done = r.json().catch(function () {
						return {};
					}).then(function (j) {
						return qMove(item, "refused", {
						    status: r.status,
						    error: String(j && j.error ||
							""),
						    refused_at: Date.now() });
					});
				}
				return done.then(recount).then(function () {
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
		report();
		pollGen++;
		poll(pollGen, 0);
	});
	window.addEventListener("offline", function () {
		netDown();
	});

	/* ------------------------------------------------------- start */

	function run() {
		pollGen++;
		cur = null;
		startScreen();
		recount().then(send);
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
		/* Enrolled before enrolments had ids: its queue is its own. */
		if (kiosk && !kiosk.eid) {
			kiosk.eid = "";
			localStorage.setItem(KEY_STORE, JSON.stringify(kiosk));
		}
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

	/* For tests and the set-up page: the current screen and counts. */
	window.hlKiosk = {
		screen: function () { return screen; },
		queued: function () { return counts.outbox; },
		refused: function () { return counts.refused; },
		held: function () { return counts.held; }
	};
	main();
})();
