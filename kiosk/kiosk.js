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
 * The screens are the states of SCREENS below: each says what it shows,
 * which actions it takes and where each leads, and its timers; go() is
 * the one way from one to another, act() the way a tap or a timer asks
 * for it. What lives across screens is in S.
 *
 * The words are the server's (templates/strings.ini, the pages' words),
 * sent with the survey's definition (GET /api/v1/survey, "strings") and
 * kept with it in localStorage for when the server cannot be reached.
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

	/* This app's version, reported to the server with the queue (the
	 * admin console lists it): raise it with every change of kiosk/. */
	var APP_VERSION = "2026.12.1";
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
	 * The enrolment screen's words (and its status line's), for when it
	 * is shown before the server's words ever arrived: a new kiosk is
	 * enrolled before it has a survey definition, maybe with the server
	 * not reachable yet. Every other screen waits for the definition (the
	 * loading screen), so needs no words of its own. In Vietnamese, as
	 * the enrolment is done by staff; the same texts as strings.ini.
	 */
	var ENROL_WORDS = {
		kiosk_enrol_title: "Đăng ký máy đánh giá",
		kiosk_enrol_label: "Mã đăng ký (do quản trị viên cung cấp)",
		kiosk_enrol_button: "Đăng ký",
		kiosk_enrol_bad: "Mã không đúng, đã dùng hoặc đã hết hạn.",
		kiosk_enrol_error: "Không kết nối được máy chủ. " +
		    "Vui lòng thử lại.",
		kiosk_revoked: "Máy này cần được đăng ký lại.",
		kiosk_online: "Trực tuyến",
		kiosk_offline: "Mất kết nối"
	};

	/*
	 * What lives across screens:
	 *   screen    the screen shown: a key of SCREENS (and the body's
	 *             data-screen)
	 *   lang      the screens' language; Vietnamese again at each start
	 *   kiosk     this enrolment {key, name, unit, counter, eid}, or null
	 *   survey    the survey's definition with the words ("strings"), or
	 *             null until one was fetched or found in localStorage
	 *   ticket    the paired ticket the start screen shows, or null
	 *   ticketAt  when it came (ms); shown for TICKET_KEEP at most
	 *   pending   a ticket that came while someone answered: the next
	 *             start screen shows it
	 *   seen      the token of the last ticket answered (the long poll
	 *             asks for a newer one)
	 *   cur       the answer being given, or null: {overall, ticket (or
	 *             null: a walk-in), lang, answers {question: option},
	 *             reasons [option], qi (the question shown or next),
	 *             toConfirm (the last screen was reached: a changed face
	 *             goes back to it)}
	 *   trail     the screens of cur to go back to, [{screen, qi}]
	 *   idleTimer the screen's idle timer; timer its own (thanks)
	 *   online    the network answered the last request
	 *   counts    {outbox, refused, held}: items in the queue's stores
	 *   revokedMsg  the key was found revoked (shown once)
	 *   pollGen   the long poll's generation: a poll of an older one ends
	 */
	var S = {
		screen: "",
		lang: "vi",
		kiosk: null,
		survey: null,
		ticket: null,
		ticketAt: 0,
		pending: null,
		seen: "",
		cur: null,
		trail: [],
		idleTimer: 0,
		timer: 0,
		online: navigator.onLine,
		counts: { outbox: 0, refused: 0, held: 0 },
		revokedMsg: false,
		pollGen: 0
	};

	var KM_DIGITS = "០១២៣៤៥៦៧៨៩";
	/* A number as the current language writes it in a sentence. */
	function num(n) {
		var s = String(n);
		if (S.lang !== "km")
			return s;
		return s.replace(/[0-9]/g, function (d) {
			return KM_DIGITS.charAt(Number(d));
		});
	}
	/* The server's words in language l ({} before any arrived). */
	function words(l) {
		var s = S.survey && S.survey.strings;
		return (s && s[l]) || {};
	}
	/* Word k in the current language, {name} filled in from vars. */
	function t(k, vars) {
		var s = words(S.lang)[k] || words("vi")[k] || ENROL_WORDS[k] ||
		    "";
		for (var v in vars || {})
			s = s.split("{" + v + "}").join(typeof vars[v] ===
			    "number" ? num(vars[v]) : String(vars[v]));
		return s;
	}
	/* A word of the pages' starting a phrase here ("không bắt buộc"). */
	function capital(s) {
		return s.charAt(0).toUpperCase() + s.slice(1);
	}
	function tx(o) {
		if (o == null)
			return "";
		if (typeof o === "string")
			return o;
		return o[S.lang] || o.vi || o.en || "";
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
	/* A button that asks for action (with arg) of the screen shown. */
	function button(cls, action, text, arg) {
		return el("button", { type: "button", "class": "big " + cls,
		    "data-action": action,
		    on: function () { act(action, arg); } }, text);
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
		var lv = (S.survey.levels || []).filter(function (x) {
			return x.value === v;
		})[0];
		return lv ? tx(lv.label) : String(v);
	}

	function bar() {
		document.documentElement.lang = S.lang;
		var where = document.getElementById("where");
		var parts = [];
		if (S.kiosk && S.kiosk.unit)
			parts.push(tx(S.kiosk.unit.name) || S.kiosk.unit.code);
		if (S.kiosk && S.kiosk.counter)
			parts.push(t("kiosk_counter",
			    { counter: S.kiosk.counter }));
		where.textContent = parts.join(" · ");
		status();
	}

	function status() {
		var s = document.getElementById("status");
		var c = S.counts;
		var trouble = c.refused > 0 || c.held > 0;
		s.className = "status " + (!S.online || S.gone ? "offline" :
		    trouble ?
		    "trouble" : c.outbox > 0 ? "queued" : "online");
		var w = [S.gone ? t("kiosk_unit_retired") : S.online ?
		    t("kiosk_online") : t("kiosk_offline")];
		if (c.outbox > 0)
			w.push(t("kiosk_queued", { n: c.outbox }));
		if (c.refused > 0)
			w.push(t("kiosk_refused", { n: c.refused }));
		if (c.held > 0)
			w.push(t("kiosk_held", { n: c.held }));
		s.querySelector(".status-text").textContent = w.join(" · ");
		s.setAttribute("data-queued", String(c.outbox));
		s.setAttribute("data-refused", String(c.refused));
		s.setAttribute("data-held", String(c.held));
	}

	/* ------------------------------------------------------ views */

	/* Back and cancel: every screen of an answer but the first. */
	function answerNav(fwd) {
		var n = el("div", { "class": "nav" });
		n.appendChild(button("tertiary", "cancel", t("kiosk_cancel")));
		n.appendChild(button("secondary", "back", t("kiosk_back")));
		if (fwd)
			n.appendChild(fwd);
		return n;
	}

	function loadingView() {
		return [el("h1", { text: "…" })];
	}

	/* arg: {msg: the key of a word to show, or none; code: typed} */
	function enrolView(arg) {
		var msg = arg && arg.msg;
		var input = el("input", { id: "code", type: "text",
		    autocomplete: "off", autocapitalize: "characters",
		    spellcheck: "false", inputmode: "text",
		    "aria-describedby": msg ? "enrol-msg" : null });
		input.value = (arg && arg.code) || "";
		var form = el("form", { "class": "enrol" },
		    el("label", { "for": "code",
			text: t("kiosk_enrol_label") }),
		    input,
		    el("button", { type: "submit", "class": "big primary",
			"data-action": "enrol" }, t("kiosk_enrol_button")));
		form.addEventListener("submit", function (e) {
			e.preventDefault();
			act("enrol", input.value);
		});
		return [el("h1", { text: t("kiosk_enrol_title") }),
		    msg ? el("p", { "class": "alert", id: "enrol-msg",
			role: "alert", text: t(msg) }) : null,
		    form];
	}

	/* The faces (start, start-paired, rate). */
	function startView() {
		var cur = S.cur, tk = cur ? cur.ticket : S.ticket;
		var faces = el("div", { "class": "faces", role: "group",
		    "aria-labelledby": "q-overall" });
		/* Very satisfied first, on every channel. */
		(S.survey.levels || []).slice().sort(function (a, b) {
			return b.value - a.value;
		}).forEach(function (lv) {
			faces.appendChild(el("button", { type: "button",
			    "class": "big face l" + lv.value,
			    "data-level": lv.value,
			    "aria-pressed": cur ?
				String(cur.overall === lv.value) : null,
			    on: function () { act("face", lv.value); } },
			    face(lv.value), el("span", { text: tx(lv.label) })));
		});
		var nodes = [el("h1", { id: "q-overall",
		    text: S.survey.overall ? tx(S.survey.overall) :
			t("kiosk_how") })];
		if (tk)
			nodes.push(el("div", { "class": "proc",
			    "data-token": tk.token },
			    el("span", { text: t(tk.service ?
				"kiosk_service" : tk.stage_intro ? "procedure" :
				"kiosk_procedure") }),
			    el("b", { text: tx(tk.procedure &&
				tk.procedure.name) ||
				(tk.procedure && tk.procedure.code) || "" })));
		/* A ticket at a stage of its dossier: the survey's words. */
		if (tk && tk.stage_intro)
			nodes.push(el("p", { "class": "stage",
			    "data-stage": tk.stage, text: tx(tk.stage_intro) }));
		/* The prompt in the other languages, each in its script. */
		var prompts = el("p", { "class": "intro" });
		LANGS.forEach(function (l) {
			prompts.appendChild(el("span", { lang: l,
			    "class": l === S.lang ? "here" : "other",
			    text: words(l).kiosk_walkin }));
		});
		nodes.push(prompts, faces);
		if (cur) {
			nodes.push(el("div", { "class": "nav" },
			    button("tertiary", "cancel", t("kiosk_cancel"))));
		} else {
			var langs = el("div", { "class": "langs", role: "group",
			    "aria-label": LANGS.map(function (l) {
				return words(l).language;
			    }).join(" / ") });
			LANGS.forEach(function (l) {
				langs.appendChild(el("button", { type: "button",
				    "class": "big lang", lang: l,
				    "aria-pressed": String(l === S.lang),
				    "data-lang": l,
				    on: function () { act("lang", l); } },
				    words(l).lang_name));
			});
			nodes.push(langs);
		}
		return nodes;
	}

	function reasonsView() {
		var opts = el("div", { "class": "opts", role: "group",
		    "aria-labelledby": "q-reasons" });
		S.survey.reasons.options.forEach(function (o) {
			var on = S.cur.reasons.indexOf(o.id) >= 0;
			var b = el("button", { type: "button", "class": "big opt",
			    "aria-pressed": String(on), "data-option": o.id },
			    el("span", { "class": "check", "aria-hidden": "true",
				text: on ? "✓" : "" }),
			    el("span", { text: tx(o.label) }));
			/* Marked in place: a redraw would move the focus. */
			b.addEventListener("click", function () {
				act("toggle", o.id);
				var now = S.cur.reasons.indexOf(o.id) >= 0;
				b.setAttribute("aria-pressed", String(now));
				b.firstChild.textContent = now ? "✓" : "";
			});
			opts.appendChild(b);
		});
		return [el("h1", { id: "q-reasons", text: t("kiosk_why") }),
		    el("p", { "class": "sub", text: t("kiosk_why_sub") }),
		    opts,
		    answerNav(button("primary", "next", t("kiosk_next")))];
	}

	/* Question S.cur.qi. */
	function questionView() {
		var qs = questions(), q = qs[S.cur.qi];
		var opts = el("div", { "class": "opts", role: "group",
		    "aria-labelledby": "q-text" });
		(q.options || []).forEach(function (o) {
			opts.appendChild(el("button", { type: "button",
			    "class": "big opt", "data-option": o.id,
			    "aria-pressed": String(S.cur.answers[q.id] === o.id),
			    on: function () { act("answer", o.id); } },
			    tx(o.label)));
		});
		var n = answerNav(null);
		if (!q.required) {
			n.appendChild(button("secondary", "skip",
			    t("kiosk_skip")));
			n.appendChild(button("primary", "send-now",
			    t("kiosk_send_now")));
		}
		return [el("p", { "class": "progress",
			text: t("kiosk_question_of", { n: S.cur.qi + 1,
			    total: qs.length }) + (q.required ? "" : " · " +
			    capital(t("optional"))) }),
		    el("h1", { id: "q-text", "data-question": q.id,
			text: tx(q.text) }),
		    opts, n];
	}

	/* The rating, change and send. */
	function confirmView() {
		var cur = S.cur, n = Object.keys(cur.answers).length;
		var card = el("div", { "class": "chosen l" + cur.overall,
		    "data-level": cur.overall },
		    face(cur.overall),
		    el("div", {},
			el("span", { "class": "label",
			    text: t("kiosk_your_rating") }),
			el("b", { text: levelLabel(cur.overall) }),
			n > 0 ? el("span", { "class": "label",
			    text: t("kiosk_answered", { n: n }) }) : null));
		return [el("h1", { text: t("kiosk_confirm") }),
		    card,
		    el("div", { "class": "nav center" },
			button("secondary", "change", t("kiosk_change")),
			button("secondary", "complain", t("fu_heading"))),
		    cur.followup ? el("p", { "class": "fu-attached",
			role: "status", text: t("kiosk_fu_attached") }) : null,
		    answerNav(button("primary", "send", t("submit")))];
	}

	/*
	 * A complaint or request to send with the answer: the text, and a
	 * phone number kept only with the tick of consent. Checked here as
	 * the server checks it; the words of a refusal are the pages'.
	 */
	function complaintView(arg) {
		var fu = (S.cur && S.cur.followup) || {};
		var err = arg && arg.error;
		var text = el("textarea", { id: "fu-text", rows: "4",
		    maxlength: "1000", "aria-describedby": err ? "fu-err" :
		    null });
		var phone = el("input", { id: "fu-phone", type: "tel",
		    inputmode: "tel", autocomplete: "off", maxlength: "32",
		    "aria-describedby": "fu-phone-hint" });
		var consent = el("input", { id: "fu-consent",
		    type: "checkbox" });
		var kinds = el("fieldset", { "class": "fu-kinds" },
		    el("legend", { text: t("fu_kind") }));
		["complaint", "request"].forEach(function (k) {
			var r = el("input", { type: "radio", name: "fu-kind",
			    id: "fu-kind-" + k, value: k });
			r.checked = (fu.kind || "complaint") === k;
			kinds.appendChild(el("label", { "for": "fu-kind-" + k },
			    r, " " + t("fu_kind_" + k)));
		});
		text.value = fu.text || "";
		phone.value = fu.phone || "";
		consent.checked = !!fu.consent;
		var done = el("button", { type: "button",
		    "class": "big primary", "data-action": "attach",
		    on: function () {
			var k = document.querySelector(
			    "input[name=fu-kind]:checked");
			act("attach", { text: text.value, phone: phone.value,
			    consent: consent.checked,
			    kind: k ? k.value : "complaint" });
		    } }, t("kiosk_fu_done"));
		return [el("h1", { text: t("fu_heading") }),
		    el("p", { "class": "sub", text: t("kiosk_fu_intro") }),
		    err ? el("p", { "class": "alert", id: "fu-err",
			role: "alert", text: t(err) }) : null,
		    el("div", { "class": "fu" }, kinds,
			el("label", { "for": "fu-text", text: t("fu_text") }),
			text,
			el("label", { "for": "fu-phone",
			    text: t("fu_phone") }),
			el("p", { "class": "sub", id: "fu-phone-hint",
			    text: t("fu_phone_hint") }),
			phone,
			el("label", { "class": "fu-consent",
			    "for": "fu-consent" }, consent,
			    " " + t("fu_consent"))),
		    answerNav(done)];
	}

	function thanksView() {
		return [el("div", { "class": "thanks" }, tick(),
		    el("h1", { text: t("msg_thanks_title") }),
		    el("p", { text: tx(S.survey && S.survey.thanks) }))];
	}

	/* ---------------------------------------------------- actions */

	/*
	 * Each changes S and returns the screen to go to (which act() and
	 * go() then show), or null to stay.
	 */

	function hasReasons() {
		var r = S.survey.reasons;
		return !!(r && r.options && r.options.length > 0);
	}
	/* Less those the ticket's dossier answers (its "skip"). */
	function questions() {
		var skip = S.cur && S.cur.ticket && S.cur.ticket.skip || [];

		return (S.survey.questions || []).filter(function (q) {
			return skip.indexOf(q.id) < 0;
		});
	}

	/* A face on the first screen starts an answer. */
	function rate(v) {
		S.cur = {
			overall: v,
			ticket: S.ticket,
			lang: S.lang,
			answers: {},
			reasons: [],
			qi: 0
		};
		if (S.ticket) {
			S.seen = S.ticket.token;
			S.ticket = null;
		}
		return v <= 2 && hasReasons() ? "reasons" : "question";
	}
	/* Another face during an answer: the rest of the answer stays. */
	function rerate(v) {
		var cur = S.cur;

		cur.overall = v;
		if (v > 2)
			cur.reasons = [];
		if (cur.toConfirm && !(v <= 2 && cur.reasons.length === 0 &&
		    hasReasons()))
			return "confirm";
		return v <= 2 && hasReasons() ? "reasons" : "question";
	}
	function setLang(l) {
		S.lang = l;
		return "start";
	}
	function toggleReason(id) {
		var r = S.cur.reasons, i = r.indexOf(id);

		if (i >= 0)
			r.splice(i, 1);
		else
			r.push(id);
		return null;
	}
	function reasonsDone() {
		return S.cur.toConfirm ? "confirm" : "question";
	}
	function answer(id) {
		S.cur.answers[questions()[S.cur.qi].id] = id;
		S.cur.qi++;
		return "question";
	}
	function skip() {
		delete S.cur.answers[questions()[S.cur.qi].id];
		S.cur.qi++;
		return "question";
	}
	function toConfirm() {
		return "confirm";
	}
	function change() {
		S.cur.toConfirm = true;
		return "rate";
	}
	function complain() {
		return "complaint";
	}
	/* The complaint's fields, checked; back to the last screen. */
	function attach(f) {
		var text = String(f.text || ""), digits;
		var phone = String(f.phone || "").replace(/[ .()\-]/g, "");

		if (text.trim() === "")
			return showComplaint(f, "fu_error_text");
		if (Array.from(text).length > 1000)
			return showComplaint(f, "fu_error_long");
		digits = phone.replace(/^\+/, "");
		if (phone !== "" && (!/^[0-9]{8,15}$/.test(digits)))
			return showComplaint(f, "fu_error_phone");
		if (phone !== "" && !f.consent)
			return showComplaint(f, "fu_error_consent");
		S.cur.followup = { text: text, kind: f.kind,
		    phone: phone, consent: !!f.consent };
		return "confirm";
	}
	/* The complaint screen again with what was typed and why. */
	function showComplaint(f, why) {
		S.cur.followup = f;
		go("complaint", { error: why });
		S.cur.followup = null;
		return null;
	}
	/* Back to the screen before, with the question it showed. */
	function back() {
		var prev = S.trail.pop();

		if (!prev)
			return "start";
		S.cur.qi = prev.qi;
		return prev.screen;
	}
	/* Nothing is recorded: the answer is dropped. */
	function cancel() {
		S.cur = null;
		S.trail = [];
		S.lang = "vi";
		return "start";
	}
	/* Queues the answer. */
	function finish() {
		if (!S.preview)
			enqueue(body(S.cur));
		S.cur = null;
		S.trail = [];
		return "thanks";
	}
	function home() {
		S.lang = "vi";
		S.cur = null;
		return "start";
	}
	/* The reply leads on: to the start, or to this screen again. */
	function enrolCode(code) {
		enrol(code);
		return null;
	}

	/*
	 * The first screen as things stand: a ticket waiting takes the
	 * place of an old one, a ticket kept too long goes; the faces with
	 * the answer's face marked (rate), with the ticket (start-paired) or
	 * alone (start); the loading screen until the survey is known.
	 */
	function startResolve() {
		if (!S.cur) {
			S.trail = [];
			if (S.pending) {
				setTicket(S.pending);
				S.pending = null;
			}
		}
		if (S.ticket && Date.now() - S.ticketAt > TICKET_KEEP)
			S.ticket = null;
		if (!S.survey)
			return "loading";
		return S.cur ? "rate" : S.ticket ? "start-paired" : "start";
	}
	function questionResolve() {
		return S.cur.qi >= questions().length ? "confirm" : "question";
	}

	function idleCancel() {
		return "cancel";
	}

	/* ---------------------------------------------------- screens */

	/*
	 * The screens, by the name the body's data-screen shows. Each has
	 *   view(arg)  what it shows under the bar (nodes; arg is go()'s)
	 *   on         the actions it takes: on[name](arg), see above
	 *   resolve()  (some) the screen really shown when this one is
	 *              asked for: itself or another
	 *   idle()     (some) the action when nobody touched the screen for
	 *              IDLE_MS, or null for none
	 *   timer      (some) [ms, action]: taken after ms, touched or not
	 *   ticket     (some) true: a ticket from the counter is shown at
	 *              once; on any other screen it waits in S.pending
	 */
	var SCREENS = {
		/* Until the survey's definition is known. */
		loading: {
			resolve: startResolve,
			view: loadingView,
			on: {},
			ticket: true
		},
		enrol: {
			view: enrolView,
			on: { enrol: enrolCode }
		},
		/* Nobody there: back to Vietnamese when idle. */
		start: {
			resolve: startResolve,
			view: startView,
			on: { face: rate, lang: setLang, home: home },
			idle: function () {
				return S.lang !== "vi" ? "home" : null;
			},
			ticket: true
		},
		/* A ticket's: stays in the language chosen. */
		"start-paired": {
			resolve: startResolve,
			view: startView,
			on: { face: rate, lang: setLang },
			ticket: true
		},
		/* The faces again, during an answer. */
		rate: {
			resolve: startResolve,
			view: startView,
			on: { face: rerate, cancel: cancel },
			idle: idleCancel
		},
		reasons: {
			view: reasonsView,
			on: { toggle: toggleReason, next: reasonsDone,
			    back: back, cancel: cancel },
			idle: idleCancel
		},
		/* After the last question, the last screen. */
		question: {
			resolve: questionResolve,
			view: questionView,
			on: { answer: answer, skip: skip, "send-now": toConfirm,
			    back: back, cancel: cancel },
			idle: idleCancel
		},
		/* The last screen: left alone, it sends. */
		confirm: {
			view: confirmView,
			on: { change: change, send: finish, back: back,
			    cancel: cancel, complain: complain },
			idle: function () { return "send"; }
		},
		/* Typing takes long: left alone, it drops the answer. */
		complaint: {
			view: complaintView,
			on: { attach: attach, back: back, cancel: cancel },
			idle: idleCancel
		},
		thanks: {
			view: thanksView,
			on: { home: home },
			timer: [THANKS_MS, "home"]
		}
	};

	/*
	 * The one way between screens: name (or what it resolves to) is
	 * shown with arg, the timers of the screen left are stopped and its
	 * own started.
	 */
	function go(name, arg) {
		var st = SCREENS[name], to;

		while (st.resolve && (to = st.resolve()) !== name) {
			name = to;
			st = SCREENS[name];
		}
		clearTimeout(S.idleTimer);
		clearTimeout(S.timer);
		S.screen = name;
		document.body.setAttribute("data-screen", name);
		var app = document.getElementById("app");
		app.textContent = "";
		st.view(arg).forEach(function (n) {
			if (n)
				app.appendChild(n);
		});
		var h = app.querySelector("h1");
		if (h) {
			h.setAttribute("tabindex", "-1");
			h.focus({ preventScroll: true });
		}
		app.scrollTop = 0;
		bar();
		if (st.timer)
			S.timer = setTimeout(function () {
				act(st.timer[1]);
			}, st.timer[0]);
		armIdle();
	}

	/*
	 * Action name of the screen shown: where it leads, if anywhere.
	 * Going on during an answer remembers the screen left (and its
	 * question) for back.
	 */
	function act(name, arg) {
		var from = S.screen, qi = S.cur ? S.cur.qi : 0;
		var fn = SCREENS[from] && SCREENS[from].on[name];
		var to;

		if (!fn || (to = fn(arg)) == null)
			return;
		if (S.cur && name !== "back")
			S.trail.push({ screen: from, qi: qi });
		go(to);
	}

	/* Every touch starts the screen's idle time again. */
	function armIdle() {
		var st = SCREENS[S.screen];
		var a = st && st.idle ? st.idle() : null;

		clearTimeout(S.idleTimer);
		if (a)
			S.idleTimer = setTimeout(function () {
				act(a);
			}, IDLE_MS);
	}
	["pointerdown", "keydown", "touchstart"].forEach(function (ev) {
		document.addEventListener(ev, armIdle, { passive: true });
	});

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
			b.answers[(S.survey.reasons && S.survey.reasons.id) ||
			    "reasons"] = c.reasons.slice();
		if (c.followup) {
			b.followup = { text: c.followup.text,
			    kind: c.followup.kind };
			if (c.followup.phone) {
				b.followup.phone = c.followup.phone;
				b.followup.consent = true;
			}
		}
		return b;
	}

	function newKey() {
		var a = new Uint8Array(16);
		crypto.getRandomValues(a);
		return Array.prototype.map.call(a, function (x) {
			return (x < 16 ? "0" : "") + x.toString(16);
		}).join("");
	}

	/* --------------------------------------------------- enrolment */

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
					S.kiosk = { key: j.key, name: j.name,
					    unit: j.unit, counter: j.counter,
					    eid: newKey() };
					localStorage.setItem(KEY_STORE,
					    JSON.stringify(S.kiosk));
					S.revokedMsg = false;
					Q.lastReport = "";
					/* Its unit's survey, then run. */
					loadSurvey().then(run);
				});
			go("enrol", { code: code, msg: r.status >= 500 ?
			    "kiosk_enrol_error" : "kiosk_enrol_bad" });
		}).catch(function () {
			go("enrol", { msg: "kiosk_enrol_error", code: code });
		});
	}

	/* The queue stays: its items belong to the old enrolment. */
	function revoked() {
		if (S.revokedMsg)
			return;
		S.revokedMsg = true;
		S.kiosk = null;
		S.ticket = S.pending = null;
		S.cur = null;
		S.pollGen++;
		localStorage.removeItem(KEY_STORE);
		go("enrol", { msg: "kiosk_revoked" });
	}

	/* ------------------------------------------------------ survey */

	/* A definition this page can show: with levels and the words. */
	function usable(d) {
		return !!(d && d.levels && d.strings && d.strings.vi);
	}

	function loadSurvey() {
		try {
			S.survey = JSON.parse(localStorage.getItem(
			    SURVEY_STORE));
		} catch (e) {
			S.survey = null;
		}
		if (!usable(S.survey))
			S.survey = null;
		/* With its key, the kiosk gets its unit's survey (a hospital's
		 * kiosk the patients', a school's the families'). */
		return fetch("/api/v1/survey", S.kiosk ? { headers:
		    { Authorization: "Bearer " + S.kiosk.key },
		    cache: "no-store" } : {}).then(function (r) {
			if (!r.ok)
				throw new Error("survey " + r.status);
			return r.json();
		}).then(function (j) {
			if (!usable(j))
				throw new Error("survey without words");
			S.survey = j;
			localStorage.setItem(SURVEY_STORE, JSON.stringify(j));
		}).catch(function () {
			if (!S.survey)
				setTimeout(function () {
					loadSurvey().then(function () {
						if (S.screen === "loading")
							go("start");
					});
				}, 5000);
		});
	}

	/* ---------------------------------------------------- pairing */

	function setTicket(tk) {
		S.ticket = tk;
		S.ticketAt = Date.now();
	}

	function poll(gen, delay) {
		if (gen !== S.pollGen || !S.kiosk)
			return;
		var ctl = new AbortController();
		var timer = setTimeout(function () { ctl.abort(); },
		    (POLL_WAIT + 10) * 1000);
		var q = "?wait=" + POLL_WAIT;
		var last = S.ticket ? S.ticket.token : S.seen;
		if (last)
			q += "&seen=" + encodeURIComponent(last);
		fetch("/api/v1/kiosk/next" + q, {
			headers: { Authorization: "Bearer " + S.kiosk.key },
			cache: "no-store",
			signal: ctl.signal
		}).then(function (r) {
			clearTimeout(timer);
			if (r.status === 401) {
				revoked();
				return;
			}
			/* The unit was retired: said, not taken for the
			 * network; asked again now and then. */
			if (r.status === 410) {
				S.online = true;
				S.gone = true;
				status();
				setTimeout(function () { poll(gen, 0); },
				    BACKOFF_MAX);
				return;
			}
			if (S.gone) {
				S.gone = false;
				status();
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
				if (gen !== S.pollGen)
					return;
				if (tk && tk.token && tk.token !== S.seen) {
					if (!S.cur && SCREENS[S.screen] &&
					    SCREENS[S.screen].ticket) {
						setTicket(tk);
						go("start");
					} else {
						S.pending = tk;
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
	/*
	 * The queue's own state:
	 *   db          IndexedDB, or null: then mem, for this page's life
	 *   mem, memId  the three stores without IndexedDB, their next id
	 *   sending     an item is on its way (one at a time, in order)
	 *   sendDelay   the back-off after a failure (ms); sendTimer its timer
	 *   lastReport  the counts the server last took (their JSON)
	 *   reporting   a report is on its way
	 */
	var Q = {
		db: null,
		mem: { outbox: [], refused: [], held: [] },
		memId: 1,
		sending: false,
		sendDelay: 0,
		sendTimer: 0,
		lastReport: "",
		reporting: false
	};

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
		if (!Q.db) {
			item.id = Q.memId++;
			Q.mem[name].push(item);
			return Promise.resolve();
		}
		delete item.id;
		return idb(Q.db.transaction(name, "readwrite").objectStore(name)
		    .add(item));
	}
	function qFirst() {
		if (!Q.db)
			return Promise.resolve(Q.mem.outbox[0] || null);
		return new Promise(function (ok, ko) {
			var rq = Q.db.transaction("outbox", "readonly")
			    .objectStore("outbox").openCursor();
			rq.onsuccess = function () {
				ok(rq.result ? rq.result.value : null);
			};
			rq.onerror = function () { ko(rq.error); };
		});
	}
	function qDel(id) {
		if (!Q.db) {
			Q.mem.outbox = Q.mem.outbox.filter(function (x) {
				return x.id !== id;
			});
			return Promise.resolve();
		}
		return idb(Q.db.transaction("outbox", "readwrite")
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
		if (!Q.db) {
			Q.mem.outbox = Q.mem.outbox.filter(function (x) {
				return x.id !== item.id;
			});
			copy.id = Q.memId++;
			Q.mem[to].push(copy);
			return Promise.resolve();
		}
		return new Promise(function (ok, ko) {
			var tr = Q.db.transaction(["outbox", to], "readwrite");
			tr.objectStore(to).add(copy);
			tr.objectStore("outbox").delete(item.id);
			tr.oncomplete = function () { ok(); };
			tr.onerror = function () { ko(tr.error); };
			tr.onabort = function () { ko(tr.error); };
		});
	}
	function qCount(name) {
		if (!Q.db)
			return Promise.resolve(Q.mem[name].length);
		return idb(Q.db.transaction(name, "readonly").objectStore(name)
		    .count());
	}
	function recount() {
		return Promise.all(STORES.map(qCount)).then(function (n) {
			S.counts.outbox = n[0];
			S.counts.refused = n[1];
			S.counts.held = n[2];
			status();
			report();
		});
	}

	/* Tells the server what this kiosk keeps, when that changed. */
	function report() {
		if (!S.kiosk || Q.reporting)
			return;
		var b = JSON.stringify({ queued: S.counts.outbox,
		    refused: S.counts.refused, held: S.counts.held,
		    app: APP_VERSION });
		if (b === Q.lastReport)
			return;
		Q.reporting = true;
		fetch("/api/v1/kiosk/status", {
			method: "POST",
			headers: { "Content-Type": "application/json",
			    Authorization: "Bearer " + S.kiosk.key },
			body: b,
			cache: "no-store"
		}).then(function (r) {
			Q.reporting = false;
			if (r.status === 204)
				Q.lastReport = b;
			else if (r.status === 401)
				revoked();
			if (r.status === 204 && JSON.stringify({
			    queued: S.counts.outbox, refused: S.counts.refused,
			    held: S.counts.held, app: APP_VERSION }) !== b)
				report();
		}).catch(function () {
			Q.reporting = false;
		});
	}

	function enqueue(b) {
		qAdd("outbox", { body: b, at: Date.now(),
		    eid: S.kiosk ? S.kiosk.eid : "" }).then(recount).then(
		    function () { send(); });
	}

	/* Sends the queue in order; one at a time; backs off on failure. */
	function send() {
		if (Q.sending || !S.kiosk)
			return;
		clearTimeout(Q.sendTimer);
		Q.sending = true;
		qFirst().then(function (item) {
			if (!item) {
				Q.sending = false;
				Q.sendDelay = 0;
				return;
			}
			/* Another enrolment's: kept apart, never sent here. */
			if ((item.eid || "") !== (S.kiosk.eid || ""))
				return qMove(item, "held").then(recount).then(
				    function () {
					Q.sending = false;
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
				    Authorization: "Bearer " + S.kiosk.key },
				body: JSON.stringify(b),
				cache: "no-store"
			}).then(function (r) {
				if (r.status === 401) {
					Q.sending = false;
					revoked();
					return;
				}
				if (r.status >= 500 || r.status === 429 ||
				    r.status === 408)
					throw new Error("responses " + r.status);
				netUp();
				Q.sendDelay = 0;
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
					Q.sending = false;
					send();
				});
			});
		}).catch(function () {
			Q.sending = false;
			netDown();
			Q.sendDelay = Math.min(Math.max(Q.sendDelay * 2,
			    BACKOFF_MIN), BACKOFF_MAX);
			Q.sendTimer = setTimeout(send, Q.sendDelay);
		});
	}

	function netUp() {
		if (!S.online) {
			S.online = true;
			status();
		}
	}
	function netDown() {
		if (S.online) {
			S.online = false;
			status();
		}
	}
	window.addEventListener("online", function () {
		S.online = true;
		status();
		Q.sendDelay = 0;
		send();
		report();
		S.pollGen++;
		poll(S.pollGen, 0);
	});
	window.addEventListener("offline", function () {
		netDown();
	});


	/* ------------------------------------------------------- start */

	function run() {
		S.pollGen++;
		S.cur = null;
		go("start");
		recount().then(send);
		poll(S.pollGen, 0);
	}

	/*
	 * The admin console's preview of a survey's draft (?preview=1): its
	 * definition in the fragment; no key, nothing kept, nothing sent.
	 */
	function preview() {
		var d = /^#def=(.+)$/.exec(location.hash);

		try {
			S.survey = d ? JSON.parse(decodeURIComponent(d[1])) :
			    null;
		} catch (e) {
			S.survey = null;
		}
		if (!usable(S.survey))
			return;
		S.preview = true;
		if (LANGS.indexOf(params.get("lang")) !== -1)
			S.lang = params.get("lang");
		go("start");
	}

	function main() {
		if (params.get("preview") === "1")
			return preview();
		var m = /^#enrol=([A-Za-z0-9-]{1,40})$/.exec(location.hash);
		if (m)
			history.replaceState(null, "", location.pathname +
			    location.search);
		try {
			S.kiosk = JSON.parse(localStorage.getItem(KEY_STORE));
		} catch (e) {
			S.kiosk = null;
		}
		if (S.kiosk && typeof S.kiosk.key !== "string")
			S.kiosk = null;
		/* Enrolled before enrolments had ids: its queue is its own. */
		if (S.kiosk && !S.kiosk.eid) {
			S.kiosk.eid = "";
			localStorage.setItem(KEY_STORE,
			    JSON.stringify(S.kiosk));
		}
		if ("serviceWorker" in navigator)
			navigator.serviceWorker.register("sw.js",
			    { scope: "./" }).catch(function () {});
		Promise.all([openDb(), loadSurvey()]).then(function (r) {
			Q.db = r[0];
			return recount();
		}).then(function () {
			if (m && !S.kiosk) {
				go("enrol", { code: m[1] });
				enrol(m[1]);
			} else if (!S.kiosk) {
				go("enrol", { code: "" });
			} else {
				run();
			}
		});
	}

	/* For tests and the set-up page: the current screen and counts. */
	window.hlKiosk = {
		screen: function () { return S.screen; },
		queued: function () { return S.counts.outbox; },
		refused: function () { return S.counts.refused; },
		held: function () { return S.counts.held; }
	};
	main();
})();
