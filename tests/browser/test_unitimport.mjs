// Importing the unit list in the console: a file with three errors shows
// each with its line and stores nothing; a good file (uploaded) shows a
// preview of each change, and "Áp dụng" stores it all: the units in use
// at once. Screens at 1366x768 and axe on each step.
import fs from "node:fs";
import path from "node:path";
import * as L from "./lib.mjs";

const VIEW = { width: 1366, height: 768 };
const PW = "import password 1";
let srv, browser;

const BAD = "Mã,Tên,Cấp,Mã cấp trên\n" +
    "31001,Xã Một,Xã,92\n" +
    "4,Xã Bốn,Xã,92\n" +		// line 3: lost zeros
    "31002,=1+1,Xã,92\n" +		// line 4: a formula
    "31003,Xã Ba,Làng,92\n";		// line 5: no such kind
const GOOD = "Mã,Tên,Cấp,Mã cấp trên,retired,successor\n" +
    "31001,Xã Một,Xã,92,,\n" +
    "92-VD06,Xã Mẫu Một Mới,Xã,92,,\n" +
    "92-VD07,Xã mẫu 2,Xã,92,2025-07-01,31001\n";

async function check(page, what) {
	const bad = await L.axeSerious(page);
	L.assert(bad.length === 0, `axe, ${what}: ${bad.join("; ")}`);
}

L.test("three errors named by line, then a good file applied", async () => {
	const ctx = await browser.newContext({ viewport: VIEW,
	    bypassCSP: true });
	const page = await ctx.newPage();
	await L.signInPassword(page, srv, "boss", PW, "/admin/units");
	await page.click("text=Nhập danh sách đơn vị từ tệp CSV");
	await page.waitForURL(/\/admin\/units\/import$/);
	await check(page, "import page");
	await L.shot(page, "unit-import-page");
	const before = (await srv.http("GET", "/api/v1/units")).json.length;
	await page.fill("#csv", BAD);
	await Promise.all([page.waitForLoadState("load"),
	    page.click("#preview")]);
	const errs = await page.locator("#errors li").allInnerTexts();
	L.assert(errs.length === 3, `three errors: ${errs.join(" | ")}`);
	L.assert(/^Dòng 3: .*mất số 0/.test(errs[0]), errs[0]);
	L.assert(/^Dòng 4: .*công thức/.test(errs[1]), errs[1]);
	L.assert(/^Dòng 5: .*loại đơn vị/.test(errs[2]), errs[2]);
	L.assert(/chưa có thay đổi nào được lưu/.test(
	    await page.innerText("[role=alert]")), "said: nothing stored");
	L.assert(!(await page.isVisible("#apply")), "no apply");
	L.assert(await page.inputValue("#csv") === BAD, "the text kept");
	await check(page, "errors");
	await L.shot(page, "unit-import-errors");
	const after = (await srv.http("GET", "/api/v1/units")).json;
	L.assert(after.length === before && !after.some(u =>
	    u.code === "31001"), "nothing applied");

	// A good file, uploaded.
	const file = path.join(srv.root, "don-vi.csv");
	fs.writeFileSync(file, GOOD);
	await page.fill("#csv", "");
	await page.setInputFiles("#file", file);
	await Promise.all([page.waitForLoadState("load"),
	    page.click("#preview")]);
	const rows = await page.locator("#changes tbody tr").allInnerTexts();
	L.assert(rows.length === 3, `three changes: ${rows.join(" | ")}`);
	L.assert(/31001[\s\S]*thêm mới/.test(rows[0]), rows[0]);
	L.assert(/đổi tên[\s\S]*trước: Xã mẫu 1/.test(rows[1]), rows[1]);
	L.assert(/giải thể[\s\S]*2025-07-01[\s\S]*31001/.test(rows[2]),
	    rows[2]);
	L.assert(!(await srv.http("GET", "/api/v1/units")).json.some(u =>
	    u.code === "31001"), "a preview stores nothing");
	await check(page, "preview");
	await L.shot(page, "unit-import-preview");
	await Promise.all([page.waitForURL(/imported=3/),
	    page.click("#apply")]);
	L.assert(/Đã nhập danh sách: 3 đơn vị/.test(
	    await page.innerText("[role=status]")), "done");
	const us = (await srv.http("GET", "/api/v1/units")).json;
	L.assert(us.some(u => u.code === "31001" && u.kind === "commune"),
	    "added");
	L.assert(us.find(u => u.code === "92-VD06").name.vi ===
	    "Xã Mẫu Một Mới", "renamed");
	L.assert(us.find(u => u.code === "92-VD07").retired === "2025-07-01",
	    "retired");
	await L.shot(page, "unit-import-applied");
	// Printed: the list without the forms.
	await page.goto(srv.url("/admin/units/import"));
	await page.emulateMedia({ media: "print" });
	L.assert(!(await page.isVisible("#preview")), "no form printed");
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
