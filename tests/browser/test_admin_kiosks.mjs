// Kiosks in the admin console, in Chromium: an admin enrols a kiosk on
// /admin/kiosks (its code and a QR code of the enrolment address, shown
// once); the address opened in a second page enrols that page as the
// kiosk, which then reports and is listed with its counter, last seen,
// queue, refused answers and app version; revoked from the console, the
// kiosk is refused and back on its enrolment screen. The pages at
// 1366x768 and printed, into $ARTEFACTS (admin-kiosks-*).
import * as L from "./lib.mjs";

const VIEW = { width: 1366, height: 768 };
const PW = "kiosk console pw 1";
const { units } = L.demoCodes();
const UNIT = units.find(u => u.includes("-")) || units[0];
let srv, browser;

const screen = page => page.evaluate(() => document.body.dataset.screen);

L.test("enrol a kiosk from the console, see it listed, revoke it",
    async () => {
	const ctx = await browser.newContext({ viewport: VIEW });
	const page = await ctx.newPage();
	await L.signInPassword(page, srv, "boss", PW, "/admin/kiosks");
	await page.goto(srv.url("/admin/kiosks"));
	L.assert(await page.innerText("h1") === "Ki-ốt đánh giá", "page");
	await page.fill("#kname", "Ki-ốt sảnh chính");
	await page.selectOption("#kunit", UNIT);
	await page.fill("#kcounter", "3");
	await Promise.all([page.waitForLoadState("load"),
	    page.click("form.edit button[type=submit]")]);
	const code = await page.innerText("#code");
	L.assert(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(code), `code ${code}`);
	const url = await page.getAttribute("#enrol-url", "href");
	L.assert(url === srv.url(`/kiosk/#enrol=${code}`), `url ${url}`);
	L.assert(await page.locator(".qr svg path").count() === 1, "a QR");
	const box = await page.locator(".qr").boundingBox();
	L.assert(box && box.width >= 150 && box.y + box.height <= VIEW.height,
	    `QR on the first screen: ${JSON.stringify(box)}`);
	await L.shot(page, "admin-kiosks-code");

	// The kiosk: a second page opens the address.
	const kctx = await browser.newContext({ viewport: { width: 1280,
	    height: 800 }, hasTouch: true });
	const kiosk = await kctx.newPage();
	kiosk.on("pageerror", e => console.log("pageerror:", e.message));
	await kiosk.goto(url);
	await L.until(async () => (await screen(kiosk)) === "start", 10000,
	    "the kiosk enrolled and on its start screen");

	// Listed with its report (sent on enrolment) and app version.
	await L.until(async () => {
		await page.goto(srv.url("/admin/kiosks"));
		const row = page.locator("tbody tr", { hasText:
		    "Ki-ốt sảnh chính" });
		return (await row.count()) === 1 &&
		    /\d{4}\.\d+\.\d+/.test(await row.innerText());
	}, 10000, "the kiosk listed with its app version");
	const row = page.locator("tbody tr", { hasText: "Ki-ốt sảnh chính" });
	const text = await row.innerText();
	L.assert(text.includes(UNIT) && /\t3\t/.test(text) &&
	    !/chưa/.test(text), `row: ${text}`);
	L.assert(!(await page.innerText("main")).includes(code),
	    "the code is not shown again");
	await L.shot(page, "admin-kiosks-list");
	await page.emulateMedia({ media: "print" });
	L.assert(!(await page.isVisible("form.edit")), "no form printed");
	await L.shot(page, "admin-kiosks-print");
	await page.emulateMedia({ media: "screen" });

	// Revoke: the kiosk is refused and asks to be enrolled again.
	await Promise.all([page.waitForURL(/revoked=/),
	    row.locator("button.danger").click()]);
	L.assert(/Đã thu hồi ki-ốt/.test(await page.innerText("[role=status]")),
	    "revoked");
	L.assert(await page.locator("tbody tr", { hasText:
	    "Ki-ốt sảnh chính" }).count() === 0, "gone from the list");
	await kiosk.reload();
	await L.until(async () => (await screen(kiosk)) === "enrol", 30000,
	    "the revoked kiosk back on its enrolment screen");
	await L.shot(kiosk, "admin-kiosks-revoked-kiosk");

	// Every step in the audit log, the kiosk's own enrolment too.
	await page.goto(srv.url("/admin/audit?action=kiosk."));
	const log = await page.innerText("tbody");
	for (const a of ["kiosk.add", "kiosk.enrol", "kiosk.revoke"])
		L.assert(log.includes(a), `${a} in the log: ${log}`);
	L.assert(!log.includes(code), "no code in the log");
	await kctx.close();
	await ctx.close();
});

L.main(async () => {
	srv = new L.Server();
	await srv.start();
	L.userAdd(srv.data, "boss", "admin", PW);
	browser = await L.launch();
}, async () => {
	await browser?.close();
	await srv.stop();
});
