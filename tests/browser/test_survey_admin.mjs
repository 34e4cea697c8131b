// The console's survey pages in Chromium at 1366x768: an admin signs in
// with a password, edits a Khmer text of the procedure survey, previews
// it as a phone (the real survey page, 360 px) and as the kiosk shows
// it (the kiosk page fed the draft's definition), publishes it; a phone
// (360x640) opening a new ticket's survey sees the new Khmer text and
// its answer is stored with the new version. A draft without a Khmer
// text is refused on the page, nothing stored; an old version is
// read-only; a unit's admin sees the texts read-only; axe on every page.
import * as L from "./lib.mjs";

const VIEW = { width: 1366, height: 768 };
const PHONE = { width: 360, height: 640 };
const PW = "survey password 1";
const NEW_KM = "ពេញចិត្តខ្លាំងណាស់ (ថ្មី)";
const FIELD = "question.overall.option.5";
let srv, browser, counterKey, adminKey, unit;

async function ctx(viewport) {
	/* axe is injected as a script: the pages' CSP would refuse it. */
	return browser.newContext({ viewport, bypassCSP: true });
}

/* axe on the page itself (the previews are frames of their own). */
async function axe(page, what) {
	await page.addScriptTag({ path: L.axePath() });
	const res = await page.evaluate(() => window.axe.run(document,
	    { iframes: false, resultTypes: ["violations"] }));
	const bad = res.violations.filter(v => v.impact === "serious" ||
	    v.impact === "critical").map(v => `${v.id}: ` +
	    v.nodes.map(n => n.target.join(" ")).slice(0, 5).join(", "));
	L.assert(bad.length === 0, `${what}: ${bad.join("; ")}`);
}

async function versions() {
	const r = await srv.http("GET", "/api/v1/admin/surveys/procedure",
	    undefined, { Authorization: `Bearer ${adminKey}` });
	L.assert(r.status === 200, `GET survey ${r.status}`);
	return r.json;
}

L.test("edit a Khmer text, preview as phone and kiosk, publish",
    async () => {
	const before = await versions();
	const v = before.version;
	const c = await ctx(VIEW);
	const page = await c.newPage();
	await L.signInPassword(page, srv, "boss", PW, "/admin/surveys");
	L.assert(await page.innerText("h1") === "Khảo sát", "list page");
	await axe(page, "survey list");
	await L.shot(page, "admin-surveys");
	await Promise.all([page.waitForURL(/\/admin\/surveys\/procedure$/),
	    page.click("a[aria-label='Sửa khảo sát procedure']")]);
	const km = page.locator(`textarea[name='${FIELD}.km']`);
	L.assert(await km.count() === 1, "the top level's Khmer");
	/* vi, en and km side by side in one row. */
	const boxes = await Promise.all(["vi", "en", "km"].map(l => page
	    .locator(`textarea[name='${FIELD}.${l}']`)
	    .boundingBox()));
	L.assert(boxes[0].y === boxes[2].y && boxes[0].x < boxes[1].x &&
	    boxes[1].x < boxes[2].x, "side by side");
	L.assert(boxes[2].x + boxes[2].width <= VIEW.width, "fits 1366");
	await axe(page, "survey edit");
	await L.shot(page, "admin-survey-edit");
	await km.fill(NEW_KM);
	await page.selectOption("select[name=lang]", "km");
	await Promise.all([page.waitForLoadState("load"),
	    page.click("button[value=preview]")]);
	L.assert(await page.locator("[role=alert]").count() === 0,
	    "preview refused: " + await page.locator("main").innerText());
	/* The phone: the real page, 360 px wide, in Khmer. */
	const phone = page.frameLocator("#preview-phone");
	await L.until(async () => (await phone.locator("body").innerText())
	    .includes(NEW_KM), 5000, "the phone preview's new text");
	const pbox = await page.locator("#preview-phone").boundingBox();
	L.assert(Math.round(pbox.width) === 364, `phone width ${pbox.width}`);
	/* The kiosk: its start screen's faces, in Khmer. */
	const kiosk = page.frameLocator("#preview-kiosk");
	await L.until(async () => (await kiosk.locator("button.face.l5")
	    .innerText().catch(() => "")).includes(NEW_KM), 5000,
	    "the kiosk preview's new text");
	L.assert(await kiosk.locator("button.face").count() === 5,
	    "the kiosk's faces");
	await page.locator("#preview-phone").scrollIntoViewIfNeeded();
	await page.locator("#preview-phone").screenshot({
	    path: `${L.ARTEFACTS}/admin-survey-preview-phone.png` });
	await page.locator("#preview-kiosk").screenshot({
	    path: `${L.ARTEFACTS}/admin-survey-preview-kiosk.png` });
	await axe(page, "survey preview");
	/* A preview stores nothing; the kiosks still get the old text. */
	L.assert((await versions()).version === v, "a preview stored");
	let def = await srv.http("GET", "/api/v1/survey?survey=procedure");
	const top = d => d.levels.find(x => x.value === 5).label.km;
	L.assert(top(def.json) !== NEW_KM, "the preview is in use");
	/* The form kept what was typed: publish it. */
	L.assert(await km.inputValue() === NEW_KM, "typed text kept");
	await Promise.all([page.waitForURL(/published=procedure\./),
	    page.click("button[value=publish]")]);
	const ok = await page.innerText("[role=status]");
	L.assert(ok.includes(`Đã đăng phiên bản ${v + 1}`), `done: ${ok}`);
	await L.shot(page, "admin-surveys-published");
	const after = await versions();
	L.assert(after.version === v + 1, `version ${after.version}`);
	L.assert(after.versions.length === before.versions.length + 1 &&
	    after.versions.at(-1).who === "user boss", "stored version");
	def = await srv.http("GET", "/api/v1/survey?survey=procedure");
	L.assert(def.json.version === v + 1 && top(def.json) === NEW_KM,
	    "the kiosk's definition");
	const audit = await srv.http("GET",
	    "/api/v1/admin/audit?action=survey.publish", undefined,
	    { Authorization: `Bearer ${adminKey}` });
	const e = audit.json.entries[0];
	L.assert(e.after.texts[`${FIELD}.km`] === NEW_KM &&
	    e.before.texts[`${FIELD}.km`] !== NEW_KM,
	    "audit before/after");
	/* The old version read-only. */
	if (before.versions.length > 0) {
		await page.goto(srv.url("/admin/surveys/procedure?version=" +
		    before.versions.at(-1).version));
		L.assert(await page.locator("textarea").count() === 0,
		    "old version editable");
		await axe(page, "old version");
	}
	await page.goto(srv.url(`/admin/surveys/procedure?version=${v + 1}`));
	L.assert(await page.locator("textarea").count() === 0, "read-only");
	L.assert((await page.innerText("main")).includes(NEW_KM), "its text");
	await axe(page, "a version");
	await L.shot(page, "admin-survey-version");
	await c.close();

	/* A phone opening a new ticket's survey. */
	const r = await srv.http("POST", "/api/v1/tickets", { procedure:
	    (await srv.http("GET", "/api/v1/procedures")).json[0].code,
	    unit }, { Authorization: `Bearer ${counterKey}` });
	L.assert(r.status === 201, `ticket ${r.status}`);
	const pc = await browser.newContext({ viewport: PHONE, hasTouch: true,
	    isMobile: true, deviceScaleFactor: 1 });
	const pp = await pc.newPage();
	await pp.goto(srv.url(`/s/${r.json.token}?lang=km`));
	L.assert((await pp.innerText("body")).includes(NEW_KM),
	    "the phone's new Khmer text");
	await L.shot(pp, "survey-360-km-published");
	await pp.locator("label:has(input[name=overall][value='5'])").tap();
	await Promise.all([pp.waitForNavigation(),
	    pp.locator("button[type=submit]").first().click()]);
	L.assert(await pp.locator("main.msg-thanks").count() === 1,
	    "no thank-you page");
	const rows = L.exportJson(srv.data).filter(x =>
	    x.ticket_code === r.json.code);
	L.assert(rows.length === 1 && rows[0].survey_version === v + 1 &&
	    rows[0].lang === "km", `stored: ${JSON.stringify(rows)}`);
	await pc.close();
});

L.test("a draft without a Khmer text is refused on the page", async () => {
	const before = await versions();
	const c = await ctx(VIEW);
	const page = await c.newPage();
	await L.signInPassword(page, srv, "boss", PW,
	    "/admin/surveys/procedure");
	await page.fill("textarea[name='thanks.km']", "   ");
	const r = await Promise.all([page.waitForLoadState("load"),
	    page.click("button[value=publish]")]);
	void r;
	const alert = await page.innerText("[role=alert]");
	L.assert(/lời cảm ơn: thiếu bản tiếng Khmer/.test(alert),
	    `alert: ${alert}`);
	L.assert(await page.locator("textarea[name='thanks.vi']")
	    .inputValue() !== "", "typed texts kept");
	await axe(page, "survey refused");
	await L.shot(page, "admin-survey-refused");
	const after = await versions();
	L.assert(after.version === before.version &&
	    after.versions.length === before.versions.length, "stored");
	/* Printed: the texts, not the buttons nor the navigation. */
	await page.emulateMedia({ media: "print" });
	L.assert(await page.locator("button[value=publish]").isHidden(),
	    "buttons printed");
	// Every text whole on paper, however long (a box would cut it).
	const intro = await page.locator("textarea[name='intro.vi']")
	    .inputValue();
	const printed = page.locator("textarea[name='intro.vi'] + " +
	    "div.printonly");
	L.assert(await printed.isVisible() && (await printed.innerText())
	    .trim() === intro.trim(), "the intro printed whole");
	L.assert(await page.locator("textarea[name='title.vi']").isHidden(),
	    "the boxes are not printed");
	await page.pdf({ path: `${L.ARTEFACTS}/admin-survey-print.pdf` });
	await c.close();
});

L.test("a unit's admin sees the texts read-only", async () => {
	const c = await ctx(VIEW);
	const page = await c.newPage();
	await L.signInPassword(page, srv, "local", PW,
	    "/admin/surveys/procedure");
	L.assert(await page.locator("textarea").count() === 0, "editable");
	L.assert((await page.innerText("main")).includes(
	    "chỉ quản trị toàn tỉnh được sửa"), "says why");
	await axe(page, "survey, unit admin");
	await c.close();
});

L.test("a target set on the indicators page is in the report", async () => {
	const c = await ctx(VIEW);
	const page = await c.newPage();
	await L.signInPassword(page, srv, "boss", PW, "/admin/indicators");
	L.assert(await page.innerText("h1") === "Chỉ tiêu", "targets page");
	await axe(page, "targets");
	const row = page.locator("tr", { has: page.locator("td.code",
	    { hasText: /^tthc$/ }) });
	await row.locator("input[name=year]").fill("2026");
	await row.locator("input[name=target]").fill("92,5");
	await Promise.all([page.waitForURL(/saved=2026/),
	    row.locator("button").click()]);
	L.assert((await page.innerText("[role=status]")).includes(
	    "Đã lưu chỉ tiêu năm 2026"), "saved");
	L.assert((await row.innerText()).includes("2026: 92,5%"), "shown");
	await L.shot(page, "admin-indicators");
	await row.locator("input[name=year]").fill("2026");
	await row.locator("input[name=target]").fill("100,5");
	await Promise.all([page.waitForLoadState("load"),
	    row.locator("button").click()]);
	L.assert(/từ 0 đến 100/.test(await page.innerText("[role=alert]")),
	    "refused");
	await axe(page, "targets, refused");
	const viewer = L.addKey(srv.data, "viewer");
	const rep = await srv.http("GET", "/api/v1/reports/monthly?period=" +
	    "2026", undefined, { Authorization: `Bearer ${viewer}` });
	L.assert(rep.status === 200, `report ${rep.status} ${rep.text}`);
	const t = rep.json.indicators.find(x => x.id === "tthc").targets
	    .find(x => x.year === 2026);
	L.assert(t && t.target === 92.5, `report: ${JSON.stringify(t)}`);
	await c.close();
});

L.main(async () => {
	srv = new L.Server();
	await srv.start();
	const units = (await srv.http("GET", "/api/v1/units")).json;
	const root = units.find(u => u.parent === null);
	unit = units.find(u => u.parent === root.code).code;
	counterKey = L.addKey(srv.data, "counter", unit);
	adminKey = L.addKey(srv.data, "admin");
	L.userAdd(srv.data, "boss", "admin", PW);
	L.userAdd(srv.data, "local", "admin", PW, root.code);
	browser = await L.launch();
}, async () => {
	await browser?.close();
	await srv.stop();
});
