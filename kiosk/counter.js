/*
 * counter.js: the counter page (/counter). The clerk finds the procedure
 * (typed words match without Vietnamese diacritics), types the case
 * number and presses "Hoàn thành": the ticket is issued with the
 * session's CSRF token, its slip opens for printing, and the kiosk at
 * that counter shows the survey (the server pairs them by unit and
 * counter). The counter number is remembered on this computer.
 */
(function () {
	"use strict";

	var SHOW_MAX = 60;		/* procedures listed at once */
	var COUNTER_STORE = "hl.counter.number";

	var procs = [];
	var chosen = "";

	function $(id) { return document.getElementById(id); }
	function meta(name) {
		var m = document.querySelector('meta[name="' + name + '"]');
		return m ? m.getAttribute("content") || "" : "";
	}

	/* Lower case, no diacritics, đ as d: "Đăng ký" -> "dang ky". */
	function fold(s) {
		return String(s || "").normalize("NFD")
		    .replace(/[\u0300-\u036f]/g, "")
		    .replace(/[đĐ]/g, "d").toLowerCase();
	}

	function render() {
		var words = fold($("proc-search").value).split(/\s+/)
		    .filter(Boolean);
		var box = $("procs");
		var n = 0, total = 0;

		box.textContent = "";
		procs.forEach(function (p) {
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
			var label = document.createElement("label");
			label.className = "opt";
			label.htmlFor = id;
			var span = document.createElement("span");
			span.textContent = p.name + " ";
			var code = document.createElement("span");
			code.className = "code";
			code.textContent = "(" + p.code + ")";
			label.appendChild(input);
			label.appendChild(span);
			span.appendChild(code);
			box.appendChild(label);
		});
		$("proc-count").textContent = total === procs.length ?
		    procs.length + " thủ tục" :
		    "Tìm thấy " + total + " / " + procs.length + " thủ tục";
	}

	function say(cls, nodes) {
		var r = $("result");
		r.className = "result" + (cls ? " " + cls : "");
		r.textContent = "";
		nodes.forEach(function (n) {
			r.appendChild(typeof n === "string" ?
			    document.createTextNode(n) : n);
		});
	}

	function load() {
		fetch("/api/v1/procedures", { credentials: "same-origin" })
		    .then(function (r) { return r.json(); })
		    .then(function (list) {
			procs = list.map(function (p) {
				var name = (p.name && (p.name.vi || p.name.en)) ||
				    p.code;
				return { code: p.code, name: name,
				    key: fold(p.code + " " + name + " " +
				    (p.name && p.name.en || "")) };
			});
			render();
		}).catch(function () {
			say("err", ["Không tải được danh sách thủ tục. " +
			    "Vui lòng tải lại trang."]);
		});
		if (meta("hl-unit") === "") {
			fetch("/api/v1/units", { credentials: "same-origin" })
			    .then(function (r) { return r.json(); })
			    .then(function (list) {
				var sel = $("unit");
				list.forEach(function (u) {
					var o = document.createElement("option");
					o.value = u.code;
					o.textContent = "\u00a0".repeat(
					    2 * (u.depth || 0)) +
					    ((u.name && u.name.vi) || u.code) +
					    " (" + u.code + ")";
					sel.appendChild(o);
				});
			});
		}
	}

	function issue(e) {
		e.preventDefault();
		if (!chosen) {
			say("err", ["Vui lòng chọn thủ tục."]);
			$("proc-search").focus();
			return;
		}
		var body = { procedure: chosen,
		    unit: meta("hl-unit") || $("unit").value };
		var cs = $("case").value.trim();
		var ct = $("counter").value.trim();
		if (cs)
			body["case"] = cs;
		if (ct) {
			body.counter = ct;
			localStorage.setItem(COUNTER_STORE, ct);
		}
		/* Opened now, while the click still counts, filled later. */
		var w = window.open("", "hl-slip");
		$("done").disabled = true;
		fetch("/api/v1/tickets", {
			method: "POST",
			credentials: "same-origin",
			headers: { "Content-Type": "application/json",
			    "X-CSRF-Token": meta("csrf-token") },
			body: JSON.stringify(body)
		}).then(function (r) {
			return r.json().then(function (j) {
				return { status: r.status, j: j };
			});
		}).then(function (x) {
			$("done").disabled = false;
			if (x.status !== 201 && x.status !== 200) {
				if (w)
					w.close();
				say("err", ["Chưa cấp được phiếu: " +
				    (x.j && x.j.error || x.status)]);
				return;
			}
			var slip = "/api/v1/tickets/" +
			    encodeURIComponent(x.j.token) + "/slip";
			if (w)
				w.location.href = slip;
			var code = document.createElement("span");
			code.className = "code-big";
			code.id = "ticket-code";
			code.textContent = x.j.code;
			var a = document.createElement("a");
			a.href = slip;
			a.target = "hl-slip";
			a.id = "slip-link";
			a.textContent = "Mở phiếu để in";
			say("", ["Đã cấp phiếu ", code, ". ", a]);
			$("case").value = "";
			chosen = "";
			$("proc-search").value = "";
			render();
		}).catch(function () {
			$("done").disabled = false;
			if (w)
				w.close();
			say("err", ["Không kết nối được máy chủ. Vui lòng " +
			    "thử lại."]);
		});
	}

	document.addEventListener("DOMContentLoaded", function () {
		var p = new URLSearchParams(location.search);
		$("counter").value = p.get("counter") ||
		    localStorage.getItem(COUNTER_STORE) || "";
		$("proc-search").addEventListener("input", render);
		$("issue").addEventListener("submit", issue);
		load();
	});
})();
