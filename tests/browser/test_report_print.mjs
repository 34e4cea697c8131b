// The monthly report in a real chromium: the first page answers "are we
// meeting the targets?" in colour and words (computed fills of the bars of
// a met, a not-met and a too-few sector), nothing to click is printed, and
// a month of a 100-unit province prints on at most 6 A4 pages. The PDF
// and its pages as PNG land in $ARTEFACTS.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import * as L from "./lib.mjs";

const PRINT_PAGES_MAX = 6;
const FILL = { met: "rgb(27, 127, 59)", not_met: "rgb(198, 40, 40)",
    too_few: "rgb(158, 158, 158)" };

let browser;
const servers = [];

function month() {
	return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 7);
}

async function viewerPage(srv, key) {
	const ctx = await browser.newContext({ viewport: { width: 1100,
	    height: 1400 }, extraHTTPHeaders: { Authorization:
	    "Bearer " + key } });
	const page = await ctx.newPage();
	const r = await page.goto(srv.url("/reports/monthly?month=" +
	    month()));
	L.assert(r.status() === 200, "report status " + r.status());
	return page;
}

// n answers at level lv to tickets of sector sec.
async function answers(srv, ckey, sec, n, lv) {
	const { procs, units } = L.demoCodes();
	const unit = units.find(u => u.includes("-")) || units[0];
	for (let i = 0; i < n; i++) {
		const t = await srv.http("POST", "/api/v1/tickets",
		    { procedure: procs[0], unit, sector: sec },
		    { Authorization: "Bearer " + ckey });
		L.assert(t.status === 201, "ticket " + t.status + t.text);
		const tok = t.json.token;
		const a = await srv.http("POST", "/s/" + tok, "overall=" + lv,
		    { "Content-Type": "application/x-www-form-urlencoded" });
		L.assert(a.status === 200, "answer " + a.status);
	}
}

L.test("bars coloured by verdict, with words; no controls in print",
    async () => {
	const srv = await new L.Server().start();
	servers.push(srv);
	const ckey = L.addKey(srv.data, "counter");
	const vkey = L.addKey(srv.data, "viewer");
	await answers(srv, ckey, "health", 40, 5);	/* met */
	await answers(srv, ckey, "land", 40, 1);	/* not met */
	await answers(srv, ckey, "education", 3, 5);	/* too few */
	const page = await viewerPage(srv, vkey);
	for (const [sec, want] of [["health", "met"], ["land", "not_met"],
	    ["education", "too_few"]]) {
		const got = await page.evaluate(s => {
			const r = document.querySelector(
			    `rect.bar[data-row="${s}"]`);
			return r && { fill: getComputedStyle(r).fill,
			    cls: r.getAttribute("class") };
		}, sec);
		L.assert(got, "no bar for " + sec);
		L.assert(got.fill === FILL[want], `${sec}: fill ${got.fill}, ` +
		    `want ${FILL[want]} (${want})`);
		L.assert(got.cls.includes("v-" + want), `${sec}: ${got.cls}`);
	}
	// Never colour alone: the verdicts in words, on the chart too.
	const chart = await page.locator("svg.chart").textContent();
	for (const w of ["Đạt", "Không đạt", "Quá ít phiếu"])
		L.assert(chart.includes(w), "chart lacks " + w);
	// Target lines named by their years, from sectors.ini.
	const legend = await page.locator(".legend").textContent();
	L.assert(/chỉ tiêu năm 2025/.test(legend) &&
	    /chỉ tiêu năm 2030/.test(legend), legend);
	await L.shot(page, "report-first-page");
	await page.emulateMedia({ media: "print" });
	const shown = await page.evaluate(() => [...document.querySelectorAll(
	    "button, form, input, select, nav, a[href]")].filter(e => {
		const r = e.getBoundingClientRect();
		return e.checkVisibility() && r.width > 0 && r.height > 0;
	}).map(e => e.tagName + ":" + e.textContent.trim().slice(0, 30)));
	const controls = shown.filter(s => !s.startsWith("A:"));
	L.assert(controls.length === 0, "printed controls: " + controls);
	const links = shown.filter(s => s.startsWith("A:"));
	L.assert(links.length === 0, "printed links: " + links);
});

L.test("a 100-unit province's month prints on at most 6 A4 pages",
    async () => {
	// A share directory whose schema has the province and 100 wards.
	const share = fs.mkdtempSync(path.join(os.tmpdir(), "hl-share-"));
	const schema = path.join(share, "schema");
	fs.mkdirSync(schema);
	for (const f of fs.readdirSync(path.join(L.SRCDIR, "schema")))
		fs.copyFileSync(path.join(L.SRCDIR, "schema", f),
		    path.join(schema, f));
	fs.symlinkSync(path.join(L.SRCDIR, "templates"),
	    path.join(share, "templates"));
	let csv = "code,parent,kind,name_vi,name_en,name_km\n" +
	    "92,,city,Thành phố Cần Thơ,Can Tho City,\n";
	for (let i = 1; i <= 100; i++) {
		const n = String(i).padStart(3, "0");
		csv += `92-P${n},92,ward,Phường số ${i},Ward ${i},\n`;
	}
	fs.writeFileSync(path.join(schema, "units.csv"), csv);
	const conf = path.join(share, "hailong.ini");
	const data = path.join(share, "data");
	fs.writeFileSync(conf, `[server]\nshare = ${share}\n` +
	    `data = ${data}\nlisten = 127.0.0.1:0\n`);
	let proc = null;
	try {
		L.cliOk("dev-fill", "--config", conf, "--answers", "8000",
		    "--months", "3", "--seed", "11");
		const vkey = L.addKey(data, "viewer");
		proc = spawn(L.HAILONG, ["serve", "--config", conf],
		    { stdio: ["ignore", "pipe", "inherit"] });
		const base = await new Promise((ok, ko) => {
			let out = "";
			const t = setTimeout(() => ko(new Error("no listen")),
			    10000);
			proc.stdout.on("data", d => {
				out += d;
				const m = /listening on (http:\S+)/.exec(out);
				if (m) {
					clearTimeout(t);
					ok(m[1]);
				}
			});
		});
		const page = await viewerPage({ url: p => base + p }, vkey);
		const nunits = await page.locator("#units tbody tr").count();
		L.assert(nunits === 101, "unit rows " + nunits);
		fs.mkdirSync(L.ARTEFACTS, { recursive: true });
		const pdf = path.join(L.ARTEFACTS, "report-100-units.pdf");
		await page.pdf({ path: pdf, format: "A4",
		    printBackground: true });
		const info = spawnSync("pdfinfo", [pdf], { encoding: "utf8" });
		const pages = Number((/Pages:\s+(\d+)/.exec(info.stdout) ||
		    [])[1]);
		spawnSync("pdftoppm", ["-png", "-r", "60", pdf,
		    path.join(L.ARTEFACTS, "report-100-units-page")]);
		L.assert(pages >= 2 && pages <= PRINT_PAGES_MAX,
		    `${pages} pages (at most ${PRINT_PAGES_MAX})`);
		const txt = spawnSync("pdftotext", ["-layout", pdf, "-"],
		    { encoding: "utf8" }).stdout || "";
		L.assert(txt.includes("Phường số 100"), "a ward missing");
		L.assert(!/Đăng xuất|Tải XLSX|NaN/.test(txt), "controls or NaN");
	} finally {
		if (proc && proc.exitCode === null) {
			const done = new Promise(ok => proc.on("exit", ok));
			proc.kill("SIGTERM");
			await done;
		}
		fs.rmSync(share, { recursive: true, force: true });
	}
});

browser = await L.launch();
await L.run(async () => {
	await browser.close();
	for (const s of servers)
		await s.stop();
});
