// The admin console in Chromium: signing in with a name and a password;
// adding a unit on /admin/units and finding it in /api/v1/units and on
// a clerk's counter page without a restart; renaming it; creating a key
// (its secret shown once, then used), revoking it (then refused); adding
// and disabling a user; the audit log with its filter and CSV; the
// pages at 1366x768 and printed.
import * as L from "./lib.mjs";

const VIEW = { width: 1366, height: 768 };
const PW = "admin password 1";
let srv, browser, counterKey;

async function admin() {
	const ctx = await browser.newContext({ viewport: VIEW });
	const page = await ctx.newPage();
	await L.signInPassword(page, srv, "boss", PW, "/admin/units");
	return { ctx, page };
}

L.test("signing in with a name and a password", async () => {
	const ctx = await browser.newContext({ viewport: VIEW });
	const page = await ctx.newPage();
	let r = await page.goto(srv.url("/admin/units"));
	L.assert(r.status() === 401, `unsigned: ${r.status()}`);
	await L.shot(page, "admin-signin");
	await page.fill("input[name=name]", "boss");
	await page.fill("input[name=password]", "wrong password");
	await Promise.all([page.waitForLoadState("load"),
	    page.press("input[name=password]", "Enter")]);
	const alert = await page.innerText("[role=alert]");
	L.assert(/Tên đăng nhập hoặc mật khẩu không đúng/.test(alert),
	    `wrong password: ${alert}`);
	await page.fill("input[name=name]", "boss");
	await page.fill("input[name=password]", PW);
	await Promise.all([page.waitForURL(/\/admin\/units$/),
	    page.press("input[name=password]", "Enter")]);
	L.assert(await page.innerText("h1") === "Đơn vị", "units page");
	const header = await page.innerText("header");
	L.assert(/\bboss\b/.test(header) && !/user boss/.test(header),
	    `who, by name: ${header}`);
	// Every section, who and sign-out on one line of the header at
	// an office PC's width.
	const tops = await page.$$eval("header nav a, header .who, " +
	    "header button", els => els.map(e =>
	    e.getBoundingClientRect().top));
	L.assert(tops.length >= 10 &&
	    Math.max(...tops) - Math.min(...tops) < 20,
	    `header on one line: ${tops}`);
	await ctx.close();
});

L.test("a unit added on the page is in use without a restart",
    async () => {
	const { ctx, page } = await admin();
	await page.fill("#code", "92-BR01");
	await page.selectOption("#parent", "92");
	await page.fill("#kind", "commune");
	await page.fill("#name_vi", "Xã Trình Duyệt");
	await page.fill("#name_en", "Browser Commune");
	await Promise.all([page.waitForURL(/added=92-BR01/),
	    page.click("form.edit button[type=submit]")]);
	const ok = await page.innerText("[role=status]");
	L.assert(/Đã thêm đơn vị 92-BR01/.test(ok), `done: ${ok}`);
	L.assert(await page.locator("td.code", { hasText: "92-BR01" })
	    .count() === 1, "in the tree");
	await L.shot(page, "admin-units");
	const api = await srv.http("GET", "/api/v1/units");
	L.assert(api.json.some(u => u.code === "92-BR01" &&
	    u.name.vi === "Xã Trình Duyệt"), "in /api/v1/units");
	// The clerk's counter page offers it.
	const c2 = await browser.newContext({ viewport: VIEW });
	const clerk = await c2.newPage();
	await L.signIn(clerk, srv, counterKey);
	await clerk.goto(srv.url("/counter"));
	await L.until(() => clerk.locator("#unit option[value='92-BR01']")
	    .count(), 5000, "the new unit on the counter page");
	await c2.close();
	// A refused row: the form again, with what was typed and why.
	await page.fill("#code", "92-BR01");
	await page.fill("#kind", "commune");
	await page.fill("#name_vi", "Lặp lại");
	await page.fill("#name_en", "Again");
	await Promise.all([page.waitForLoadState("load"),
	    page.click("form.edit button[type=submit]")]);
	const err = await page.innerText("[role=alert]");
	L.assert(/Mã: đơn vị 92-BR01 đã có/.test(err), `refused: ${err}`);
	L.assert(await page.inputValue("#name_vi") === "Lặp lại", "kept");
	await L.shot(page, "admin-units-refused");
	// Rename it.
	await page.goto(srv.url("/admin/units/92-BR01"));
	await page.fill("#name_vi", "Phường Trình Duyệt");
	await page.fill("#kind", "ward");
	await Promise.all([page.waitForURL(/changed=92-BR01/),
	    page.click("form.edit button[type=submit]")]);
	const u = (await srv.http("GET", "/api/v1/units")).json
	    .find(x => x.code === "92-BR01");
	L.assert(u.name.vi === "Phường Trình Duyệt" && u.kind === "ward",
	    `renamed: ${JSON.stringify(u)}`);
	await ctx.close();
});

L.test("a key created (secret once), used, revoked, refused",
    async () => {
	const { ctx, page } = await admin();
	await page.goto(srv.url("/admin/keys"));
	await page.fill("#kname", "Quầy 7");
	await page.selectOption("#krole", "counter");
	await page.selectOption("#kunit", "92-BR01");
	await Promise.all([page.waitForLoadState("load"),
	    page.click("form.edit button[type=submit]")]);
	const secret = (await page.innerText("#secret")).trim();
	L.assert(/^hl_[0-9a-z]+$/.test(secret), `secret: ${secret}`);
	await L.shot(page, "admin-key-secret");
	const issue = () => srv.http("POST", "/api/v1/tickets", {
	    procedure: L.demoCodes().procs[0], unit: "92-BR01" },
	    { Authorization: `Bearer ${secret}` });
	L.assert((await issue()).status === 201, "the new key works");
	await page.goto(srv.url("/admin/keys"));
	const row = page.locator("tr", { hasText: "Quầy 7" });
	L.assert(await row.count() === 1, "listed");
	L.assert(!/—/.test(await row.locator("td").nth(5).innerText()),
	    "last used is shown");
	L.assert(!(await page.content()).includes(secret), "secret once");
	await L.shot(page, "admin-keys");
	await Promise.all([page.waitForURL(/revoked=/),
	    row.locator("button").click()]);
	L.assert((await issue()).status === 401, "revoked key refused");
	await ctx.close();
});

L.test("users added and disabled on the page", async () => {
	const { ctx, page } = await admin();
	await page.goto(srv.url("/admin/users"));
	await page.fill("#uname", "lan.nguyen");
	await page.selectOption("#urole", "viewer");
	await page.fill("#upw", "lan password 1");
	await page.fill("#upw2", "lan password 2");
	await Promise.all([page.waitForLoadState("load"),
	    page.click("form.edit button[type=submit]")]);
	L.assert(/hai lần nhập khác nhau/.test(await page.innerText(
	    "[role=alert]")),
	    "passwords differ");
	L.assert(await page.inputValue("#upw") === "", "no password back");
	await page.fill("#uname", "lan.nguyen");
	await page.fill("#upw", "lan password 1");
	await page.fill("#upw2", "lan password 1");
	await Promise.all([page.waitForURL(/saved=lan.nguyen/),
	    page.click("form.edit button[type=submit]")]);
	const row = page.locator("tr", { hasText: "lan.nguyen" });
	L.assert(/đang dùng/.test(await row.innerText()), "enabled");
	await L.shot(page, "admin-users");
	const c2 = await browser.newContext({ viewport: VIEW });
	const p2 = await c2.newPage();
	await L.signInPassword(p2, srv, "lan.nguyen", "lan password 1",
	    "/reports/monthly");
	await Promise.all([page.waitForURL(/disabled=lan.nguyen/),
	    row.locator("button").click()]);
	const r = await p2.goto(srv.url("/reports/monthly"));
	L.assert(r.status() === 401, `disabled user's session: ${r.status()}`);
	await c2.close();
	await ctx.close();
});

L.test("the audit log: every change with before and after, filter, CSV",
    async () => {
	const { ctx, page } = await admin();
	await page.goto(srv.url("/admin/audit"));
	const text = await page.innerText("tbody");
	for (const a of ["unit.add", "unit.change", "key.add", "key.revoke",
	    "user.add", "user.disable"])
		L.assert(text.includes(a), `${a} in the log`);
	L.assert(text.includes("Tên tiếng Việt: Xã Trình Duyệt → Phường " +
	    "Trình Duyệt") && text.includes("Loại: Xã → Phường"),
	    `the rename as field changes: ${text}`);
	L.assert(!text.includes('{"'), "no JSON on the page");
	L.assert(text.includes("Thêm đơn vị") && text.includes("Thu hồi khóa " +
	    "truy cập") && text.includes("Khóa người dùng"),
	    `actions in words: ${text}`);
	await L.shot(page, "admin-audit");
	await page.fill("#f-action", "unit.");
	await Promise.all([page.waitForURL(/action=unit/),
	    page.click("form.filter button")]);
	const actions = await page.locator("tbody td:nth-child(4) .code")
	    .allInnerTexts();
	L.assert(actions.length === 2 && actions.every(a =>
	    a.startsWith("unit.")), `filtered: ${actions}`);
	const href = await page.getAttribute("a[download]", "href");
	const cookie = (await ctx.cookies()).map(c => `${c.name}=${c.value}`)
	    .join("; ");
	const csv = (await srv.http("GET", href, undefined, { Cookie:
	    cookie })).text;
	L.assert(csv.split("\r\n").filter(Boolean).length === 3,
	    `CSV of the filter: ${csv}`);
	// Printed: no forms, no navigation.
	await page.emulateMedia({ media: "print" });
	L.assert(!(await page.isVisible("form.filter")), "no filter printed");
	L.assert(!(await page.isVisible("header nav")), "no nav printed");
	await L.shot(page, "admin-audit-print");
	await ctx.close();
});

L.main(async () => {
	srv = new L.Server();
	counterKey = L.addKey(srv.data, "counter");
	await srv.start();
	L.userAdd(srv.data, "boss", "admin", PW);
	browser = await L.launch();
}, async () => {
	await browser?.close();
	await srv.stop();
});
