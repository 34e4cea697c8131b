// An admin's one-time codes in Chromium: on /admin/account the admin
// turns them on (a QR code and the secret as text, shown once), types a
// code from the secret (computed here as an authenticator app would),
// signs out, and signs in again: the password alone is refused, the
// password and a code get in. The pages at 1366x768 into $ARTEFACTS
// (admin-totp-*).
import crypto from "node:crypto";
import * as L from "./lib.mjs";

const VIEW = { width: 1366, height: 768 };
const PW = "totp browser pw 1";
let srv, browser;

function b32decode(s) {
	const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	let bits = 0, acc = 0;
	const out = [];
	for (const ch of s) {
		acc = (acc << 5) | abc.indexOf(ch);
		bits += 5;
		if (bits >= 8) {
			out.push((acc >> (bits - 8)) & 255);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

function code(secret, t) {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
	const mac = crypto.createHmac("sha1", secret).update(msg).digest();
	const off = mac[19] & 15;
	return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000)
	    .padStart(6, "0");
}

L.test("turn one-time codes on, then sign in with one", async () => {
	const ctx = await browser.newContext({ viewport: VIEW });
	const page = await ctx.newPage();
	await L.signInPassword(page, srv, "boss", PW, "/admin/account");
	await page.goto(srv.url("/admin/account"));
	L.assert(/Đang tắt/.test(await page.innerText("main")), "off");
	await L.shot(page, "admin-totp-account");
	await Promise.all([page.waitForLoadState("load"),
	    page.click("text=Bật xác thực hai bước")]);
	const b32 = await page.innerText("#totp-secret");
	L.assert(/^[A-Z2-7]{32}$/.test(b32), `secret ${b32}`);
	L.assert(await page.locator(".qr svg path").count() === 1, "a QR");
	await L.shot(page, "admin-totp-new");
	const secret = b32decode(b32);
	await page.fill("#totp-code", code(secret, Date.now() / 1000));
	await Promise.all([page.waitForURL(/on=1/),
	    page.click("text=Xác nhận và bật")]);
	L.assert(/Đã bật xác thực hai bước/.test(await page.innerText(
	    "[role=status]")), "on");
	L.assert(!(await page.content()).includes(b32), "not shown again");
	await Promise.all([page.waitForURL(/signin/),
	    page.click("header button")]);

	// The password alone: asked for the code.
	await page.fill("input[name=name]", "boss");
	await page.fill("input[name=password]", PW);
	await Promise.all([page.waitForLoadState("load"),
	    page.press("input[name=password]", "Enter")]);
	L.assert(/xác thực hai bước/.test(await page.innerText(
	    "[role=alert]")), "the code asked");
	L.assert(await page.evaluate(() => document.activeElement.id) ===
	    "code", "the code field focused");
	await L.shot(page, "admin-totp-signin-code");
	// The password and the next step's code (the first was taken).
	await page.fill("input[name=name]", "boss");
	await page.fill("input[name=password]", PW);
	await page.fill("input[name=code]", code(secret, Date.now() / 1000 +
	    30));
	await Promise.all([page.waitForURL(/\/admin\/units$/),
	    page.press("input[name=code]", "Enter")]);
	await page.goto(srv.url("/admin/account"));
	L.assert(/Đang bật/.test(await page.innerText("main")), "signed in");
	await L.shot(page, "admin-totp-on");
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
