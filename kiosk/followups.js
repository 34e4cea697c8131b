/*
 * followups.js: the reply form of a follow-up item's page (item.html):
 * sends {"text", "state"} to POST /api/v1/followups/<id>/reply with the
 * session's CSRF token, then reloads the page to show the new state and
 * history. Errors are shown in words, from the server's reason.
 */
(function () {
	"use strict";

	function meta(name) {
		var m = document.querySelector('meta[name="' + name + '"]');
		return m ? m.getAttribute("content") : "";
	}

	function show(text, bad) {
		var res = document.getElementById("result");
		res.textContent = text;
		res.className = bad ? "err" : "";
	}

	function send(ev) {
		var form = ev.target, btn = document.getElementById("send");
		var state = form.querySelector('input[name="state"]:checked');
		var body = { text: document.getElementById("reply-text").value,
		    state: state ? state.value : "answered" };

		ev.preventDefault();
		btn.disabled = true;
		show("Đang gửi…", false);
		fetch("/api/v1/followups/" + meta("hl-item") + "/reply", {
			method: "POST",
			credentials: "same-origin",
			headers: { "Content-Type": "application/json",
			    "X-CSRF-Token": meta("csrf-token") },
			body: JSON.stringify(body)
		}).then(function (r) {
			return r.json().then(function (j) {
				if (!r.ok)
					throw new Error(j.error || ("HTTP " + r.status));
				return j;
			});
		}).then(function () {
			show("Đã gửi.", false);
			window.location.reload();
		}).catch(function (e) {
			btn.disabled = false;
			show("Chưa gửi được: " + e.message, true);
		});
	}

	document.addEventListener("DOMContentLoaded", function () {
		var form = document.getElementById("reply");
		if (form)
			form.addEventListener("submit", send);
	});
})();
