// axe-core on every page a person sees: the kiosk's screens, the citizen's
// pages (start, receipt code, survey, thank-you, dead ends) in Vietnamese
// and Khmer, the clerk's sign-in, counter page and slip, and the monthly
// report, and every page of the admin console: no serious or critical
// violation.
import * as L from "./lib.mjs";

const { units, procs } = L.demoCodes();
const UNIT = units.find(u => u.includes("-")) || units[0];

let srv, browser, counterKey, viewerKey;

async function ctx(viewport) {
	/* axe is injected as a script: our CSP would refuse it. */
	return browser.newContext({ viewport, hasTouch: true,
	    bypassCSP: true });
}

function check(v, what) {
	L.assert(v.length === 0, `${what}:\n  ${v.join("\n  ")}`);
}

L.test("kiosk: enrolment, start and question screens", async () => {
	const k = srv.kioskAdd(UNIT, "9", "kiosk-a11y");
	for (const vp of [{ width: 800, height: 480 },
	    { width: 1080, height: 1920 }]) {
		const c = await ctx(vp);
		const page = await c.newPage();
		await page.goto(srv.url("/kiosk/"));
		await L.until(() => page.evaluate(() =>
		    document.body.dataset.screen === "enrol"), 5000, "enrol");
		check(await L.axeSerious(page), `enrol ${vp.width}`);
		await c.close();
	}
	const c = await ctx({ width: 1280, height: 800 });
	const page = await c.newPage();
	await page.goto(srv.url(`/kiosk/#enrol=${k.code}`));
	await L.until(() => page.evaluate(() =>
	    document.body.dataset.screen === "start"), 5000, "start");
	check(await L.axeSerious(page), "start");
	await page.tap("[data-level='1']");
	check(await L.axeSerious(page), "reasons");
	await page.tap("[data-action=next]");
	check(await L.axeSerious(page), "question");
	await page.tap("[data-action=send-now]");
	await L.until(() => page.evaluate(() =>
	    document.body.dataset.screen === "confirm"), 5000, "confirm");
	check(await L.axeSerious(page), "confirm");
	await page.tap("[data-action=send]");
	await L.until(() => page.evaluate(() =>
	    document.body.dataset.screen === "thanks"), 5000, "thanks");
	check(await L.axeSerious(page), "thanks");
	await c.close();
});

async function ticket() {
	const r = await srv.http("POST", "/api/v1/tickets", { procedure:
	    procs[0], unit: UNIT }, { Authorization: `Bearer ${counterKey}` });
	L.assert(r.status === 201, `ticket ${r.status} ${r.text}`);
	return r.json;
}

L.test("citizen pages in Vietnamese and Khmer", async () => {
	for (const lang of ["vi", "km"]) {
		const c = await ctx({ width: 360, height: 640 });
		const page = await c.newPage();
		const at = async (p, what, status = [200]) => {
			const resp = await page.goto(srv.url(p));
			L.assert(status.includes(resp.status()),
			    `${what} ${lang}: ${resp.status()}`);
			check(await L.axeSerious(page), `${what} ${lang}`);
		};
		await at(`/?lang=${lang}`, "start");
		await at(`/c?lang=${lang}`, "receipt code form");
		await at(`/c?code=ZZZZZ-ZZZZZ&lang=${lang}`, "wrong code", [400, 404]);
		await at(`/c?code=AB&lang=${lang}`, "too short a code", [400]);
		const t = await ticket();
		await at(`/s/${t.token}?lang=${lang}`, "survey");
		await page.locator("label:has(input[name=overall][value='1'])")
		    .tap();
		await Promise.all([page.waitForNavigation(), page.locator(
		    "button[type=submit]").first().click()]);
		L.assert(await page.locator("main.msg-thanks").count() === 1,
		    `no thank-you page (${lang})`);
		check(await L.axeSerious(page), `thank-you ${lang}`);
		await at(`/s/${t.token}?lang=${lang}`, "answered already", [409]);
		await c.close();
	}
});

L.test("clerk pages: sign-in, counter with a confirmation, slips",
    async () => {
	const c = await ctx({ width: 1366, height: 768 });
	const page = await c.newPage();
	await page.goto(srv.url("/signin"));
	check(await L.axeSerious(page), "sign-in");
	await L.signIn(page, srv, counterKey);
	await page.goto(srv.url("/counter"));
	await page.waitForSelector("#procs input[type=radio]");
	check(await L.axeSerious(page), "counter");
	await page.locator("#procs label").first().click();
	await page.uncheck("#autoprint");
	await page.click("#done");
	await page.waitForSelector("#ticket-code");
	check(await L.axeSerious(page), "counter confirmation");
	const t = await ticket();
	for (const paper of ["58", "80"]) {
		const resp = await page.goto(srv.url(
		    `/api/v1/tickets/${t.token}/slip?width=${paper}`));
		L.assert(resp.status() === 200, `slip ${paper}: ${
		    resp.status()}`);
		check(await L.axeSerious(page), `slip ${paper}`);
	}
	await c.close();
});

L.test("the monthly report", async () => {
	const c = await ctx({ width: 1366, height: 768 });
	const page = await c.newPage();
	await L.signIn(page, srv, viewerKey);
	const resp = await page.goto(srv.url("/reports/monthly"));
	L.assert(resp.status() === 200, `report ${resp.status()}`);
	check(await L.axeSerious(page), "report");
	await c.close();
});

L.test("the admin console: units, a unit, keys, a new key, users, audit",
    async () => {
	const c = await ctx({ width: 1366, height: 768 });
	const page = await c.newPage();
	await L.signInPassword(page, srv, "a11y-admin", "a11y password 1",
	    "/admin/units");
	const at = async (p, what, status = 200) => {
		const resp = await page.goto(srv.url(p));
		L.assert(resp.status() === status, `${what}: ${resp.status()}`);
		check(await L.axeSerious(page), what);
	};
	await at("/admin/units", "units");
	await at(`/admin/units/${UNIT}`, "a unit");
	await at("/admin/keys", "keys");
	await at("/admin/users", "users");
	await at("/admin/audit", "audit");
	await at("/admin/audit?action=nothing.", "audit, nothing found");
	/* A refused form and a key's secret page. */
	await page.goto(srv.url("/admin/units"));
	await page.fill("#code", UNIT);
	await page.fill("#kind", "ward");
	await page.fill("#name_vi", "x");
	await page.fill("#name_en", "x");
	await Promise.all([page.waitForLoadState("load"),
	    page.click("form.edit button[type=submit]")]);
	L.assert(await page.locator("[role=alert]").count() === 1, "refused");
	check(await L.axeSerious(page), "units, refused");
	await page.goto(srv.url("/admin/keys"));
	await page.fill("#kname", "a11y key");
	await Promise.all([page.waitForLoadState("load"),
	    page.click("form.edit button[type=submit]")]);
	L.assert(await page.locator("#secret").count() === 1, "secret page");
	check(await L.axeSerious(page), "new key");
	/* Kiosks: the list, a new kiosk's code and QR, the list with it. */
	await at("/admin/kiosks", "kiosks");
	await page.fill("#kname", "a11y kiosk");
	await page.fill("#kcounter", "1");
	await Promise.all([page.waitForLoadState("load"),
	    page.click("form.edit button[type=submit]")]);
	L.assert(await page.locator("#code").count() === 1, "code page");
	check(await L.axeSerious(page), "kiosk code");
	await at("/admin/kiosks", "kiosks, a code pending");
	/* One's account; a one-time code secret's page. */
	await at("/admin/account", "account");
	await Promise.all([page.waitForLoadState("load"),
	    page.click("text=Bật xác thực hai bước")]);
	L.assert(await page.locator("#totp-secret").count() === 1, "secret");
	check(await L.axeSerious(page), "one-time code secret");
	await c.close();
});

L.main(async () => {
	srv = new L.Server();
	counterKey = L.addKey(srv.data, "counter", UNIT);
	viewerKey = L.addKey(srv.data, "viewer");
	await srv.start();
	L.userAdd(srv.data, "a11y-admin", "admin", "a11y password 1");
	browser = await L.launch();
}, async () => {
	await browser?.close();
	await srv.stop();
});
