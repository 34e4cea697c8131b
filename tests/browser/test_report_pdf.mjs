// test_report_pdf.mjs: the report of this month (/reports/monthly) and of
// this year (/reports?period=YYYY), fetched from a real server with a
// viewer key, printed to PDF by headless Chromium (--print-to-pdf): A4
// pages, one section per page, the Vietnamese text intact, and for the
// year its title, its quarters and the provisional banner; a screenshot
// and the PDF of each are kept in $ARTEFACTS.
// Needs only node, chromium and poppler-utils (pdfinfo, pdftotext).

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const HAILONG = process.env.HAILONG || "";
const ARTEFACTS = process.env.ARTEFACTS ||
    path.join(os.tmpdir(), "hailong-artefacts");
const CHROMIUM = process.env.CHROMIUM || "chromium";

let passed = 0, failed = 0;

function check(name, ok, detail) {
	if (ok) {
		passed++;
		console.log("ok " + name);
	} else {
		failed++;
		console.log("FAIL " + name + (detail ? ": " + detail : ""));
	}
}

function cli(...args) {
	const r = spawnSync(HAILONG, args, { encoding: "utf8" });
	if (r.status !== 0)
		throw new Error("hailong " + args.join(" ") + ": " + r.stderr);
	return r.stdout;
}

function startServer(data) {
	return new Promise((resolve, reject) => {
		const p = spawn(HAILONG, ["serve", "--listen", "127.0.0.1:0",
		    "--data", data], { stdio: ["ignore", "pipe", "inherit"] });
		let buf = "";
		const t = setTimeout(() => reject(new Error("no listen line")),
		    10000);
		p.stdout.on("data", (d) => {
			buf += d;
			const m = buf.match(/hailong: listening on (http:\S+)/);
			if (m) {
				clearTimeout(t);
				resolve({ proc: p, base: m[1] });
			}
		});
		p.on("exit", (c) => reject(new Error("server exited " + c)));
	});
}

function chromium(tmp, ...args) {
	return spawnSync(CHROMIUM, ["--headless", "--no-sandbox",
	    "--disable-gpu", "--no-first-run", "--disable-background-networking",
	    "--disable-component-update", "--disable-sync",
	    "--user-data-dir=" + path.join(tmp, "profile"), ...args],
	    { encoding: "utf8", timeout: 90000 });
}

/*
 * Fetches the report at url, prints it to A4 PDF and a screenshot named
 * report-<name>, checks its pages and text (more checks in extra(text)).
 */
async function printed(tmp, srv, key, name, url, pagesMax, extra) {
	const res = await fetch(srv.base + url,
	    { headers: { Authorization: "Bearer " + key } });
	const page = await res.text();
	check(name + ": page served", res.status === 200,
	    "status " + res.status);
	check(name + ": no script on the page", !/<script/i.test(page));
	const html = path.join(tmp, "report-" + name + ".html");
	fs.writeFileSync(html, page);
	const pdf = path.join(ARTEFACTS, "report-" + name + ".pdf");
	const png = path.join(ARTEFACTS, "report-" + name + ".png");
	fs.rmSync(pdf, { force: true });
	let r = chromium(tmp, "--print-to-pdf=" + pdf,
	    "--no-pdf-header-footer", "file://" + html);
	check(name + ": printed to PDF", fs.existsSync(pdf) &&
	    fs.statSync(pdf).size > 1000, r.stderr);
	r = chromium(tmp, "--screenshot=" + png, "--window-size=412,2400",
	    "file://" + html);
	check(name + ": screenshot kept", fs.existsSync(png) &&
	    fs.statSync(png).size > 1000, r.stderr);
	const info = spawnSync("pdfinfo", [pdf], { encoding: "utf8" });
	const pages = Number((info.stdout.match(/Pages:\s+(\d+)/) ||
	    [])[1]);
	const size = (info.stdout.match(/Page size:\s+([\d.]+) x ([\d.]+)/)
	    || []).slice(1).map(Number);
	// The first page answers the question, the units start a new
	// page; a small province fits on a few pages.
	check(name + ": a few pages", pages >= 2 && pages <= pagesMax,
	    "pages " + pages);
	check(name + ": A4 pages", size.length === 2 &&
	    Math.abs(size[0] - 595) < 3 && Math.abs(size[1] - 842) < 3,
	    "size " + size);
	const txt = spawnSync("pdftotext", ["-layout", pdf, "-"],
	    { encoding: "utf8" });
	check(name + ": text extracted", txt.status === 0, txt.stderr);
	if (txt.status !== 0)
		return;
	const t = txt.stdout;
	check(name + ": Vietnamese text intact",
	    t.includes("Báo cáo mức độ hài lòng") && t.includes("Đất đai"),
	    t.slice(0, 200));
	check(name + ": no NaN", !/NaN/.test(t));
	// The form and the links are not printed.
	check(name + ": screen-only parts hidden", !t.includes("Tải XLSX"));
	extra(t);
}

async function main() {
	if (!HAILONG || !fs.existsSync(HAILONG)) {
		console.log("FAIL setup: HAILONG is not set");
		console.log("0 passed, 1 failed");
		process.exit(1);
	}
	if (spawnSync(CHROMIUM, ["--version"]).status !== 0) {
		console.log("skip: no chromium");
		process.exit(77);
	}
	fs.mkdirSync(ARTEFACTS, { recursive: true });
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hl-report-pdf-"));
	const data = path.join(tmp, "data");
	let srv = null;
	try {
		cli("dev-fill", "--data", data, "--answers", "6000",
		    "--months", "14", "--seed", "5");
		const lines = cli("key", "add", "--data", data, "--role",
		    "viewer", "--name", "pdf").trim().split("\n");
		const key = lines[lines.length - 1].trim();
		srv = await startServer(data);
		const now = new Date(Date.now() + 7 * 3600 * 1000);
		const month = now.toISOString().slice(0, 7);
		const year = now.toISOString().slice(0, 4);
		await printed(tmp, srv, key, "monthly", "/reports/monthly?month=" +
		    month, 6, () => {});
		await printed(tmp, srv, key, "year", "/reports?period=" + year, 7,
		    (t) => {
			check("the year's title", t.includes("Năm " + year),
			    t.slice(0, 300));
			check("its quarters printed",
			    t.includes("Quý IV/" + year), "");
			// This year ends after today: provisional.
			check("provisional banner printed",
			    t.includes("Số liệu tạm thời - chốt ngày 08/01/" +
			    (Number(year) + 1)), t.slice(0, 400));
		});
	} catch (e) {
		check("run", false, e.stack);
	} finally {
		if (srv)
			srv.proc.kill("SIGTERM");
		fs.rmSync(tmp, { recursive: true, force: true });
	}
	console.log(passed + " passed, " + failed + " failed");
	process.exit(failed ? 1 : 0);
}

main();
