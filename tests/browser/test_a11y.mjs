// axe-core on the kiosk (enrolment, start, a question) and the citizen's
// survey page: no serious or critical violation.
import * as L from "./lib.mjs";

const { units, procs } = L.demoCodes();
const UNIT = units.find(u => u.includes("-")) || units[0];

let srv, browser, counterKey;

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
	await c.close();
});

L.test("survey page /s/<token>", async () => {
	const r = await srv.http("POST", "/api/v1/tickets", { procedure:
	    procs[0], unit: UNIT }, { Authorization: `Bearer ${counterKey}` });
	L.assert(r.status === 201, `ticket ${r.status} ${r.text}`);
	const c = await ctx({ width: 390, height: 844 });
	const page = await c.newPage();
	const resp = await page.goto(srv.url(`/s/${r.json.token}`));
	L.assert(resp.status() === 200, `survey ${resp.status()}`);
	check(await L.axeSerious(page), "survey");
	await c.close();
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
