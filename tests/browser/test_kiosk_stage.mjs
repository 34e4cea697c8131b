// The kiosk at a stage of a dossier, in a real chromium against a real
// server: a refused dossier's ticket offered to a kiosk shows the survey's
// words for a refusal (vi, en, km) and never asks "on time?"; a dossier
// returned on time is not asked either and its answer stores what the
// dates say; a ticket without a dossier is still asked. The refused
// answer is counted under its stage in the report.
import * as L from "./lib.mjs";

const { units, procs } = L.demoCodes();
const UNIT = units.find(u => u.includes("-")) || units[0];
const PROC = procs[0];

let srv, browser, counterKey, viewerKey;
let nkiosk = 0;

const screen = page => page.evaluate(() => document.body.dataset.screen);

async function waitScreen(page, name, ms = 5000) {
	await L.until(async () => (await screen(page)) === name, ms,
	    `screen ${name} (now ${await screen(page)})`);
}

async function kiosk(counter) {
	const name = `kiosk-stage-${counter}-${++nkiosk}`;
	const k = srv.kioskAdd(UNIT, counter, name);
	const ctx = await browser.newContext({
	    viewport: { width: 1280, height: 800 }, hasTouch: true });
	const page = await ctx.newPage();
	page.on("pageerror", e => console.log("pageerror:", e.message));
	await page.goto(srv.url(`/kiosk/#enrol=${k.code}`));
	await waitScreen(page, "start");
	return { ctx, page };
}

const iso = t => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, "Z");

async function dossier(kase, ev, at, due) {
	const body = { case: kase, unit: UNIT, procedure: PROC, event: ev,
	    at: iso(at) };
	if (due)
		body.due = iso(due);
	const r = await srv.http("POST", "/api/v1/dossiers", body,
	    { Authorization: `Bearer ${counterKey}` });
	L.assert(r.status === 200 || r.status === 201,
	    `dossier ${kase} ${ev}: ${r.status} ${r.text}`);
}

async function issue(counter, extra = {}) {
	const r = await srv.http("POST", "/api/v1/tickets", { procedure: PROC,
	    unit: UNIT, counter: String(counter), ...extra },
	    { Authorization: `Bearer ${counterKey}` });
	L.assert(r.status === 201, `ticket: ${r.status} ${r.text}`);
	return r.json;
}

// Rates level, skips every question, sends; returns the questions shown.
async function answer(page, level) {
	await page.tap(`[data-level='${level}']`);
	if ((await screen(page)) === "reasons")
		await page.tap("[data-action=next]");
	const seen = [];
	for (let i = 0; i < 20 && (await screen(page)) === "question"; i++) {
		seen.push(await page.getAttribute("h1", "data-question"));
		await page.tap("[data-action=skip]");
		await L.sleep(50);
	}
	await waitScreen(page, "confirm");
	await page.tap("[data-action=send]");
	await waitScreen(page, "thanks");
	return seen;
}

async function stored(code) {
	let rows = [];
	await L.until(async () => (rows = L.exportJson(srv.data).filter(r =>
	    r.ticket_code === code)).length > 0, 10000, `answer of ${code}`);
	L.assert(rows.length === 1 && rows[0].channel === "kiosk",
	    `one kiosk answer: ${JSON.stringify(rows)}`);
	return rows[0];
}

L.test("a refused dossier's ticket: the refusal's words, no on-time " +
    "question, counted under its stage", async () => {
	const now = Math.floor(Date.now() / 1000);
	await dossier("REF-K1", "received", now - 5 * 86400, now + 86400);
	await dossier("REF-K1", "refused", now - 60);
	const { ctx, page } = await kiosk("21");
	const tk = await issue("21", { case: "REF-K1", stage: "refused" });
	await page.waitForSelector(`.proc[data-token="${tk.token}"]`,
	    { timeout: 5000 });
	await waitScreen(page, "start-paired");
	const words = {
		vi: "Hồ sơ của Ông/Bà không được giải quyết",
		en: "Your dossier was refused",
		km: "ឯកសាររបស់លោកអ្នកត្រូវបានបដិសេធ",
	};
	for (const l of ["en", "km", "vi"]) {
		await page.tap(`[data-lang=${l}]`);
		await waitScreen(page, "start-paired");
		const st = await page.locator("p.stage").innerText();
		L.assert(st.startsWith(words[l]), `${l} stage words: ${st}`);
		L.assert(await page.getAttribute("p.stage", "data-stage") ===
		    "refused", "data-stage");
	}
	await L.shot(page, "kiosk-stage-refused-1280x800");
	const seen = await answer(page, 2);
	L.assert(seen.length > 0 && !seen.includes("on_time"),
	    `questions shown: ${seen.join(" ")}`);
	const row = await stored(tk.code);
	L.assert(row.overall === 2 && row.on_time === null,
	    `stored: ${JSON.stringify(row)}`);
	const r = await srv.http("GET", "/api/v1/reports?period=" + row.month,
	    undefined, { Authorization: `Bearer ${viewerKey}` });
	L.assert(r.status === 200, `report ${r.status}`);
	const ref = r.json.overall.by_stage.find(x => x.stage === "refused");
	L.assert(ref.responses === 1 && ref.levels[1] === 1 &&
	    ref.satisfied === 0, `refused stage: ${JSON.stringify(ref)}`);
	await ctx.close();
});

L.test("returned on time: not asked, stored from the dates; a ticket " +
    "without a dossier is asked", async () => {
	const now = Math.floor(Date.now() / 1000);
	await dossier("RET-K1", "received", now - 5 * 86400, now + 86400);
	await dossier("RET-K1", "returned", now - 60);
	const { ctx, page } = await kiosk("22");
	const tk = await issue("22", { case: "RET-K1" });
	await page.waitForSelector(`.proc[data-token="${tk.token}"]`,
	    { timeout: 5000 });
	L.assert(await page.locator("p.stage").count() === 0,
	    "stage words at the result");
	let seen = await answer(page, 5);
	L.assert(seen.length > 0 && !seen.includes("on_time"),
	    `questions shown: ${seen.join(" ")}`);
	let row = await stored(tk.code);
	L.assert(row.on_time === "yes", `on time from the dates: ${
	    JSON.stringify(row)}`);
	/* No dossier: the kiosk asks. */
	await waitScreen(page, "start", 15000);
	const plain = await issue("22");
	await page.waitForSelector(`.proc[data-token="${plain.token}"]`,
	    { timeout: 5000 });
	seen = await answer(page, 4);
	L.assert(seen.includes("on_time"), `questions shown: ${
	    seen.join(" ")}`);
	row = await stored(plain.code);
	L.assert(row.on_time === null, JSON.stringify(row));
	await ctx.close();
});

L.main(async () => {
	srv = new L.Server();
	counterKey = L.addKey(srv.data, "counter", UNIT);
	viewerKey = L.addKey(srv.data, "viewer");
	await srv.start();
	browser = await L.launch();
}, async () => {
	await browser?.close();
	await srv.stop();
});
