// The counter page in a real chromium at a counter PC's 1366x768: sign in
// with a counter key, the key's unit preselected and remembered, find a
// procedure by its words or an abbreviation, press "Hoàn thành": the
// ticket is issued, the confirmation is in view, the slip is printed
// from the page and the kiosk at that counter shows it; who is signed in
// and signing out. Then the slip itself as a PDF at 58 and 80 mm.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import * as L from "./lib.mjs";

const VIEW = { width: 1366, height: 768 };
const { units, procs } = L.demoCodes();
const UNIT = units.find(u => u.includes("-")) || units[0];
const ROOT = units.find(u => !u.includes("-")) || units[0];

let srv, browser, unitKey, rootKey, anyKey;

// A context whose frames record print() instead of opening a dialog.
async function counterContext() {
	const ctx = await browser.newContext({ viewport: VIEW });
	await ctx.addInitScript(() => {
		window.__prints = [];
		window.print = () => {
			const h = document.getElementById("print-host");
			const root = h && h.shadowRoot;
			window.__prints.push({
			    slip: root ? root.textContent : "",
			    page: (document.getElementById("print-page") ||
			    {}).textContent || "",
			    printing: document.documentElement.classList
			    .contains("slip") });
		};
	});
	return ctx;
}

async function inViewport(page, sel) {
	const b = await page.locator(sel).boundingBox();
	return b !== null && b.y >= 0 && b.x >= 0 &&
	    b.y + b.height <= VIEW.height && b.x + b.width <= VIEW.width;
}

L.test("a unit key: its unit preselected, only its subtree, remembered",
    async () => {
	const ctx = await counterContext();
	const page = await ctx.newPage();
	await L.signIn(page, srv, unitKey);
	await page.goto(srv.url("/counter"));
	await page.waitForSelector("#unit option", { state: "attached" });
	const offered = await page.$$eval("#unit option", os =>
	    os.map(o => o.value));
	L.assert(offered.length === 1 && offered[0] === UNIT,
	    `a ${UNIT} key is offered ${offered}`);
	L.assert(await page.inputValue("#unit") === UNIT, "preselected");
	await ctx.close();

	// A key limited to the root: every unit, the root first; the
	// clerk's choice survives a reload.
	const c2 = await counterContext();
	const p2 = await c2.newPage();
	await L.signIn(p2, srv, rootKey);
	await p2.goto(srv.url("/counter"));
	await p2.waitForSelector("#unit option", { state: "attached" });
	L.assert(await p2.inputValue("#unit") === ROOT,
	    `root key: ${await p2.inputValue("#unit")}`);
	const n = await p2.locator("#unit option").count();
	L.assert(n === units.length, `root key offered ${n} of ${units.length}`);
	await p2.selectOption("#unit", UNIT);
	await p2.reload();
	await p2.waitForSelector("#unit option", { state: "attached" });
	await L.until(async () => await p2.inputValue("#unit") === UNIT,
	    3000, "the unit chosen before the reload");
	await L.shot(p2, "counter-unit-remembered");
	await c2.close();
});

L.test("an unlimited key: no unit until one is chosen, then remembered",
    async () => {
	const ctx = await counterContext();
	const page = await ctx.newPage();
	await L.signIn(page, srv, anyKey);
	await page.goto(srv.url("/counter"));
	await page.waitForSelector("#procs input[type=radio]");
	L.assert(await page.inputValue("#unit") === "",
	    "no unit preselected for a key of any unit");
	await page.locator("#procs label").first().click();
	await page.click("#done");
	await page.waitForSelector("#result.err");
	const msg = await page.innerText("#result");
	L.assert(/chọn đơn vị/.test(msg), `asks for the unit: ${msg}`);
	L.assert(await inViewport(page, "#result"), "the error is in view");
	await page.selectOption("#unit", UNIT);
	await page.reload();
	await page.waitForSelector("#unit option", { state: "attached" });
	await L.until(async () => await page.inputValue("#unit") === UNIT,
	    3000, "the unit remembered");
	await ctx.close();
});

L.test("abbreviations and words without diacritics find procedures",
    async () => {
	const ctx = await counterContext();
	const page = await ctx.newPage();
	await L.signIn(page, srv, unitKey);
	await page.goto(srv.url("/counter"));
	await page.waitForSelector("#procs input[type=radio]");
	const all = await page.locator("#procs input").count();
	L.assert(all === procs.length || all === 60, `listed ${all}`);
	const cases = [["dang ky", /đăng ký/i], ["GPXD", /giấy phép xây dựng/i],
	    ["gcn", /giấy chứng nhận/i], ["Gcn dat", /giấy chứng nhận.*đất/i]];
	for (const [q, re] of cases) {
		await page.fill("#proc-search", q);
		const names = await page.locator("#procs label")
		    .allInnerTexts();
		L.assert(names.length > 0 && names.length < all,
		    `"${q}" finds ${names.length} of ${all}`);
		L.assert(names.every(n => re.test(n)),
		    `"${q}" finds only ${re}: ${names}`);
	}
	await page.fill("#proc-search", "GPXD");
	await L.shot(page, "counter-search-gpxd");
	await ctx.close();
});

L.test("Hoàn thành: confirmation in view, slip printed, kiosk switches",
    async () => {
	const k = srv.kioskAdd(UNIT, "7", "kiosk-counter-7");
	const kctx = await browser.newContext({ viewport: { width: 1280,
	    height: 800 }, hasTouch: true });
	const kpage = await kctx.newPage();
	await kpage.goto(srv.url(`/kiosk/#enrol=${k.code}`));
	await L.until(() => kpage.evaluate(() =>
	    document.body.dataset.screen === "start"), 5000, "kiosk start");

	const ctx = await counterContext();
	const page = await ctx.newPage();
	const errors = [];
	page.on("pageerror", e => errors.push(e.message));
	await L.signIn(page, srv, unitKey);
	await page.goto(srv.url("/counter?counter=7"));
	const csrf = await page.getAttribute('meta[name="csrf-token"]',
	    "content");
	L.assert(csrf && csrf.length === 32, `csrf token: ${csrf}`);
	await page.waitForSelector("#procs input[type=radio]");
	await page.fill("#proc-search", "GPXD");
	await page.locator("#procs label").first().click();
	const procName = (await page.locator("#procs label").first()
	    .innerText()).trim();
	await page.selectOption("#paper", "58");
	await page.fill("#case", "HS-2025-0001");
	await L.shot(page, "counter-form");
	const pagesBefore = ctx.pages().length;
	await page.click("#done");
	await page.waitForSelector("#ticket-code");
	const code = (await page.innerText("#ticket-code")).trim();
	L.assert(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/.test(code), `code ${code}`);
	L.assert(await inViewport(page, "#result"),
	    "the confirmation is in the viewport at 1366x768");
	L.assert(await inViewport(page, "#done"), "and the button");
	// Also in a browser window's usual 1366x657 (tabs and taskbar).
	await page.setViewportSize({ width: 1366, height: 657 });
	const b657 = await page.locator("#result").boundingBox();
	L.assert(b657.y + b657.height <= 657, `at 657 px: ${b657.y} + ${
	    b657.height}`);
	await page.setViewportSize(VIEW);
	const box = await page.innerText("#result");
	L.assert(box.includes("HS-2025-0001"), `the case: ${box}`);
	L.assert(box.includes(procName.split(" (")[0]),
	    `the procedure: ${box}`);
	// Kept for the next ticket: procedure, unit, counter; the case goes.
	L.assert(await page.inputValue("#case") === "", "case cleared");
	L.assert(await page.inputValue("#counter") === "7", "counter kept");
	L.assert(await page.inputValue("#unit") === UNIT, "unit kept");
	L.assert(await page.locator("#procs input:checked").count() === 1,
	    "procedure kept");
	// Printed from the page itself, no window opened.
	const prints = await L.until(() => page.evaluate(() =>
	    window.__prints.length ? window.__prints : null), 5000,
	    "print()");
	L.assert(prints[0].printing, "the page in slip mode while printing");
	L.assert(prints[0].slip.includes(code), "the printed slip's code");
	L.assert(/@page\{size:58mm \d+mm/.test(prints[0].page),
	    `the 58 mm page size: ${prints[0].page}`);
	L.assert(ctx.pages().length === pagesBefore, "no window opened");
	await L.until(() => page.evaluate(() => /Đã gửi phiếu/.test(
	    document.getElementById("print-note").textContent)), 3000,
	    "the print note");
	await L.shot(page, "counter-issued");
	// What the printer gets: the counter page printed is the slip.
	await page.evaluate(() => {
		document.documentElement.classList.add("slip");
	});
	const pdf = path.join(L.ARTEFACTS, "counter-printed.pdf");
	fs.mkdirSync(L.ARTEFACTS, { recursive: true });
	await page.evaluate(() => {
		const h = document.getElementById("print-host");
		document.getElementById("print-page").textContent =
		    "@page{size:58mm 160mm;margin:0}";
		return h.shadowRoot.textContent.length;
	});
	await page.pdf({ path: pdf, preferCSSPageSize: true });
	const text = execFileSync("pdftotext", [pdf, "-"]).toString();
	L.assert(text.includes(code) && !text.includes("Hoàn thành"),
	    `the printed counter page is the slip only: ${text.slice(0, 200)}`);
	await page.evaluate(() => {
		document.documentElement.classList.remove("slip");
		document.getElementById("print-page").textContent = "";
	});
	const slipHref = await page.getAttribute("#slip-link", "href");
	const token = decodeURIComponent(slipHref.split("/")[4]);
	await kpage.waitForSelector(`.proc[data-token="${token}"]`,
	    { timeout: 3000 });
	L.assert(errors.length === 0, `page errors: ${errors}`);
	await ctx.close();
	await kctx.close();
});

L.test("API errors in Vietnamese, in view; a dead network said so",
    async () => {
	const ctx = await counterContext();
	const page = await ctx.newPage();
	await L.signIn(page, srv, unitKey);
	await page.goto(srv.url("/counter"));
	await page.waitForSelector("#procs input[type=radio]");
	await page.locator("#procs label").first().click();
	// A session that ended elsewhere: 401.
	await ctx.clearCookies();
	await page.click("#done");
	await page.waitForSelector("#result.err");
	let msg = await page.innerText("#result");
	L.assert(/đăng nhập lại/i.test(msg) && !/unauthor|key/i.test(msg),
	    `401 in Vietnamese: ${msg}`);
	L.assert(await inViewport(page, "#result"), "401 in view");
	// No network at all.
	await page.route("**/api/v1/tickets", r => r.abort());
	await page.click("#done");
	await L.until(async () => /kết nối/.test(await page.innerText(
	    "#result")), 3000, "network error");
	msg = await page.innerText("#result");
	L.assert(/chưa được cấp/.test(msg), `network error: ${msg}`);
	await L.shot(page, "counter-error");
	await ctx.close();
});

L.test("who is signed in; signing out ends the session", async () => {
	const ctx = await counterContext();
	const page = await ctx.newPage();
	await L.signIn(page, srv, unitKey);
	await page.goto(srv.url("/counter"));
	const who = await page.innerText("#who");
	L.assert(who.includes("Quầy 7 Ninh Kiều"), `the key's name: ${who}`);
	const unitName = await page.getAttribute('meta[name="hl-unit-name"]',
	    "content");
	L.assert(unitName && who.includes(unitName), `the unit: ${who}`);
	L.assert(await inViewport(page, "#signout button"),
	    "sign-out in view");
	await Promise.all([page.waitForURL(/\/signin/),
	    page.click("#signout button")]);
	L.assert(/next=%2Fcounter/.test(page.url()), `back here: ${page.url()}`);
	const r = await page.goto(srv.url("/counter"));
	L.assert(r.status() === 401, `after sign-out: ${r.status()}`);
	// Signing in again returns to the counter page.
	await page.goto(srv.url("/signin?next=%2Fcounter"));
	await page.fill("input[name=key]", unitKey);
	await Promise.all([page.waitForURL(/\/counter$/),
	    page.press("input[name=key]", "Enter")]);
	await ctx.close();
});

L.test("the blue header spans the window; its title lines up with the page",
    async () => {
	const ctx = await counterContext();
	const page = await ctx.newPage();
	await L.signIn(page, srv, unitKey);
	for (const width of [VIEW.width, 1920, 1024]) {
		await page.setViewportSize({ width, height: VIEW.height });
		await page.goto(srv.url("/counter"));
		const g = await page.evaluate(() => {
			const b = document.querySelector(".bar")
			    .getBoundingClientRect();
			const h = document.querySelector(".bar h1")
			    .getBoundingClientRect();
			const f = document.querySelector("#issue")
			    .getBoundingClientRect();
			return { left: b.left, top: b.top, width: b.width,
			    page: document.documentElement.clientWidth,
			    title: h.left, form: f.left };
		});
		L.assert(g.left === 0 && g.top === 0 && g.width === g.page,
		    `at ${width} the bar is ${JSON.stringify(g)}`);
		L.assert(Math.abs(g.title - g.form) <= 1,
		    `title and form aligned at ${width}: ${JSON.stringify(g)}`);
	}
	await L.shot(page, "counter-header-1024");
	await ctx.close();
});

L.test("the sign-in page speaks Vietnamese to clerks, a large key field",
    async () => {
	const ctx = await browser.newContext({ viewport: VIEW });
	const page = await ctx.newPage();
	const r = await page.goto(srv.url("/counter"));
	L.assert(r.status() === 401, `status ${r.status()}`);
	const h1 = await page.innerText("h1");
	L.assert(h1 === "Đăng nhập", `heading: ${h1}`);
	const h2 = await page.innerText("h2 >> nth=0");
	L.assert(h2 === "Bằng khóa được cấp", `the key comes first: ${h2}`);
	const body = await page.innerText("body");
	L.assert(!/report|viewer|sign in|session|administrator/i.test(body),
	    `no English: ${body}`);
	L.assert(/khóa quầy/.test(body), `the hint names clerks' keys: ${body}`);
	const b = await page.locator("input[name=key]").boundingBox();
	L.assert(b.height >= 56 && b.width >= 400, `key field ${b.width}x${
	    b.height}`);
	await L.shot(page, "signin");
	await page.fill("input[name=key]", "not-a-key");
	await page.press("input[name=key]", "Enter");
	await page.waitForSelector("[role=alert]");
	const err = await page.innerText("[role=alert]");
	L.assert(/Khóa không đúng/.test(err) && !/Wrong/.test(err),
	    `error in Vietnamese: ${err}`);
	await ctx.close();
});

// pdfinfo's page size in mm.
function pdfSize(file) {
	const out = execFileSync("pdfinfo", [file]).toString();
	const m = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(out);
	const pages = Number(/Pages:\s+(\d+)/.exec(out)[1]);
	return { w: m[1] * 25.4 / 72, h: m[2] * 25.4 / 72, pages };
}

L.test("the slip as PDF at 58 and 80 mm: page sized to the slip",
    async () => {
	const r = await srv.http("POST", "/api/v1/tickets", {
	    procedure: procs[0], unit: UNIT, "case": "PDF-1" },
	    { Authorization: "Bearer " + unitKey });
	L.assert(r.status === 201, `issue ${r.status}`);
	const t = r.json;
	/* The date of expires_at in the province's zone (its offset). */
	const exp = t.expires_at.slice(0, 10);
	const ctx = await browser.newContext();
	for (const w of [58, 80]) {
		const page = await ctx.newPage();
		await page.goto(srv.url(
		    `/api/v1/tickets/${t.token}/slip?width=${w}`));
		await page.emulateMedia({ media: "print" });
		const content = await page.evaluate(() => document
		    .querySelector(".slip").getBoundingClientRect().height *
		    25.4 / 96);
		const file = path.join(L.ARTEFACTS, `slip-${w}.pdf`);
		fs.mkdirSync(L.ARTEFACTS, { recursive: true });
		await page.pdf({ path: file, preferCSSPageSize: true,
		    printBackground: true });
		const sz = pdfSize(file);
		L.assert(Math.abs(sz.w - w) < 1, `${w} mm: width ${sz.w}`);
		L.assert(sz.pages === 1, `${w} mm: ${sz.pages} pages`);
		L.assert(sz.h >= content && sz.h < content + 40 && sz.h < 200,
		    `${w} mm: page ${sz.h.toFixed(1)} mm for ${
		    content.toFixed(1)} mm of slip`);
		const text = execFileSync("pdftotext", [file, "-"]).toString();
		const site = srv.base.replace(/^https?:\/\//, "") + "/c";
		L.assert(text.includes(site), `${w}: short address ${site}`);
		L.assert(text.includes(t.code), `${w}: the code`);
		L.assert(!text.includes(t.token) && !text.includes("/s/"),
		    `${w}: the survey address printed`);
		L.assert(/សូម/.test(text), `${w}: the Khmer line: ${text}`);
		const dd = exp.split("-").reverse().join("/");
		L.assert(text.includes(dd), `${w}: the expiry ${dd}`);
		L.assert(text.includes("Ông/Bà") && !/\bbạn\b/.test(text),
		    `${w}: Ông/Bà`);
		execFileSync("pdftoppm", ["-r", "150", "-png", "-singlefile",
		    file, path.join(L.ARTEFACTS, `slip-${w}`)]);
		await page.close();
	}
	await ctx.close();
});

L.main(async () => {
	srv = new L.Server();
	unitKey = L.cliOk("key", "add", "--data", srv.data, "--role",
	    "counter", "--name", "Quầy 7 Ninh Kiều", "--unit", UNIT)
	    .trim().split("\n").pop().trim();
	rootKey = L.addKey(srv.data, "counter", ROOT);
	anyKey = L.addKey(srv.data, "counter");
	await srv.start();
	browser = await L.launch();
}, async () => {
	await browser?.close();
	await srv.stop();
});
