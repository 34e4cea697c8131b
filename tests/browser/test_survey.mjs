// The citizen's phone survey in Chromium on a small old phone (360x640):
// the overall question and its five big coloured faces on the first
// screen, a rating of 3 with a reason ticked stored, the next step after
// a low rating, a mistyped receipt code back on the form, and axe-core
// on every page: no serious or critical violation.
import * as L from "./lib.mjs";

const { units, procs } = L.demoCodes();
const UNIT = units.find(u => u.includes("-")) || units[0];
const VIEWPORT = { width: 360, height: 640 };
/* The brief's colours: 5 dark green ... 1 red, as the kiosk's. */
const HUE = { 5: "green", 4: "green", 3: "amber", 2: "orange", 1: "red" };

let srv, browser, counterKey;

async function ticket(proc = procs[0]) {
	const r = await srv.http("POST", "/api/v1/tickets", { procedure: proc,
	    unit: UNIT }, { Authorization: `Bearer ${counterKey}` });
	L.assert(r.status === 201, `ticket ${r.status} ${r.text}`);
	return r.json;
}

async function phone() {
	/* axe is injected as a script: the pages' CSP would refuse it. */
	const c = await browser.newContext({ viewport: VIEWPORT, hasTouch: true,
	    isMobile: true, deviceScaleFactor: 1, bypassCSP: true });
	return { c, page: await c.newPage() };
}

function check(v, what) {
	L.assert(v.length === 0, `${what}:\n  ${v.join("\n  ")}`);
}

// "rgb(r, g, b)" -> the colour's family, by hue.
function family(rgb) {
	const [r, g, b] = rgb.match(/\d+/g).map(Number);
	const max = Math.max(r, g, b), min = Math.min(r, g, b);
	if (max - min < 40)
		return "grey";
	let h;
	if (max === r)
		h = (60 * (g - b) / (max - min) + 360) % 360;
	else if (max === g)
		h = 60 * (b - r) / (max - min) + 120;
	else
		h = 60 * (r - g) / (max - min) + 240;
	if (h < 15 || h >= 345)
		return "red";
	if (h < 38)
		return "orange";
	if (h < 65)
		return "amber";
	if (h < 170)
		return "green";
	return "other";
}

async function submitAndWait(page, locator) {
	await Promise.all([page.waitForNavigation(), locator.click()]);
}

L.test("overall question and big coloured faces on the first screen",
    async () => {
	for (const lang of ["vi", "km"]) {
		const t = await ticket();
		const { c, page } = await phone();
		const resp = await page.goto(srv.url(`/s/${t.token}?lang=${lang}`));
		L.assert(resp.status() === 200, `survey ${resp.status()}`);
		await L.shot(page, `survey-360-${lang}`);
		const faces = await page.$$eval("input[name=overall]", els =>
		    els.map(i => {
			const label = i.closest("label");
			const svg = label.querySelector("svg");
			const box = label.getBoundingClientRect();
			const sb = svg.getBoundingClientRect();
			return { value: i.value, top: box.top,
			    bottom: box.bottom, w: sb.width, h: sb.height,
			    fill: getComputedStyle(svg.querySelector(
			    "circle")).fill,
			    text: label.textContent.trim() };
		}));
		L.assert(faces.map(f => f.value).join() === "5,4,3,2,1",
		    `order ${faces.map(f => f.value)}`);
		for (let i = 0; i < faces.length; i++) {
			const f = faces[i];
			L.assert(f.w >= 48 && f.h >= 48,
			    `face ${f.value} is ${f.w}x${f.h}`);
			L.assert(family(f.fill) === HUE[f.value],
			    `face ${f.value} ${f.fill} is ${family(f.fill)}`);
			L.assert(f.text.length > 0, `face ${f.value} has no word`);
			L.assert(f.bottom <= VIEWPORT.height,
			    `${lang}: face ${f.value} ends at ${f.bottom}`);
			if (i > 0)
				L.assert(f.top > faces[i - 1].top, "top to bottom");
		}
		L.assert(faces[0].fill !== faces[1].fill,
		    "5 and 4 have one colour");
		const h1 = await page.locator("h1").boundingBox();
		L.assert(h1 && h1.y >= 0 && h1.y + h1.height <= faces[0].top,
		    `${lang}: question at ${JSON.stringify(h1)}`);
		await page.evaluate(() => window.scrollTo(0, 640));
		await L.shot(page, `survey-360-${lang}-more`);
		check(await L.axeSerious(page), `survey ${lang}`);
		await c.close();
	}
});

L.test("a rating of 3 with a reason ticked is stored", async () => {
	const t = await ticket();
	const { c, page } = await phone();
	await page.goto(srv.url(`/s/${t.token}`));
	const reasons = page.locator("input[name=reasons]");
	L.assert(await reasons.count() >= 2, "no reasons on the page");
	await page.locator("label:has(input[name=reasons])").first().tap();
	await page.locator("label:has(input[name=overall][value='3'])").tap();
	L.assert(await page.locator("input[name=overall][value='3']")
	    .isChecked(), "face 3 not checked");
	await submitAndWait(page, page.locator("button[type=submit]").first());
	L.assert(await page.locator("main.msg-thanks").count() === 1,
	    "no thank-you page: " + (await page.content()).slice(0, 400));
	L.assert(await page.locator(".next").count() === 0,
	    "a next step after a 3");
	await L.shot(page, "survey-360-thanks-3");
	const rows = L.exportJson(srv.data).filter(r =>
	    r.ticket_code === t.code);
	L.assert(rows.length === 1, `stored ${rows.length}`);
	L.assert(rows[0].overall === 3, `overall ${rows[0].overall}`);
	L.assert(rows[0].reasons.length === 0, `reasons ${rows[0].reasons}`);
	await c.close();
});

L.test("after a rating of 1 the thank-you page says where to complain",
    async () => {
	const t = await ticket();
	const { c, page } = await phone();
	await page.goto(srv.url(`/s/${t.token}?lang=vi`));
	await page.locator("label:has(input[name=overall][value='1'])").tap();
	await page.locator("label:has(input[name=reasons])").first().tap();
	await submitAndWait(page, page.locator("button[type=submit]").last());
	const next = page.locator(".next");
	L.assert(await next.count() === 1, "no next step");
	L.assert(/Ông\/Bà/.test(await page.locator("h1").innerText()),
	    "thanks not in Ông/Bà");
	L.assert(await next.locator("a[href^='https://']").count() === 1,
	    "no link to the portal");
	L.assert(await page.locator("nav.lang a").count() === 3,
	    "no language switch");
	await L.shot(page, "survey-360-thanks-1");
	check(await L.axeSerious(page), "thanks after 1");
	const rows = L.exportJson(srv.data).filter(r =>
	    r.ticket_code === t.code);
	L.assert(rows.length === 1 && rows[0].overall === 1 &&
	    rows[0].reasons.length === 1, JSON.stringify(rows));
	await c.close();
});

L.test("a mistyped receipt code comes back on the form", async () => {
	const t = await ticket();
	const { c, page } = await phone();
	await page.goto(srv.url("/?lang=vi"));
	check(await L.axeSerious(page), "start page");
	await L.shot(page, "home-360");
	/* One letter wrong: another base32 letter in the first place. */
	const wrong = (t.code[0] === "A" ? "B" : "A") + t.code.slice(1);
	await page.fill("#code", wrong);
	await submitAndWait(page, page.locator("button[type=submit]"));
	L.assert(await page.locator("#code").inputValue() === wrong,
	    "the typed code was not kept");
	L.assert(await page.locator("[role=alert]").count() === 1, "no alert");
	L.assert(await page.locator("nav.lang a").count() === 3,
	    "no language switch");
	await L.shot(page, "home-360-not-found");
	check(await L.axeSerious(page), "code not found");
	/* The switch keeps the code. */
	await submitAndWait(page, page.locator("nav.lang a[lang=km]"));
	L.assert(await page.locator("#code").inputValue() === wrong,
	    "the code was lost by the language switch");
	L.assert(await page.locator("html").getAttribute("lang") === "km",
	    "not in Khmer");
	/* Too short, then right. */
	await page.fill("#code", t.code.slice(0, 6));
	await submitAndWait(page, page.locator("button[type=submit]"));
	L.assert(await page.locator("#code").inputValue() ===
	    t.code.slice(0, 6), "the short code was not kept");
	L.assert(/១០/.test(await page.locator("[role=alert]").innerText()),
	    "the Khmer message does not say 10 characters in Khmer digits");
	await L.shot(page, "home-360-too-short-km");
	await page.fill("#code", t.code);
	await submitAndWait(page, page.locator("button[type=submit]"));
	L.assert(new URL(page.url()).pathname.startsWith("/s/"),
	    `not on the survey: ${page.url()}`);
	L.assert(await page.locator("input[name=overall]").count() === 5,
	    "no faces");
	await c.close();
});

L.test("an unknown survey link: message, code box, way back", async () => {
	const { c, page } = await phone();
	const resp = await page.goto(srv.url("/s/AAAAAAAAAAAAAAAAAAAAAAAAAA"));
	L.assert(resp.status() === 404, `status ${resp.status()}`);
	L.assert(await page.locator("#code").count() === 1, "no code box");
	L.assert(await page.locator("a[href^='/?lang=']").count() === 1,
	    "no way back");
	L.assert(await page.locator("nav.lang a").count() === 3,
	    "no language switch");
	await L.shot(page, "survey-360-not-found");
	check(await L.axeSerious(page), "survey not found");
	await c.close();
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
