// Retiring a unit in the console: its page offers a day and a successor;
// after "Giải thể đơn vị" the tree marks it and the report shows either
// tree: as recorded (its own row, marked retired since the day) or the
// current one (no row; its answers under the successor). Screens at
// 1366x768 and axe on the pages.
import * as L from "./lib.mjs";

const VIEW = { width: 1366, height: 768 };
const PW = "retire password 1";
const A = "92-VD06", C = "92-VD08", DAY = "2025-07-01";
let srv, browser, counterKey;

async function answer(unit, level) {
	const p = await srv.http("GET", "/api/v1/procedures");
	const proc = p.json.find(x => x.sector).code;
	const r = await srv.http("POST", "/api/v1/tickets",
	    { unit, procedure: proc },
	    { Authorization: "Bearer " + counterKey });
	L.assert(r.status === 201, `ticket ${r.status} ${r.text}`);
	const a = await srv.http("POST", "/s/" + r.json.token,
	    `overall=${level}`,
	    { "Content-Type": "application/x-www-form-urlencoded" });
	L.assert(a.status === 200, `answer ${a.status}`);
}

async function responses(page, code) {
	const row = page.locator(`#units tr[data-code='${code}']`);
	if (await row.count() === 0)
		return null;
	return Number(await row.locator("td:nth-child(3)").innerText());
}

L.test("a unit retired in the console, the report under both trees",
    async () => {
	for (const lv of [5, 4, 2])
		await answer(A, lv);
	for (const lv of [5, 1])
		await answer(C, lv);
	const ctx = await browser.newContext({ viewport: VIEW,
	    bypassCSP: true });
	const page = await ctx.newPage();
	await L.signInPassword(page, srv, "boss", PW, `/admin/units/${A}`);
	L.assert(await page.isVisible("#h-retire"), "the retire form");
	let bad = await L.axeSerious(page);
	L.assert(bad.length === 0, `axe, unit page: ${bad.join("; ")}`);
	// A day that is no day: refused, with the reason, nothing stored.
	await page.fill("#date", "2025-02-30");
	await page.selectOption("#successor", C);
	await page.check("#retire-confirm");
	await Promise.all([page.waitForLoadState("load"),
	    page.click("#h-retire + form button[type=submit]")]);
	const err = await page.innerText("[role=alert]");
	L.assert(/date/.test(err), `refused: ${err}`);
	L.assert(!(await srv.http("GET", "/api/v1/units")).json
	    .find(u => u.code === A).retired, "nothing stored");
	await page.fill("#date", DAY);
	await page.selectOption("#successor", C);
	await page.check("#retire-confirm");
	await L.shot(page, "unit-retire-form");
	await Promise.all([page.waitForURL(/retired=92-VD06/),
	    page.click("#h-retire + form button[type=submit]")]);
	const ok = await page.innerText("[role=status]");
	L.assert(/Đã ghi giải thể đơn vị 92-VD06/.test(ok), `done: ${ok}`);
	const row = await page.locator("tr", { hasText: A }).innerText();
	const dayVi = DAY.split("-").reverse().join("/");
	L.assert(row.includes(`giải thể từ ${dayVi}`) && row.includes(C),
	    `marked in the tree: ${row}`);
	await L.shot(page, "unit-retired-tree");
	await page.goto(srv.url(`/admin/units/${A}`));
	L.assert(await page.isVisible("#h-retired"), "retired part");
	L.assert(!(await page.isVisible("#h-retire")), "no second retire");
	bad = await L.axeSerious(page);
	L.assert(bad.length === 0, `axe, retired unit: ${bad.join("; ")}`);
	await L.shot(page, "unit-retired-page");

	// The report as recorded: A with its own answers, marked.
	await page.goto(srv.url("/reports/monthly?min=1"));
	L.assert(await page.inputValue("#tree") === "recorded", "default");
	L.assert(await responses(page, A) === 3, "A as recorded");
	L.assert(await responses(page, C) === 2, "C as recorded");
	const mark = await page.locator(`#units tr[data-code='${A}']`)
	    .innerText();
	L.assert(mark.includes(`đã giải thể từ ${dayVi}`), `mark: ${mark}`);
	await page.locator(`#units tr[data-code='${A}']`)
	    .scrollIntoViewIfNeeded();
	await L.shot(page, "report-tree-recorded");
	bad = await L.axeSerious(page);
	L.assert(bad.length === 0, `axe, report: ${bad.join("; ")}`);
	// The current tree, chosen on the page.
	await page.selectOption("#tree", "current");
	await Promise.all([page.waitForURL(/tree=current/),
	    page.click("form.filter button[type=submit]")]);
	L.assert(await responses(page, A) === null, "A has no row");
	L.assert(await responses(page, C) === 5, "C holds A's answers");
	L.assert(await page.inputValue("#tree") === "current", "kept");
	await page.locator(`#units tr[data-code='${C}']`)
	    .scrollIntoViewIfNeeded();
	await L.shot(page, "report-tree-current");
	// The downloads keep the choice.
	const csv = await page.locator("a", { hasText: "Tải CSV" })
	    .getAttribute("href");
	L.assert(/tree=current/.test(csv), `CSV link: ${csv}`);
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
