// The whole follow-up loop in Chromium: a citizen on a phone (360x640)
// rates 1 with a comment and files a complaint with a consented number
// from the thank-you page; the unit's head (1366x768, signed in) finds it
// first in the inbox, reads the number, answers; the citizen's page shows
// the answer. Hostile text stays text everywhere; another unit's head
// sees nothing; axe-core on every new page; screenshots in ARTEFACTS.
import * as L from "./lib.mjs";

const { procs } = L.demoCodes();
const UNIT = "92-VD01";
const HOSTILE = '<img src=x onerror="window.pwned=1"><b>đậm</b> ' +
    '=HYPERLINK("http://evil","x") & "q"';
const ANSWER = "Xin lỗi Ông/Bà. <script>window.pwned=2</script>\n" +
    "Đơn vị đã nhắc nhở cán bộ.";

let srv, browser, counterKey, headKey, otherKey;
let token, code, itemId;

async function ctx(viewport) {
	return browser.newContext({ viewport, hasTouch: true,
	    bypassCSP: true });
}

function check(v, what) {
	L.assert(v.length === 0, `${what}:\n  ${v.join("\n  ")}`);
}

L.test("citizen: a low rating, then a complaint with a number", async () => {
	const r = await srv.http("POST", "/api/v1/tickets", { procedure:
	    procs[0], unit: UNIT }, { Authorization: `Bearer ${counterKey}` });
	L.assert(r.status === 201, `ticket ${r.status}`);
	token = r.json.token;
	code = r.json.code;
	const c = await ctx({ width: 360, height: 640 });
	const page = await c.newPage();
	await page.goto(srv.url(`/s/${token}?lang=vi`));
	await page.locator("label:has(input[name=overall][value='1'])").tap();
	await page.fill("textarea[name=comment]", "Phải chờ ba tiếng");
	await Promise.all([page.waitForNavigation(), page.locator(
	    "button[type=submit]").first().click()]);
	L.assert(await page.locator("main.msg-thanks").count() === 1,
	    "no thank-you page");
	L.assert(await page.locator("form.fu-form").count() === 1,
	    "no complaint form on the thank-you page");
	check(await L.axeSerious(page), "thank-you with the form");
	await L.shot(page, "followup-phone-thanks");
	// A number without the tick: the form again, saying why.
	await page.fill("#fu-text", HOSTILE);
	await page.fill("#fu-phone", "0912 345 678");
	await Promise.all([page.waitForNavigation(),
	    page.click("form.fu-form button[type=submit]")]);
	L.assert((await page.locator(".error").innerText()).includes("đồng ý"),
	    "no reason for the missing consent");
	check(await L.axeSerious(page), "form with an error");
	L.assert(await page.inputValue("#fu-text") === HOSTILE,
	    "text not kept");
	await page.check("input[name=consent]");
	await Promise.all([page.waitForNavigation(),
	    page.click("form.fu-form button[type=submit]")]);
	L.assert(await page.locator(".fu-sent").count() === 1, "not sent");
	L.assert(await page.locator(".fu-text").innerText() === HOSTILE,
	    "the complaint is not shown as typed");
	L.assert(await page.locator(".fu-text img, .fu-text b").count() === 0,
	    "markup of the complaint rendered");
	L.assert(!(await page.evaluate(() => window.pwned)), "script ran");
	check(await L.axeSerious(page), "filed");
	await L.shot(page, "followup-phone-filed");
	await c.close();
});

L.test("head: inbox worst first, the item, an answer", async () => {
	// A milder item first, so that order is seen: rating 2.
	const r = await srv.http("POST", "/api/v1/tickets", { procedure:
	    procs[0], unit: UNIT }, { Authorization: `Bearer ${counterKey}` });
	const t2 = r.json.token;
	const pc = await ctx({ width: 360, height: 640 });
	const pp = await pc.newPage();
	await pp.goto(srv.url(`/s/${t2}?lang=vi`));
	await pp.locator("label:has(input[name=overall][value='2'])").tap();
	await pp.fill("textarea[name=comment]", "Hơi chậm");
	await Promise.all([pp.waitForNavigation(), pp.locator(
	    "button[type=submit]").first().click()]);
	await pc.close();

	const c = await ctx({ width: 1366, height: 768 });
	const page = await c.newPage();
	await L.signIn(page, srv, headKey);
	await page.goto(srv.url("/followups"));
	const rows = page.locator("#inbox tbody tr");
	L.assert(await rows.count() === 2, `rows: ${await rows.count()}`);
	const first = await rows.nth(0).innerText();
	L.assert(first.includes("1/5") && first.includes("đậm"),
	    `worst not first: ${first}`);
	L.assert(await page.locator("#inbox img, #inbox td b").count() === 0,
	    "markup rendered in the inbox");
	check(await L.axeSerious(page), "inbox");
	await L.shot(page, "followup-head-inbox");
	await Promise.all([page.waitForNavigation(),
	    rows.nth(0).locator("a").click()]);
	itemId = page.url().split("/").pop();
	L.assert(/^[0-9a-f]{16}$/.test(itemId), `item id ${itemId}`);
	L.assert((await page.locator("#contact").innerText())
	    .includes("0912345678"), "no call-back number");
	L.assert(await page.locator("#text").innerText() === HOSTILE,
	    "text not as typed");
	check(await L.axeSerious(page), "item");
	await page.fill("#reply-text", ANSWER);
	await Promise.all([page.waitForNavigation(), page.click("#send")]);
	await page.waitForSelector("#answer");
	L.assert(await page.locator("#answer").innerText() === ANSWER,
	    "answer not shown as written");
	L.assert(!(await page.evaluate(() => window.pwned)), "script ran");
	L.assert((await page.locator("#history").innerText())
	    .includes("Trả lời, cập nhật tình trạng"), "history lacks the reply");
	check(await L.axeSerious(page), "item answered");
	await L.shot(page, "followup-head-item");
	await c.close();
});

L.test("another unit's head sees nothing", async () => {
	const c = await ctx({ width: 1366, height: 768 });
	const page = await c.newPage();
	await L.signIn(page, srv, otherKey);
	await page.goto(srv.url("/followups?state=all"));
	L.assert(await page.locator("#inbox").count() === 0, "a list shown");
	L.assert((await page.content()).indexOf("đậm") < 0, "item text shown");
	const resp = await page.goto(srv.url(`/followups/${itemId}`));
	L.assert(resp.status() === 404, `item: ${resp.status()}`);
	const api = await page.evaluate(async id => (await fetch(
	    `/api/v1/followups/${id}`)).status, itemId);
	L.assert(api === 404, `api: ${api}`);
	await c.close();
});

L.test("citizen: the answer at the survey link and by code", async () => {
	const c = await ctx({ width: 360, height: 640 });
	const page = await c.newPage();
	const resp = await page.goto(srv.url(`/s/${token}?lang=vi`));
	L.assert(resp.status() === 409, `survey link: ${resp.status()}`);
	L.assert(await page.locator(".fu-answer").innerText() === ANSWER,
	    "answer not shown");
	L.assert(await page.locator("form.fu-form").count() === 0,
	    "the form offered again");
	L.assert(!(await page.evaluate(() => window.pwned)), "script ran");
	check(await L.axeSerious(page), "answered page");
	await L.shot(page, "followup-phone-answer");
	const again = await page.goto(srv.url(`/c?code=${code}&lang=vi`));
	L.assert(again.status() === 409 && page.url().includes(token),
	    `by code: ${again.status()} ${page.url()}`);
	L.assert(await page.locator(".fu-answer").innerText() === ANSWER,
	    "answer not shown by code");
	await c.close();
});

L.test("kiosk: a complaint from the last screen", async () => {
	const k = srv.kioskAdd(UNIT, "7", "kiosk-fu");
	const c = await ctx({ width: 1280, height: 800 });
	const page = await c.newPage();
	await page.goto(srv.url(`/kiosk/#enrol=${k.code}`));
	const screen = () => page.evaluate(() => document.body.dataset.screen);
	await L.until(async () => await screen() === "start", 5000, "start");
	await page.tap("[data-level='2']");
	await L.until(async () => ["reasons", "question"].includes(
	    await screen()), 5000, "after the face");
	for (let i = 0; i < 20 && await screen() !== "confirm"; i++) {
		const now = page.locator("[data-action=send-now]");
		if (await now.count() > 0)
			await now.tap();
		else
			await page.tap("[data-action=next]");
	}
	L.assert(await screen() === "confirm", "no last screen");
	await page.tap("[data-action=complain]");
	L.assert(await screen() === "complaint", "no complaint screen");
	check(await L.axeSerious(page), "kiosk complaint");
	await L.shot(page, "followup-kiosk-complaint");
	await page.fill("#fu-text", "Quầy 7 " + HOSTILE);
	await page.fill("#fu-phone", "0987 654 321");
	await page.tap("[data-action=attach]");
	L.assert((await page.locator("#fu-err").innerText()).length > 0,
	    "no reason for the missing consent");
	L.assert(await page.inputValue("#fu-text") === "Quầy 7 " + HOSTILE,
	    "text not kept");
	await page.check("#fu-consent");
	await page.tap("[data-action=attach]");
	L.assert(await screen() === "confirm", "not back to the last screen");
	L.assert(await page.locator(".fu-attached").count() === 1,
	    "the complaint is not said to be attached");
	await L.shot(page, "followup-kiosk-confirm");
	await page.tap("[data-action=send]");
	await L.until(async () => await screen() === "thanks", 5000, "thanks");
	const got = await L.until(async () => {
		const r = await srv.http("GET", "/api/v1/followups", undefined,
		    { Authorization: `Bearer ${headKey}` });
		return r.json.items.find(i => i.origin === "kiosk");
	}, 10000, "the kiosk's item");
	L.assert(got.text === "Quầy 7 " + HOSTILE && got.rating === 2 &&
	    got.has_contact, `kiosk item ${JSON.stringify(got)}`);
	await c.close();
});

L.main(async () => {
	srv = new L.Server();
	counterKey = L.addKey(srv.data, "counter", UNIT);
	headKey = L.addKey(srv.data, "head", UNIT);
	otherKey = L.addKey(srv.data, "head", "92-VD02");
	await srv.start();
	browser = await L.launch();
}, async () => {
	await browser?.close();
	await srv.stop();
});
