// The kiosk in a real chromium against a real server: enrolment, pairing
// with a ticket issued through the API, answering with touches (back,
// change, cancel, confirm), walk-ins, idle, the offline queue, answers
// dated by the server whatever the kiosk's clock, answers refused for
// good kept and reported, revocation and enrolment elsewhere. Screenshots
// of every screen at 1280x800 and 1080x1920 go to $ARTEFACTS (kiosk-*).
import * as L from "./lib.mjs";

const WIDE = { width: 1280, height: 800 };
const TALL = { width: 1080, height: 1920 };
const { units, procs } = L.demoCodes();
const UNIT = units.find(u => u.includes("-")) || units[0];
const UNIT2 = units.find(u => u.includes("-") && u !== UNIT) || units[1];
const PROC = procs[0];
const SKEW = 3 * 60 * 1000;	/* a kiosk clock 3 minutes off */
const SLACK = 15;		/* seconds between sending and the stored time */

let srv, browser, counterKey;
let nkiosk = 0;

const screen = page => page.evaluate(() => document.body.dataset.screen);
const count = (page, what) => page.evaluate(w => window.hlKiosk[w](), what);

async function waitScreen(page, name, ms = 5000) {
	await L.until(async () => (await screen(page)) === name, ms,
	    `screen ${name} (now ${await screen(page)})`);
}

// The page's Date runs skew ms ahead (or behind) of the real clock.
function skewScript(skew) {
	const D = Date;
	const now = () => D.now() + skew;
	class SkewDate extends D {
		constructor(...a) {
			if (a.length === 0)
				super(now());
			else
				super(...a);
		}
		static now() { return now(); }
	}
	globalThis.Date = SkewDate;
}

async function context(opts = {}) {
	const ctx = await browser.newContext({ viewport: opts.viewport || WIDE,
	    hasTouch: true });
	if (opts.skew)
		await ctx.addInitScript(skewScript, opts.skew);
	return ctx;
}

// A new kiosk (CLI), enrolled through #enrol= in a fresh context.
async function kiosk(counter, query = "", opts = {}) {
	const name = `kiosk-${counter}-${++nkiosk}`;
	const k = srv.kioskAdd(opts.unit || UNIT, counter, name);
	L.assert(/^[0-9A-Za-z]{4,}-[0-9A-Za-z]{4,}$/.test(k.code),
	    `enrolment code ${k.code}`);
	const ctx = await context(opts);
	const page = await ctx.newPage();
	page.on("pageerror", e => console.log("pageerror:", e.message));
	await page.goto(srv.url(`/kiosk/${query}#enrol=${k.code}`));
	await waitScreen(page, "start");
	return { ctx, page, name };
}

async function issue(counter, unit = UNIT) {
	const r = await srv.http("POST", "/api/v1/tickets", { procedure: PROC,
	    unit, counter: String(counter) },
	    { Authorization: `Bearer ${counterKey}` });
	L.assert(r.status === 201, `ticket: ${r.status} ${r.text}`);
	return r.json;
}

const stamp = r => Date.parse(r.answered_at) / 1000;

function assertServerTime(r, sent, what) {
	L.assert(Math.abs(stamp(r) - sent) <= SLACK,
	    `${what}: stored ${r.answered_at}, sent at ${new Date(sent * 1000)
	    .toISOString()}`);
}

// Walk-in: a face, then straight to the last screen and send.
async function walkin(page, level) {
	await page.tap(`[data-level='${level}']`);
	if ((await screen(page)) === "reasons")
		await page.tap("[data-action=next]");
	await waitScreen(page, "question");
	await page.tap("[data-action=send-now]");
	await waitScreen(page, "confirm");
	await page.tap("[data-action=send]");
	await waitScreen(page, "thanks");
}

async function shots(page, name) {
	for (const vp of [WIDE, TALL]) {
		await page.setViewportSize(vp);
		await L.sleep(100);
		await L.shot(page, `kiosk-${name}-${vp.width}x${vp.height}`);
	}
	await page.setViewportSize(WIDE);
}

function listLine(name) {
	const out = L.cliOk("kiosk", "list", "--data", srv.data);
	return out.split("\n").find(l => l.includes(`\t${name}\t`)) || "";
}

L.test("enrol by typing the code; start screen; languages", async () => {
	const k = srv.kioskAdd(UNIT, "1", "kiosk-typed");
	const ctx = await context();
	const page = await ctx.newPage();
	await page.goto(srv.url("/kiosk/"));
	await waitScreen(page, "enrol");
	await shots(page, "enrol");
	await page.tap("#code");
	await page.fill("#code", "ZZZZ-ZZZZ");
	await page.tap("[data-action=enrol]");
	await page.waitForSelector("#enrol-msg");
	await page.fill("#code", k.code.toLowerCase());
	await page.tap("[data-action=enrol]");
	await waitScreen(page, "start");
	const stored = await page.evaluate(() =>
	    JSON.parse(localStorage.getItem("hl.kiosk")));
	L.assert(stored && stored.key && stored.key.length >= 16 && stored.eid,
	    "key and enrolment id in localStorage");
	const levels = await page.locator("[data-level]").evaluateAll(
	    b => b.map(x => Number(x.dataset.level)));
	L.assert(levels.join() === "5,4,3,2,1", `very satisfied first: ${levels}`);
	/* Language buttons, each in its own script, big enough to touch. */
	for (const [l, word] of [["vi", "Tiếng Việt"], ["en", "English"],
	    ["km", "ភាសាខ្មែរ"]]) {
		const b = page.locator(`main [data-lang=${l}]`);
		L.assert((await b.innerText()).includes(word), `${l}: ${word}`);
		const box = await b.boundingBox();
		L.assert(box.height >= 64 && box.width >= 160,
		    `${l} button ${box.width}x${box.height}`);
	}
	L.assert(await page.locator(".intro [lang=km]").innerText() !== "",
	    "a Khmer prompt on the start screen");
	await shots(page, "start");
	for (const l of ["en", "km"]) {
		await page.tap(`[data-lang=${l}]`);
		L.assert(await page.evaluate(() =>
		    document.documentElement.lang) === l, `lang ${l}`);
		await shots(page, `start-${l}`);
	}
	await ctx.close();
});

for (const skew of [SKEW, -SKEW]) {
	L.test(`clock ${skew > 0 ? "fast" : "slow"} by 3 minutes: paired and ` +
	    "walk-in answers dated by the server", async () => {
		const { ctx, page } = await kiosk("2", "?thanks=1", { skew });
		const pageNow = await page.evaluate(() => Date.now());
		L.assert(Math.abs(pageNow - Date.now() - skew) < 5000,
		    "the page's clock is skewed");
		await L.sleep(300);	/* the long-poll is waiting */
		const t0 = Date.now();
		const tk = await issue("2");
		await page.waitForSelector(`.proc[data-token="${tk.token}"]`,
		    { timeout: 5000 });
		console.log(`# ticket on the kiosk after ${Date.now() - t0} ms`);
		await waitScreen(page, "start-paired");
		await page.tap("[data-level='2']");
		await waitScreen(page, "reasons");
		const reasons = page.locator("[data-option]");
		await reasons.nth(0).tap();
		await reasons.nth(1).tap();
		await page.tap("[data-action=next]");
		await waitScreen(page, "question");
		const q1 = await page.getAttribute("h1", "data-question");
		await page.locator("[data-option]").first().tap();
		await page.tap("[data-action=send-now]");
		await waitScreen(page, "confirm");
		const sent = Date.now() / 1000;
		await page.tap("[data-action=send]");
		await waitScreen(page, "thanks");
		await L.until(async () => (await count(page, "queued")) === 0,
		    5000, "sent");
		await waitScreen(page, "start", 3000);
		const rows = L.exportJson(srv.data).filter(r =>
		    r.ticket_code === tk.code);
		L.assert(rows.length === 1, `one response: ${rows.length}`);
		const r = rows[0];
		L.assert(r.channel === "kiosk" && r.overall === 2,
		    `${r.channel} ${r.overall}`);
		L.assert(r.reasons.length === 2, `reasons ${r.reasons}`);
		L.assert(typeof r[q1] === "string", `question ${q1}`);
		assertServerTime(r, sent, "paired");
		/* A walk-in from the same kiosk. */
		const before = L.exportJson(srv.data).length;
		await L.sleep(4200);	/* one walk-in per 4 s */
		const sent2 = Date.now() / 1000;
		await walkin(page, 5);
		await L.until(async () => L.exportJson(srv.data).length >
		    before, 10000, "walk-in stored");
		const w = L.exportJson(srv.data).slice(before);
		L.assert(w.length === 1 && w[0].channel === "kiosk-walkin" &&
		    w[0].overall === 5 && !w[0].suspect, JSON.stringify(w));
		assertServerTime(w[0], sent2, "walk-in");
		await ctx.close();
	});
}

L.test("the offered ticket survives a restart and a crash; an answered " +
    "one does not come back", async () => {
	const { ctx, page } = await kiosk("9");
	const tk = await issue("9");
	await page.waitForSelector(`.proc[data-token="${tk.token}"]`,
	    { timeout: 5000 });
	for (const signal of ["SIGTERM", "SIGKILL"]) {
		await srv.restart(signal);
		/* The kiosk starts again too: nothing in its memory. */
		await page.reload();
		await page.waitForSelector(`.proc[data-token="${tk.token}"]`,
		    { timeout: 8000 });
		await waitScreen(page, "start-paired");
	}
	/* A kiosk of another counter is not offered it. */
	const other = await kiosk("10");
	await L.sleep(1500);
	L.assert(await other.page.locator(".proc[data-token]").count() === 0,
	    "offered at another counter");
	await other.ctx.close();
	/* Answered, then restarted: not offered again. */
	await walkin(page, 4);
	let rows = [];
	await L.until(async () => (rows = L.exportJson(srv.data).filter(r =>
	    r.ticket_code === tk.code)).length > 0, 10000, "answer stored");
	L.assert(rows.length === 1 && rows[0].channel === "kiosk",
	    `answered through the kiosk: ${JSON.stringify(rows)}`);
	await srv.restart("SIGKILL");
	await page.reload();
	await waitScreen(page, "start");
	await L.sleep(1500);
	L.assert(await page.locator(".proc[data-token]").count() === 0,
	    "an answered ticket offered again");
	await ctx.close();
});

L.test("back and change: the face tapped first is never stored",
    async () => {
	const { ctx, page, name } = await kiosk("3", "?thanks=1");
	const before = L.exportJson(srv.data).length;
	await page.tap("[data-level='1']");		/* by mistake */
	await waitScreen(page, "reasons");
	await page.tap("[data-action=back]");
	await waitScreen(page, "rate");
	L.assert(await page.getAttribute("[data-level='1']", "aria-pressed") ===
	    "true", "the tapped face is marked");
	await page.tap("[data-level='4']");
	await waitScreen(page, "question");
	await page.locator("[data-option]").first().tap();
	await waitScreen(page, "question");
	await page.tap("[data-action=back]");		/* to question 1 */
	await waitScreen(page, "question");
	await page.tap("[data-action=send-now]");
	await waitScreen(page, "confirm");
	L.assert(await page.getAttribute(".chosen", "data-level") === "4",
	    "confirm shows 4");
	await page.tap("[data-action=change]");
	await waitScreen(page, "rate");
	await page.tap("[data-level='5']");
	await waitScreen(page, "confirm");
	L.assert(await page.getAttribute(".chosen", "data-level") === "5",
	    "confirm shows 5");
	L.assert(L.exportJson(srv.data).length === before,
	    "nothing sent before confirming");
	await page.tap("[data-action=send]");
	await waitScreen(page, "thanks");
	await L.until(async () => L.exportJson(srv.data).length > before,
	    10000, "stored");
	await L.sleep(500);
	const rows = L.exportJson(srv.data).slice(before);
	L.assert(rows.length === 1 && rows[0].overall === 5,
	    `only the confirmed 5: ${JSON.stringify(rows.map(r => r.overall))}`);
	L.assert(listLine(name) !== "", "kiosk listed");
	await ctx.close();
});

L.test("cancel on every screen; idle drops an unconfirmed answer, " +
    "sends a confirmed screen", async () => {
	const { ctx, page } = await kiosk("4", "?idle=2&thanks=1");
	const before = L.exportJson(srv.data).length;
	for (const path of [["1"], ["1", "next"], ["4"], ["4", "send-now"],
	    ["4", "send-now", "change"]]) {
		await page.tap(`[data-level='${path[0]}']`);
		for (const a of path.slice(1))
			await page.tap(`[data-action=${a}]`);
		const s = await screen(page);
		await page.tap("[data-action=cancel]");
		await waitScreen(page, "start");
		L.assert(await count(page, "queued") === 0, `cancel on ${s}`);
	}
	/* Idle on a question: dropped. */
	await page.tap("[data-level='3']");
	await waitScreen(page, "question");
	await waitScreen(page, "start", 6000);
	await L.sleep(500);
	L.assert(L.exportJson(srv.data).length === before,
	    "cancelled or idle answers were stored");
	/* Idle on the last screen: sent. */
	await page.tap("[data-level='3']");
	await page.tap("[data-action=send-now]");
	await waitScreen(page, "confirm");
	await waitScreen(page, "thanks", 6000);
	await L.until(async () => L.exportJson(srv.data).length === before + 1,
	    10000, "the confirm screen's answer stored");
	await ctx.close();
});

L.test("offline: three answers queued, sent once, in order", async () => {
	/* Polls of 1 s: the server sees the outage after 6 s. */
	const { ctx, page } = await kiosk("5", "?thanks=1&poll=1",
	    { skew: -SKEW });
	const before = L.exportJson(srv.data).length;
	await ctx.setOffline(true);
	const times = [];
	for (const lv of [1, 3, 5]) {
		times.push(Date.now() / 1000);
		await walkin(page, lv);
		await waitScreen(page, "start", 3000);
		await L.sleep(4500);	/* a person's pace */
	}
	await L.until(async () => (await count(page, "queued")) === 3, 5000,
	    "three queued");
	const label = await page.locator("#status").innerText();
	L.assert(/3/.test(label), `status shows the queue: ${label}`);
	await L.shot(page, "kiosk-offline-queued");
	L.assert(L.exportJson(srv.data).length === before, "nothing stored yet");
	await ctx.setOffline(false);
	await L.until(async () => (await count(page, "queued")) === 0, 20000,
	    "queue empty");
	await page.reload();	/* a reload must not send them again */
	await waitScreen(page, "start");
	await L.sleep(500);
	const rows = L.exportJson(srv.data).slice(before);
	L.assert(rows.length === 3, `exactly three stored: ${rows.length}`);
	L.assert(rows.map(r => r.overall).join() === "1,3,5",
	    `in order: ${rows.map(r => r.overall)}`);
	rows.forEach((r, i) => assertServerTime(r, times[i], `queued ${i}`));
	await ctx.close();
});

L.test("refused for good: kept, shown, reported", async () => {
	const { ctx, page, name } = await kiosk("6", "?thanks=1");
	await L.sleep(300);
	const tk = await issue("6");
	await page.waitForSelector(`.proc[data-token="${tk.token}"]`,
	    { timeout: 5000 });
	await ctx.setOffline(true);
	await page.tap("[data-level='4']");
	await page.tap("[data-action=send-now]");
	await page.tap("[data-action=send]");
	await waitScreen(page, "thanks");
	/* Meanwhile the citizen answered on the phone: the kiosk's 409. */
	const form = new URLSearchParams({ overall: "5" }).toString();
	const r = await srv.http("POST", `/s/${tk.token}`, form,
	    { "Content-Type": "application/x-www-form-urlencoded" });
	L.assert(r.status === 200, `phone answer ${r.status}`);
	await ctx.setOffline(false);
	await L.until(async () => (await count(page, "refused")) === 1, 20000,
	    "kept as refused");
	L.assert(await count(page, "queued") === 0, "not queued any more");
	const label = await page.locator("#status").innerText();
	L.assert(/1/.test(label) && /chối|Refused/.test(label),
	    `status line: ${label}`);
	await waitScreen(page, "start", 5000);
	await shots(page, "status-refused");
	const kept = await page.evaluate(() => new Promise(ok => {
		const rq = indexedDB.open("hl-kiosk");
		rq.onsuccess = () => {
			const g = rq.result.transaction("refused")
			    .objectStore("refused").getAll();
			g.onsuccess = () => ok(g.result);
		};
	}));
	L.assert(kept.length === 1 && kept[0].status === 409 &&
	    kept[0].body.token === tk.token, JSON.stringify(kept));
	await L.until(async () => /refused 1/.test(listLine(name)), 10000,
	    `kiosk list: ${listLine(name)}`);
	L.assert(new RegExp(`kiosk ${name}: answer refused \\(409\\)`)
	    .test(srv.stderr), "the refusal is logged");
	await ctx.close();
});

L.test("revoked, enrolled again elsewhere: the old queue is held",
    async () => {
	const { ctx, page, name } = await kiosk("7", "?thanks=1");
	const before = L.exportJson(srv.data).length;
	await ctx.setOffline(true);
	await walkin(page, 4);
	await waitScreen(page, "start", 3000);
	await L.sleep(4200);
	await walkin(page, 2);
	await waitScreen(page, "start", 3000);
	await L.until(async () => (await count(page, "queued")) === 2, 5000,
	    "two queued");
	L.cliOk("kiosk", "revoke", "--data", srv.data, "--name", name);
	await ctx.setOffline(false);
	await waitScreen(page, "enrol", 30000);
	L.assert((await page.locator("#enrol-msg").innerText()).length > 0,
	    "revocation message");
	await shots(page, "revoked");
	L.assert(await count(page, "queued") === 2, "queue kept");
	const k2 = srv.kioskAdd(UNIT2, "1", "kiosk-moved");
	await page.fill("#code", k2.code);
	await page.tap("[data-action=enrol]");
	await waitScreen(page, "start");
	await L.until(async () => (await count(page, "held")) === 2, 10000,
	    "held apart");
	L.assert(await count(page, "queued") === 0, "none queued");
	const label = await page.locator("#status").innerText();
	L.assert(/2/.test(label), `status shows held: ${label}`);
	await shots(page, "status-held");
	await L.sleep(1000);
	L.assert(L.exportJson(srv.data).length === before,
	    "the old queue was sent under the new enrolment");
	await L.until(async () => /held 2/.test(listLine("kiosk-moved")),
	    10000, `kiosk list: ${listLine("kiosk-moved")}`);
	await ctx.close();
});

L.test("its unit retired: the kiosk says so, not a lost network",
    async () => {
	const unit = units.filter(u => u.includes("-") && u !== UNIT &&
	    u !== UNIT2)[0];
	const succ = units.filter(u => u.includes("-") && u !== UNIT &&
	    u !== UNIT2 && u !== unit)[0];
	const { ctx, page } = await kiosk("4", "?poll=1", { unit });
	const admin = L.addKey(srv.data, "admin");
	const r = await srv.http("POST", `/api/v1/admin/units/${unit}/retire`,
	    { date: "2025-07-01", successor: succ },
	    { Authorization: `Bearer ${admin}` });
	L.assert(r.status === 200, `retire: ${r.status} ${r.text}`);
	await L.until(async () => /giải thể/.test(await page.locator(
	    "#status").innerText()), 15000, "the retired unit said");
	L.assert(!/Mất kết nối/.test(await page.locator("#status")
	    .innerText()), "not taken for the network");
	await shots(page, "unit-retired");
	await ctx.close();
});

L.test("the question on how the office served: a screen of its own, stored",
    async () => {
	const { ctx, page } = await kiosk("7");
	const before = L.exportJson(srv.data).length;
	await page.tap("[data-level='4']");
	await waitScreen(page, "question");
	const seen = [];
	for (let i = 0; i < 12; i++) {
		const q = await page.getAttribute("h1", "data-question");
		seen.push(q);
		if (q === "agency_service")
			break;
		await page.tap("[data-action=skip]");
		await waitScreen(page, "question");
	}
	L.assert(seen.at(-1) === "agency_service",
	    `questions shown: ${seen.join(" ")}`);
	const opts = await page.locator("[data-option]").evaluateAll(bs =>
	    bs.map(b => b.dataset.option));
	// Best first, as the faces of the overall question.
	L.assert(opts.join(" ") === "very_satisfied satisfied neutral " +
	    "dissatisfied very_dissatisfied", `options ${opts}`);
	await page.tap("[data-option='satisfied']");
	if ((await screen(page)) === "question")
		await page.tap("[data-action=send-now]");
	await waitScreen(page, "confirm");
	await page.tap("[data-action=send]");
	await waitScreen(page, "thanks");
	await L.until(async () => L.exportJson(srv.data).length > before,
	    10000, "stored");
	const rows = L.exportJson(srv.data).slice(before);
	L.assert(rows.length === 1 && rows[0].overall === 4 &&
	    rows[0].agency_service === "satisfied", JSON.stringify(rows));
	await ctx.close();
});

L.test("every screen at 1280x800 and 1080x1920", async () => {
	const { ctx, page } = await kiosk("8", "?thanks=60&idle=600");
	await L.sleep(300);
	const tk = await issue("8");
	await page.waitForSelector(`.proc[data-token="${tk.token}"]`,
	    { timeout: 5000 });
	await shots(page, "start-paired");
	await page.tap("[data-level='2']");
	await waitScreen(page, "reasons");
	await page.locator("[data-option]").first().tap();
	await shots(page, "reasons");
	await page.tap("[data-action=next]");
	await waitScreen(page, "question");
	await shots(page, "question");
	/* Every control on the screen is big enough to touch. */
	for (const vp of [WIDE, TALL]) {
		await page.setViewportSize(vp);
		const small = await page.locator("button").evaluateAll(bs =>
		    bs.map(b => b.getBoundingClientRect()).filter(r =>
		    r.width < 48 || r.height < 48).length);
		L.assert(small === 0, `${small} buttons under 48 px`);
	}
	await page.setViewportSize(WIDE);
	await page.tap("[data-action=send-now]");
	await waitScreen(page, "confirm");
	await shots(page, "confirm");
	for (const vp of [WIDE, TALL]) {
		await page.setViewportSize(vp);
		const h = {};
		for (const a of ["send", "back", "cancel"])
			h[a] = (await page.locator(`[data-action=${a}]`)
			    .boundingBox()).height;
		L.assert(h.send > h.back && h.send > h.cancel,
		    `primary bigger: ${JSON.stringify(h)}`);
		const bg = await page.locator("[data-action=send]").evaluate(
		    b => getComputedStyle(b).backgroundColor);
		const bg2 = await page.locator("[data-action=back]").evaluate(
		    b => getComputedStyle(b).backgroundColor);
		L.assert(bg !== bg2, `primary filled: ${bg} vs ${bg2}`);
	}
	await page.setViewportSize(WIDE);
	await page.tap("[data-action=change]");
	await waitScreen(page, "rate");
	await shots(page, "rate");
	await page.tap("[data-level='2']");
	await waitScreen(page, "confirm");
	await page.tap("[data-action=send]");
	await waitScreen(page, "thanks");
	await shots(page, "thanks");
	await ctx.close();
});

L.test("static files: allow-list, types, caching", async () => {
	for (const [p, ct] of [["/kiosk/", "text/html"],
	    ["/kiosk/kiosk.js", "text/javascript"],
	    ["/kiosk/kiosk.css", "text/css"], ["/kiosk/sw.js",
	    "text/javascript"], ["/kiosk/counter.js", "text/javascript"]]) {
		const r = await srv.http("GET", p);
		L.assert(r.status === 200, `${p}: ${r.status}`);
		L.assert(r.headers.get("content-type").startsWith(ct),
		    `${p}: ${r.headers.get("content-type")}`);
	}
	const page = await srv.http("GET", "/kiosk/");
	L.assert(/script-src 'self'/.test(page.headers.get(
	    "content-security-policy")), "page CSP allows our script");
	L.assert(/no-store|no-cache/.test(page.headers.get("cache-control")),
	    "page not cached");
	for (const p of ["/kiosk/..%2fREADME.md", "/kiosk/x.js",
	    "/kiosk/sw.js/x", "/kiosk/.htaccess", "/kiosk/index.htm",
	    "/kiosk/KIOSK.JS"]) {
		const r = await srv.http("GET", p);
		L.assert(r.status === 404, `${p}: ${r.status}`);
	}
});

L.main(async () => {
	srv = new L.Server();
	counterKey = L.addKey(srv.data, "counter", UNIT);
	await srv.start();
	browser = await L.launch();
}, async () => {
	await browser?.close();
	await srv.stop();
});
