// The procedures page in Chromium: a search typed without diacritics
// ("dat dai") finds "đất đai"; a procedure added, then withdrawn: the
// list says so, a ticket for it is refused and the counter page no
// longer offers it. Screens at 1366x768 and axe.
import * as L from "./lib.mjs";

const VIEW = { width: 1366, height: 768 };
const PW = "proc password 1";
let srv, browser, counterKey;

async function check(page, what) {
	const bad = await L.axeSerious(page);
	L.assert(bad.length === 0, `axe, ${what}: ${bad.join("; ")}`);
}

L.test("search without diacritics, add, withdraw", async () => {
	const ctx = await browser.newContext({ viewport: VIEW,
	    bypassCSP: true });
	const page = await ctx.newPage();
	await L.signInPassword(page, srv, "boss", PW, "/admin/procedures");
	await check(page, "list");
	await page.fill("#q", "dat dai");
	await Promise.all([page.waitForURL(/q=dat\+dai/),
	    page.click("form.filter button[type=submit]")]);
	const names = await page.locator("#procs tbody td:nth-child(2)")
	    .allInnerTexts();
	L.assert(names.length > 0 && names.every(n =>
	    /đất đai/i.test(n)), `found: ${names.join(" | ")}`);
	await L.shot(page, "procs-search");

	await page.fill("#code", "9.999101");
	await page.selectOption("#sector", "land");
	await page.fill("#name_vi", "Cấp trích lục bản đồ địa chính thử");
	await page.fill("#name_en", "Cadastral map extract (test)");
	await Promise.all([page.waitForURL(/added=9\.999101/),
	    page.click("form.edit button[type=submit]")]);
	L.assert(/Đã thêm thủ tục 9\.999101/.test(
	    await page.innerText("[role=status]")), "added");
	// Found without diacritics too.
	await page.goto(srv.url("/admin/procedures?q=trich+luc"));
	L.assert(await page.locator("td.code", { hasText: "9.999101" })
	    .count() === 1, "found again");
	await page.click("a[aria-label='Sửa 9.999101']");
	await page.waitForURL(/\/admin\/procedures\/9\.999101$/);
	await check(page, "a procedure");
	await page.fill("#date", "2025-07-01");
	await page.check("#withdraw-confirm");
	await L.shot(page, "procs-withdraw-form");
	await Promise.all([page.waitForURL(/withdrawn=9\.999101/),
	    page.click("#withdraw")]);
	await page.goto(srv.url("/admin/procedures?q=9.999101"));
	const state = await page.locator("#procs tbody tr").innerText();
	L.assert(/Đã bãi bỏ từ 01\/07\/2025/.test(state), `state: ${state}`);
	await L.shot(page, "procs-withdrawn");
	// No ticket for it, with a clear refusal.
	const units = (await srv.http("GET", "/api/v1/units")).json;
	const unit = units.find(u => u.parent && u.survey === "procedure");
	const r = await srv.http("POST", "/api/v1/tickets",
	    { unit: unit.code, procedure: "9.999101" },
	    { Authorization: "Bearer " + counterKey });
	L.assert(r.status === 410 && /withdrawn/.test(r.json.error),
	    `ticket: ${r.status} ${r.text}`);
	// The counter page offers it no more.
	const c2 = await browser.newContext({ viewport: VIEW });
	const clerk = await c2.newPage();
	await L.signIn(clerk, srv, counterKey);
	await clerk.goto(srv.url("/counter"));
	await clerk.fill("#proc-search", "trich luc");
	await L.sleep(300);
	const offered = await clerk.locator("#procs").innerText();
	L.assert(!/trích lục bản đồ địa chính thử/i.test(offered),
	    `still offered: ${offered}`);
	await c2.close();
	await ctx.close();
});

L.test("the national database's export previewed and applied",
    async () => {
	const ctx = await browser.newContext({ viewport: VIEW,
	    bypassCSP: true });
	const page = await ctx.newPage();
	await L.signInPassword(page, srv, "boss", PW, "/admin/procedures");
	await page.click("text=Nhập danh sách thủ tục từ tệp CSV");
	await page.waitForURL(/\/admin\/procedures\/import$/);
	await page.fill("#csv", "STT,Mã thủ tục,Tên thủ tục,Lĩnh vực," +
	    "Cấp thực hiện\n1,1.013101,Giao đất thử,Đất đai,Cấp xã\n" +
	    "2,1.013102,Đăng ký khai sinh thử,Hộ tịch,Cấp xã\n");
	await Promise.all([page.waitForLoadState("load"),
	    page.click("#preview")]);
	const rows = await page.locator("#changes tbody tr").allInnerTexts();
	L.assert(rows.length === 2 && /Đất đai/.test(rows[0]) &&
	    /Lĩnh vực khác/.test(rows[1]), `preview: ${rows.join(" | ")}`);
	L.assert(/Các cột không dùng: STT, Cấp thực hiện/.test(
	    await page.innerText("main")), "unused columns named");
	await check(page, "procedures' preview");
	await L.shot(page, "procs-import-preview");
	await Promise.all([page.waitForURL(/imported=2/),
	    page.click("#apply")]);
	const ps = (await srv.http("GET", "/api/v1/procedures")).json;
	L.assert(ps.some(p => p.code === "1.013101" && p.sector === "land"),
	    "applied");
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
