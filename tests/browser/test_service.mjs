// The service surveys in Chromium: a patient's survey at a public
// hospital on a small old phone (360x640) in Khmer, the five faces on the
// first screen, the answer stored under the health survey; the hospital's
// kiosk asking the patients' survey; the counter page of a hospital
// listing its services and issuing a ticket for one. Screenshots go to
// $ARTEFACTS (service-*).
import * as L from "./lib.mjs";

const HOSPITAL = "92-VD13";
const VIEWPORT = { width: 360, height: 640 };

let srv, browser, counterKey;

async function healthTicket(service = "YT-KHAM") {
	const r = await srv.http("POST", "/api/v1/tickets", { unit: HOSPITAL,
	    service }, { Authorization: `Bearer ${counterKey}` });
	L.assert(r.status === 201, `ticket ${r.status} ${r.text}`);
	L.assert(r.json.survey === "health", `survey ${r.json.survey}`);
	return r.json;
}

function exportSurvey(survey) {
	return JSON.parse(L.cliOk("export", "--data", srv.data, "--format",
	    "json", "--survey", survey));
}

L.test("the health survey on a 360x640 phone in Khmer", async () => {
	const t = await healthTicket();
	const c = await browser.newContext({ viewport: VIEWPORT,
	    hasTouch: true, isMobile: true, deviceScaleFactor: 1,
	    bypassCSP: true });
	const page = await c.newPage();
	const resp = await page.goto(srv.url(`/s/${t.token}?lang=km`));
	L.assert(resp.status() === 200, `survey ${resp.status()}`);
	await L.shot(page, "service-health-360-km");
	const text = await page.innerText("body");
	const title = await page.title();
	L.assert(title.includes("ការស្ទង់មតិអំពីការពេញចិត្តរបស់អ្នកជំងឺ"),
	    `Khmer title: ${title}`);
	L.assert(text.includes("ការពិនិត្យ និងព្យាបាលលើកនេះ"),
	    `the health question: ${text.slice(0, 300)}`);
	L.assert(text.includes("សេវា") && text.includes("ការពិនិត្យជំងឺក្រៅ"),
	    `the service in Khmer: ${text.slice(0, 400)}`);
	L.assert(text.includes("លោកអ្នក"), "the polite register");
	const faces = await page.$$eval("input[name=overall]", els =>
	    els.map(i => {
		const b = i.closest("label").getBoundingClientRect();
		return { value: i.value, bottom: b.bottom,
		    text: i.closest("label").textContent.trim() };
	    }));
	L.assert(faces.map(f => f.value).join() === "5,4,3,2,1",
	    `faces ${faces.map(f => f.value)}`);
	for (const f of faces) {
		L.assert(f.bottom <= VIEWPORT.height,
		    `face ${f.value} ends at ${f.bottom}`);
		L.assert(f.text.length > 0, `face ${f.value} has no word`);
	}
	const names = await page.$$eval("input[type=radio]", els =>
	    [...new Set(els.map(i => i.name))]);
	for (const q of ["access", "fees_info", "facilities", "staff",
	    "results"])
		L.assert(names.includes(q), `question ${q}: ${names}`);
	const h = await page.evaluate(() =>
	    document.documentElement.scrollWidth);
	L.assert(h <= VIEWPORT.width, `no sideways scroll (${h})`);
	await page.evaluate(() => window.scrollTo(0, 640));
	await L.shot(page, "service-health-360-km-more");
	const v = await L.axeSerious(page);
	L.assert(v.length === 0, `axe:\n  ${v.join("\n  ")}`);
	await page.evaluate(() => window.scrollTo(0, 0));
	await page.locator("label:has(input[name=overall][value='4'])").tap();
	await Promise.all([page.waitForNavigation(),
	    page.locator("button[type=submit]").first().click()]);
	L.assert(await page.locator("main.msg-thanks").count() === 1,
	    "no thank-you page");
	const thanks = await page.innerText("body");
	L.assert(thanks.includes("សូមជូនពរលោកអ្នកឆាប់បានសុខភាពល្អ"),
	    `the health survey's thanks: ${thanks.slice(0, 300)}`);
	await L.shot(page, "service-health-360-km-thanks");
	const rows = exportSurvey("health").filter(r =>
	    r.ticket_code === t.code);
	L.assert(rows.length === 1 && rows[0].overall === 4 &&
	    rows[0].lang === "km" && rows[0].procedure === "YT-KHAM",
	    `stored ${JSON.stringify(rows)}`);
	L.assert(exportSurvey("procedure").every(r =>
	    r.ticket_code !== t.code), "in the procedure survey's export");
	await c.close();
});

L.test("a hospital's kiosk asks the patients' survey", async () => {
	const k = srv.kioskAdd(HOSPITAL, "4", "kiosk-hospital-4");
	const ctx = await browser.newContext({ viewport: { width: 1280,
	    height: 800 }, hasTouch: true });
	const page = await ctx.newPage();
	page.on("pageerror", e => console.log("pageerror:", e.message));
	await page.goto(srv.url(`/kiosk/#enrol=${k.code}`));
	await L.until(async () => await page.evaluate(() =>
	    document.body.dataset.screen) === "start", 5000, "start screen");
	const id = await L.until(async () => await page.evaluate(() => {
		const s = JSON.parse(localStorage.getItem("hl.kiosk.survey") ||
		    "null");
		return s && s.id === "health" ? s.id : null;
	}), 5000, "the health survey kept");
	L.assert(id === "health", `survey ${id}`);
	await L.until(async () => /lần khám, chữa bệnh/.test(
	    await page.innerText("#q-overall")), 5000, "the health question");
	await L.shot(page, "service-kiosk-hospital-start");
	await ctx.close();
});

L.test("the counter page of a hospital lists its services", async () => {
	const key = L.addKey(srv.data, "counter", HOSPITAL);
	const ctx = await browser.newContext({ viewport: { width: 1366,
	    height: 768 } });
	await ctx.addInitScript(() => { window.print = () => {}; });
	const page = await ctx.newPage();
	await L.signIn(page, srv, key);
	await page.goto(srv.url("/counter"));
	await page.waitForSelector("#procs input[type=radio]");
	L.assert(await page.innerText("#what") === "Dịch vụ",
	    `legend ${await page.innerText("#what")}`);
	const names = await page.locator("#procs label").allInnerTexts();
	L.assert(names.some(n => /Khám bệnh ngoại trú/.test(n)) &&
	    names.every(n => /\(YT-/.test(n)), `services ${names}`);
	await page.fill("#proc-search", "tiem");
	await page.locator("#procs label", { hasText: "Tiêm chủng" }).click();
	await page.click("#done");
	await page.waitForSelector("#ticket-code");
	const res = await page.innerText("#result");
	L.assert(/Dịch vụ: Tiêm chủng \(YT-TIEM\)/.test(res), res);
	await L.shot(page, "service-counter-hospital");
	await ctx.close();
});

L.main(async () => {
	srv = new L.Server();
	counterKey = L.addKey(srv.data, "counter");
	await srv.start();
	browser = await L.launch();
}, async () => {
	await browser?.close();
	await srv.stop();
});
