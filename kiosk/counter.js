/*
 * counter.js: the counter page (/counter). The clerk finds the procedure
 * (typed words match names, codes and the abbreviations of
 * schema/synonyms.csv, without Vietnamese diacritics), checks the unit,
 * types the case number and presses "Hoàn thành": the ticket is issued
 * with the session's CSRF token, the confirmation shows beside the
 * button, and the slip is printed from this page (its markup fetched
 * into a shadow root, the page's print style showing only it), so no
 * window opens and Chrome's --kiosk-printing prints it without a
 * dialog. The kiosk at that counter shows the survey (the server pairs
 * them by unit and counter). Unit, counter, paper width and automatic
 * printing are remembered on this computer. At a service point (a unit
 * whose survey, from /api/v1/units, is a service survey: a hospital, a
 * school) the list holds that survey's services (/api/v1/services)
 * instead of the procedures, and the ticket names the service.
 */
(function () {
	"use strict";

	var SHOW_MAX = 60;		/* procedures listed at once */
	var TIMEOUT_MS = 30000;		/* a request on a slow network */
	var STORE = {
		counter: "hl.counter.number",
		unit: "hl.counter.unit",
		paper: "hl.counter.paper",
		autoprint: "hl.counter.autoprint"
	};

	var procs = [];		/* the procedures */
	var services = [];	/* every service survey's services */
	var surveyOf = {};	/* unit code -> its survey */
	var chosen = "";
	var hint = "";		/* the procedures' search hint, as served */

	/* The survey of the unit picked: "procedure" or a service survey. */
	function survey() {
		return surveyOf[$("unit").value] || "procedure";
	}
	/* What the list shows: the procedures, or the unit's services. */
	function items() {
		var s = survey();
		if (s === "procedure")
			return procs;
		return services.filter(function (v) {
			return v.survey === s;
		});
	}

	function $(id) { return document.getElementById(id); }
	function meta(name) {
		var m = document.querySelector('meta[name="' + name + '"]');
		return m ? m.getAttribute("content") || "" : "";
	}
	function remember(k, v) {
		try {
			localStorage.setItem(k, v);
		} catch (e) { /* private mode: nothing remembered */ }
	}
	/* Today on this computer, YYYY-MM-DD (local), as units' days. */
	function today() {
		var d = new Date();

		return d.getFullYear() + "-" +
		    String(d.getMonth() + 1).padStart(2, "0") + "-" +
		    String(d.getDate()).padStart(2, "0");
	}

	function recall(k) {
		try {
			return localStorage.getItem(k);
		} catch (e) {
			return null;
		}
	}

	/* Lower case, no diacritics, đ as d, punctuation as spaces. */
	function fold(s) {
		return String(s || "").normalize("NFD")
		    .replace(/[\u0300-\u036f]/g, "")
		    .replace(/[đĐ]/g, "d").toLowerCase()
		    .replace(/[^a-z0-9.]+/g, " ");
	}

	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls)
			e.className = cls;
		if (text !== undefined)
			e.textContent = text;
		return e;
	}

	function procOf(code) {
		var list = items();
		for (var i = 0; i < list.length; i++)
			if (list[i].code === code)
				return list[i];
		return null;
	}

	function render() {
		var words = fold($("proc-search").value).split(/\s+/)
		    .filter(Boolean);
		var box = $("procs");
		var n = 0, total = 0, list = items();
		var svc = survey() !== "procedure";

		box.textContent = "";
		$("what").textContent = svc ? "Dịch vụ" : "Thủ tục";
		$("search-label").textContent = svc ? "Tìm dịch vụ" :
		    "Tìm thủ tục";
		if (!hint)
			hint = $("what-hint").textContent;
		$("what-hint").textContent = svc ? "(gõ tên hoặc mã; không " +
		    "cần dấu)" : hint;
		box.setAttribute("aria-label", svc ? "Danh sách dịch vụ" :
		    "Danh sách thủ tục");
		list.forEach(function (p) {
			var ok = words.every(function (w) {
				return p.key.indexOf(w) >= 0;
			});
			if (!ok && p.code !== chosen)
				return;
			if (ok)
				total++;
			if (n >= SHOW_MAX && p.code !== chosen)
				return;
			n++;
			var id = "p-" + p.code.replace(/[^A-Za-z0-9_-]/g, "_");
			var input = document.createElement("input");
			input.type = "radio";
			input.name = "procedure";
			input.value = p.code;
			input.id = id;
			input.checked = p.code === chosen;
			input.addEventListener("change", function () {
				chosen = p.code;
			});
			var label = el("label", "proc");
			label.htmlFor = id;
			var span = el("span", "", p.name + " ");
			span.appendChild(el("span", "code", "(" + p.code + ")"));
			p.aliases.forEach(function (a) {
				if (a.length <= 8)
					span.appendChild(el("span", "alias", a));
			});
			label.appendChild(input);
			label.appendChild(span);
			box.appendChild(label);
		});
		var what = svc ? " dịch vụ" : " thủ tục";
		$("proc-count").textContent = total === list.length ?
		    list.length + what :
		    "Tìm thấy " + total + " / " + list.length + what;
	}

	/* The confirmation or error box beside the button, kept in view. */
	function say(cls, nodes) {
		var r = $("result");
		r.className = "result" + (cls ? " " + cls : "");
		r.textContent = "";
		nodes.forEach(function (n) {
			r.appendChild(typeof n === "string" ?
			    el("p", "", n) : n);
		});
		if (r.scrollIntoView)
			r.scrollIntoView({ block: "nearest" });
	}

	function retryButton(fn) {
		var b = el("button", "", "Thử lại");
		b.type = "button";
		b.addEventListener("click", fn);
		var p = el("p", "acts");
		p.appendChild(b);
		return p;
	}

	/* fetch with a time limit: a slow network fails in words. */
	function get(url, opts) {
		var ctl = window.AbortController ? new AbortController() : null;
		var t = ctl ? setTimeout(function () { ctl.abort(); },
		    TIMEOUT_MS) : 0;
		opts = opts || {};
		opts.credentials = "same-origin";
		if (ctl)
			opts.signal = ctl.signal;
		return fetch(url, opts).then(function (r) {
			clearTimeout(t);
			return r;
		}, function (e) {
			clearTimeout(t);
			throw e;
		});
	}

	var FIELDS = { procedure: "Thủ tục", service: "Dịch vụ",
	    survey: "Phiếu khảo sát", unit: "Đơn vị",
	    handling_unit: "Đơn vị giải quyết", sector: "Lĩnh vực",
	    "case": "Số hồ sơ", counter: "Quầy số" };

	/* The API's error in Vietnamese (its text is for developers). */
	function apiError(status, j) {
		var why = j && typeof j.error === "string" ? j.error : "";
		var field = why.split(":")[0];
		switch (status) {
		case 401:
			return "Phiên đăng nhập đã hết hạn hoặc khóa đã bị thu " +
			    "hồi. Vui lòng đăng nhập lại.";
		case 403:
			return /csrf/i.test(why) ?
			    "Phiên đăng nhập đã thay đổi. Vui lòng tải lại " +
			    "trang (F5)." :
			    "Khóa đang dùng không được phép cấp phiếu.";
		case 413:
			return "Dữ liệu gửi đi quá dài.";
		case 400:
		case 422:
			if (FIELDS[field])
				return FIELDS[field] + " không hợp lệ hoặc " +
				    "không có trong danh mục.";
			return "Dữ liệu chưa hợp lệ. Vui lòng kiểm tra lại.";
		case 429:
			return "Có quá nhiều yêu cầu sai. Vui lòng chờ một " +
			    "phút rồi thử lại.";
		case 503:
			return "Máy chủ đang quá tải hoặc hết chỗ lưu trữ. " +
			    "Vui lòng thử lại sau ít phút và báo quản trị viên.";
		default:
			return "Máy chủ gặp lỗi (mã " + status + "). Vui lòng " +
			    "thử lại.";
		}
	}

	function loadServices() {
		return get("/api/v1/services").then(function (r) {
			if (!r.ok)
				throw new Error(String(r.status));
			return r.json();
		}).then(function (list) {
			services = list.map(function (v) {
				var name = (v.name && (v.name.vi ||
				    v.name.en)) || v.code;
				return { code: v.code, survey: v.survey,
				    name: name, aliases: [],
				    key: " " + fold(v.code + " " + name + " " +
				    (v.name && v.name.en || "")) };
			});
			render();
		});
	}

	function loadProcs() {
		return get("/api/v1/procedures").then(function (r) {
			if (!r.ok)
				throw new Error(String(r.status));
			return r.json();
		}).then(function (list) {
			/* Withdrawn by today: no ticket for it. */
			list = list.filter(function (p) {
				return !(p.withdrawn && p.withdrawn <= today());
			});
			procs = list.map(function (p) {
				var name = (p.name && (p.name.vi || p.name.en)) ||
				    p.code;
				var aliases = Array.isArray(p.aliases) ?
				    p.aliases : [];
				return { code: p.code, name: name, aliases: aliases,
				    key: " " + fold(p.code + " " + name + " " +
				    (p.name && p.name.en || "") + " " +
				    aliases.join(" ")) };
			});
			render();
		});
	}

	/* The units this key may issue for: its unit's subtree, or all. */
	function loadUnits() {
		var top = meta("hl-unit");

		return get("/api/v1/units").then(function (r) {
			if (!r.ok)
				throw new Error(String(r.status));
			return r.json();
		}).then(function (list) {
			var by = {}, offered = [], base = 0;
			list.forEach(function (u) {
				by[u.code] = u;
				if (u.survey)
					surveyOf[u.code] = u.survey;
			});
			list.forEach(function (u) {
				/* A unit retired by today takes no ticket. */
				if (u.retired && u.retired <= today())
					return;
				for (var x = u, g = 0; x && g < 1000; g++) {
					if (!top || x.code === top) {
						offered.push(u);
						return;
					}
					x = by[x.parent];
				}
			});
			if (top && by[top])
				base = by[top].depth || 0;
			fillUnits(offered.map(function (u) {
				return { code: u.code, depth: (u.depth || 0) -
				    base, name: (u.name && u.name.vi) || u.code };
			}));
		}, function (e) {
			/* A limited key still works: its own unit. */
			if (!top)
				throw e;
			fillUnits([{ code: top, depth: 0,
			    name: meta("hl-unit-name") || top }]);
		});
	}

	function fillUnits(list) {
		var sel = $("unit"), top = meta("hl-unit");
		var last = recall(STORE.unit), pick = "";

		sel.textContent = "";
		if (!top) {
			var o = el("option", "", "— Chọn đơn vị —");
			o.value = "";
			sel.appendChild(o);
		}
		list.forEach(function (u) {
			var o = el("option", "", "\u00a0".repeat(2 * u.depth) +
			    u.name + " (" + u.code + ")");
			o.value = u.code;
			sel.appendChild(o);
			if (u.code === last)
				pick = last;
		});
		sel.value = pick || top || "";
		render();
	}

	function load() {
		say("busy", ["Đang tải danh sách thủ tục và đơn vị…"]);
		Promise.all([loadProcs(), loadUnits(), loadServices()])
		    .then(function () {
			say("", []);
		}, function () {
			say("err", ["Không tải được danh sách thủ tục hoặc đơn " +
			    "vị (mạng chậm hoặc mất kết nối).",
			    retryButton(load)]);
		});
	}

	/*
	 * Prints the slip from this page: its markup in a shadow root (its
	 * styles stay inside), its page size on this page, only it shown in
	 * print. Resolves true when print() ran.
	 */
	function printSlip(url) {
		return get(url).then(function (r) {
			if (!r.ok)
				throw new Error(String(r.status));
			return r.text();
		}).then(function (html) {
			var doc = new DOMParser().parseFromString(html,
			    "text/html");
			var slip = doc.querySelector(".slip");
			var size = doc.querySelector('meta[name="hl-page-size"]');
			var host = $("print-host");
			var root = host.shadowRoot || host.attachShadow({
			    mode: "open" });
			if (!slip)
				throw new Error("no slip");
			root.textContent = "";
			doc.querySelectorAll("style").forEach(function (s) {
				root.appendChild(document.importNode(s, true));
			});
			root.appendChild(document.importNode(slip, true));
			$("print-page").textContent = "@page{size:" +
			    (size ? size.getAttribute("content") : "80mm auto") +
			    ";margin:0}";
			document.documentElement.classList.add("slip");
			try {
				window.print();
			} finally {
				document.documentElement.classList
				    .remove("slip");
				$("print-page").textContent = "";
			}
			return true;
		});
	}

	function slipUrl(token) {
		return "/api/v1/tickets/" + encodeURIComponent(token) +
		    "/slip?width=" + ($("paper").value === "58" ? "58" : "80");
	}

	function printNote(p, url) {
		p.textContent = "Đang in phiếu…";
		printSlip(url).then(function () {
			p.textContent = "Đã gửi phiếu tới máy in.";
		}, function () {
			p.textContent = "Chưa in được phiếu: bấm \u201cIn lại " +
			    "phiếu\u201d hoặc \u201cMở phiếu\u201d.";
		});
	}

	function confirmation(x, body, proc) {
		var head = el("p", "head", "\u2714 Đã cấp phiếu " +
		    (x.status === 200 ? "(đã cấp trước đó cho hồ sơ này) " :
		    ""));
		var code = el("span", "code-big", x.j.code);
		code.id = "ticket-code";
		head.appendChild(code);
		var url = slipUrl(x.j.token);
		var sel = $("unit");
		var uname = sel.options[sel.selectedIndex] ?
		    sel.options[sel.selectedIndex].textContent.trim() :
		    body.unit;
		var nodes = [head,
		    el("p", "", (body.service ? "Dịch vụ: " : "Thủ tục: ") +
		    (proc ? proc.name + " (" + proc.code + ")" :
		    body.procedure || body.service)),
		    el("p", "", "Số hồ sơ: " + (body["case"] || "(không có)")),
		    el("p", "", "Đơn vị: " + uname + (body.counter ?
		    " – quầy " + body.counter : ""))];
		var note = el("span", "hint");
		note.id = "print-note";
		var acts = el("p", "acts");
		var again = el("button", "", "In lại phiếu");
		again.type = "button";
		again.id = "reprint";
		again.addEventListener("click", function () {
			printNote(note, url);
		});
		var a = el("a", "", "Mở phiếu");
		a.href = url;
		a.target = "_blank";
		a.rel = "noopener";
		a.id = "slip-link";
		acts.appendChild(again);
		acts.appendChild(a);
		acts.appendChild(note);
		nodes.push(acts);
		say("", nodes);
		if ($("autoprint").checked)
			printNote(note, url);
		else
			note.textContent = "Bấm \u201cIn lại phiếu\u201d để in.";
	}

	function issue(e) {
		e.preventDefault();
		if (!chosen) {
			say("err", [survey() === "procedure" ?
			    "Vui lòng chọn thủ tục." :
			    "Vui lòng chọn dịch vụ."]);
			$("proc-search").focus();
			return;
		}
		if (!$("unit").value) {
			say("err", ["Vui lòng chọn đơn vị tiếp nhận hồ sơ."]);
			$("unit").focus();
			return;
		}
		var body = { unit: $("unit").value };
		if (survey() === "procedure")
			body.procedure = chosen;
		else
			body.service = chosen;
		var cs = $("case").value.trim();
		var ct = $("counter").value.trim();
		var proc = procOf(chosen);
		if (cs)
			body["case"] = cs;
		if (ct)
			body.counter = ct;
		remember(STORE.unit, body.unit);
		remember(STORE.counter, ct);
		$("done").disabled = true;
		say("busy", ["Đang cấp phiếu…"]);
		get("/api/v1/tickets", {
			method: "POST",
			headers: { "Content-Type": "application/json",
			    "X-CSRF-Token": meta("csrf-token") },
			body: JSON.stringify(body)
		}).then(function (r) {
			return r.json().catch(function () {
				return null;
			}).then(function (j) {
				return { status: r.status, j: j };
			});
		}).then(function (x) {
			$("done").disabled = false;
			if ((x.status !== 201 && x.status !== 200) || !x.j ||
			    !x.j.token) {
				var nodes = ["Chưa cấp được phiếu. " +
				    apiError(x.status, x.j)];
				if (x.status === 401) {
					var a = el("a", "", "Đăng nhập lại");
					a.href = "/signin?next=%2Fcounter";
					nodes.push(a);
				}
				say("err", nodes);
				return;
			}
			/* Kept for the next ticket: procedure, unit, counter. */
			$("case").value = "";
			confirmation(x, body, proc);
		}).catch(function () {
			$("done").disabled = false;
			say("err", ["Không kết nối được máy chủ (mạng chậm " +
			    "hoặc mất kết nối). Phiếu chưa được cấp: vui lòng " +
			    "bấm Hoàn thành lần nữa."]);
		});
	}

	/* Sign-out by script, so that the next sign-in returns here. */
	function signOut(e) {
		e.preventDefault();
		var f = e.target;
		get("/signout", {
			method: "POST",
			headers: { "Content-Type":
			    "application/x-www-form-urlencoded",
			    "X-CSRF-Token": meta("csrf-token") },
			body: "csrf=" + encodeURIComponent(meta("csrf-token"))
		}).then(function () {
			location.href = "/signin?next=%2Fcounter";
		}, function () {
			f.submit();
		});
	}

	document.addEventListener("DOMContentLoaded", function () {
		var p = new URLSearchParams(location.search);
		var paper = recall(STORE.paper);
		$("counter").value = p.get("counter") ||
		    recall(STORE.counter) || "";
		if (paper === "58" || paper === "80")
			$("paper").value = paper;
		$("autoprint").checked = recall(STORE.autoprint) !== "0";
		$("paper").addEventListener("change", function () {
			remember(STORE.paper, $("paper").value);
		});
		$("autoprint").addEventListener("change", function () {
			remember(STORE.autoprint, $("autoprint").checked ?
			    "1" : "0");
		});
		$("unit").addEventListener("change", function () {
			if ($("unit").value)
				remember(STORE.unit, $("unit").value);
			/* A procedure is no service: choose again. */
			if (!procOf(chosen))
				chosen = "";
			render();
		});
		$("proc-search").addEventListener("input", render);
		$("issue").addEventListener("submit", issue);
		if ($("signout"))
			$("signout").addEventListener("submit", signOut);
		if ($("help-url"))
			$("help-url").textContent = location.origin + "/counter";
		$("help-link").addEventListener("click", function () {
			$("help").open = true;
		});
		load();
	});
})();
