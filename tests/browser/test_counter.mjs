// The counter page in a real chromium: sign in with a counter key, find a
// procedure without typing diacritics, press "Hoàn thành": the ticket is
// issued, its slip opens, and the kiosk at that counter shows it.
import * as L from "./lib.mjs";

const VIEW = { width: 1280, height: 800 };
const { units, procs } = L.demoCodes();
const UNIT = units.find(u => u.includes("-")) || units[0];

let srv, browser, counterKey;

L.test("sign in, issue a ticket, the slip opens, the kiosk switches",
    async () => {
	const k = srv.kioskAdd(UNIT, "7", "kiosk-counter-7");
	const kctx = await browser.newContext({ viewport: VIEW,
	    hasTouch: true });
	const kpage = await kctx.newPage();
	await kpage.goto(srv.url(`/kiosk/#enrol=${k.code}`));
	await L.until(() => kpage.evaluate(() =>
	    document.body.dataset.screen === "start"), 5000, "kiosk start");

	const ctx = await browser.newContext({ viewport: VIEW });
	const page = await ctx.newPage();
	page.on("pageerror", e => console.log("pageerror:", e.message));
	await L.signIn(page, srv, counterKey);
	await page.goto(srv.url("/counter?counter=7"));
	const csrf = await page.getAttribute('meta[name="csrf-token"]',
	    "content");
	L.assert(csrf && csrf.length === 32, `csrf token: ${csrf}`);
	await page.waitForSelector("#procs input[type=radio]");
	const all = await page.locator("#procs input").count();
	L.assert(all === procs.length || all === 60, `listed ${all}`);
	await page.fill("#proc-search", "dang ky");
	const some = await page.locator("#procs input").count();
	L.assert(some > 0 && some < all, `filtered: ${some} of ${all}`);
	const names = await page.locator("#procs label").allInnerTexts();
	L.assert(names.every(n => /đăng ký/i.test(n)),
	    `"dang ky" finds "Đăng ký": ${names}`);
	await page.locator("#procs label").first().click();
	await page.fill("#case", "HS-2024-0001");
	await L.shot(page, "counter-form");
	const [slip] = await Promise.all([ctx.waitForEvent("page"),
	    page.click("#done")]);
	await page.waitForSelector("#ticket-code");
	const code = (await page.innerText("#ticket-code")).trim();
	await L.shot(page, "counter-issued");
	await slip.waitForLoadState("load");
	await L.until(() => /\/api\/v1\/tickets\/[^/]+\/slip$/.test(slip.url()),
	    5000, `slip url (${slip.url()})`);
	const text = await slip.innerText("body");
	L.assert(text.includes(code), "the slip shows the code");
	await L.shot(slip, "counter-slip");
	const token = slip.url().split("/").slice(-2)[0];
	await kpage.waitForSelector(`.proc[data-token="${token}"]`,
	    { timeout: 3000 });
	await ctx.close();
	await kctx.close();
});

L.test("counter page without a session: the sign-in page", async () => {
	const ctx = await browser.newContext({ viewport: VIEW });
	const page = await ctx.newPage();
	const r = await page.goto(srv.url("/counter"));
	L.assert(r.status() === 401, `status ${r.status()}`);
	L.assert(await page.locator("input[name=key], input[type=password]")
	    .count() > 0, "a key field");
	await ctx.close();
});

async function main() {
	srv = new L.Server();
	try {
		counterKey = L.addKey(srv.data, "counter", UNIT);
		await srv.start();
		browser = await L.launch();
	} catch (e) {
		console.log(`setup: ${e && e.stack || e}`);
		console.log("0 passed, 1 failed");
		await srv.stop();
		process.exit(1);
	}
	await L.run(async () => {
		await browser.close();
		await srv.stop();
	});
}

main();
