// Shared helpers of the browser tests: a real hailong server on a loopback
// port over a temporary data directory, Debian's chromium driven by
// playwright-core, and a tiny test runner.
//
// Environment: HAILONG (the server binary), HAILONG_SRCDIR (the source
// tree), ARTEFACTS (a directory for screenshots; made when missing),
// NODE_PATH (where playwright-core and axe-core are installed).

import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const HAILONG = process.env.HAILONG || "";
export const SRCDIR = process.env.HAILONG_SRCDIR ||
    path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
export const ARTEFACTS = process.env.ARTEFACTS ||
    path.join(os.tmpdir(), "hailong-artefacts");

const START_TIMEOUT = 10000;
const STOP_TIMEOUT = 10000;

// NODE_PATH is not used by ES module imports: resolve through require.
const require = createRequire(path.join(process.env.NODE_PATH ||
    path.join(SRCDIR, "node_modules"), "x.js"));
function load(name) {
	const dirs = (process.env.NODE_PATH || "").split(path.delimiter)
	    .filter(Boolean).concat([path.join(SRCDIR, "node_modules")]);
	return require(require.resolve(name, { paths: dirs }));
}
export const playwright = () => load("playwright-core");
export const axePath = () => {
	const dirs = (process.env.NODE_PATH || "").split(path.delimiter)
	    .filter(Boolean).concat([path.join(SRCDIR, "node_modules")]);
	return require.resolve("axe-core/axe.min.js", { paths: dirs });
};

function env() {
	const e = { ...process.env };
	e.SCHEMA_DIR ??= path.join(SRCDIR, "schema");
	e.TEMPLATES_DIR ??= path.join(SRCDIR, "templates");
	return e;
}

// ------------------------------------------------------------ commands

// Runs $HAILONG with args; returns {rc, out, err}. A generous limit: under
// the sanitizers a dev-fill of thousands of answers takes many seconds.
export function cli(...args) {
	const p = spawnSync(HAILONG, args.map(String), { env: env(),
	    encoding: "utf8", timeout: 120000,
	    stdio: ["ignore", "pipe", "pipe"] });
	return { rc: p.status, out: p.stdout || "", err: p.stderr || "" };
}

export function cliOk(...args) {
	const r = cli(...args);
	if (r.rc !== 0)
		throw new Error(`hailong ${args.join(" ")}: rc ${r.rc}\n` +
		    `${r.out}\n${r.err}`);
	return r.out;
}

// `hailong user add` with the password on standard input.
export function userAdd(data, name, role, password, unit) {
	const args = ["user", "add", "--data", data, "--name", name, "--role",
	    role].concat(unit ? ["--unit", unit] : []);
	const p = spawnSync(HAILONG, args, { env: env(), encoding: "utf8",
	    timeout: 120000, input: password + "\n" });
	if (p.status !== 0)
		throw new Error(`hailong user add: rc ${p.status}\n${p.stderr}`);
}

// Signs page's context in on /signin with a name and a password.
export async function signInPassword(page, srv, name, password, next) {
	await page.goto(srv.url("/signin" + (next ? "?next=" +
	    encodeURIComponent(next) : "")));
	await page.fill("input[name=name]", name);
	await page.fill("input[name=password]", password);
	await Promise.all([page.waitForLoadState("load"),
	    page.press("input[name=password]", "Enter")]);
	const cookies = await page.context().cookies();
	if (!cookies.some(c => c.name === "hl_session"))
		throw new Error("no hl_session cookie after signing in");
}

// "name: value" lines into an object.
export function fields(out) {
	const d = {};
	for (const line of out.split("\n")) {
		const i = line.indexOf(": ");
		if (i > 0)
			d[line.slice(0, i).trim()] = line.slice(i + 2).trim();
	}
	return d;
}

// `hailong key add`: the secret is the last line.
export function addKey(data, role, unit) {
	const args = ["key", "add", "--data", data, "--role", role,
	    "--name", `${role}-${process.hrtime.bigint()}`];
	if (unit)
		args.push("--unit", unit);
	const lines = cliOk(...args).trim().split("\n");
	return lines[lines.length - 1].trim();
}

export function exportJson(data) {
	return JSON.parse(cliOk("export", "--data", data, "--format", "json"));
}

// The first unit and procedure of the catalogue that go together.
export function demoCodes() {
	const units = fs.readFileSync(path.join(SRCDIR, "schema/units.csv"),
	    "utf8").split("\n").filter(l => l && !l.startsWith("#") &&
	    !l.startsWith("code,"));
	const procs = fs.readFileSync(path.join(SRCDIR,
	    "schema/procedures.csv"), "utf8").split("\n").filter(l => l &&
	    !l.startsWith("#") && !l.startsWith("code,"));
	return { units: units.map(l => l.split(",")[0]),
	    procs: procs.map(l => l.split(",")[0]) };
}

// --------------------------------------------------------------- server

export class Server {
	constructor() {
		this.root = fs.mkdtempSync(path.join(os.tmpdir(), "hailong-br-"));
		this.data = path.join(this.root, "data");
		fs.mkdirSync(this.data);
		this.proc = null;
		this.base = null;
		this.stderr = "";
	}

	async start(listen = "127.0.0.1:0") {
		this.proc = spawn(HAILONG, ["serve", "--listen", listen,
		    "--data", this.data], { env: env(),
		    stdio: ["ignore", "pipe", "pipe"] });
		this.proc.stderr.on("data", d => { this.stderr += d; });
		let out = "";
		this.base = await new Promise((ok, ko) => {
			const timer = setTimeout(() => ko(new Error(
			    "server not listening; stderr:\n" + this.stderr)),
			    START_TIMEOUT);
			this.proc.stdout.on("data", d => {
				out += d;
				const m = /hailong: listening on (http:\/\/127\.0\.0\.1:\d+)/
				    .exec(out);
				if (m) {
					clearTimeout(timer);
					ok(m[1]);
				}
			});
			this.proc.on("exit", rc => {
				clearTimeout(timer);
				ko(new Error(`server exited (${rc}); stderr:\n` +
				    this.stderr));
			});
		});
		return this;
	}

	async stop() {
		if (this.proc && this.proc.exitCode === null) {
			const p = this.proc;
			const done = new Promise(ok => p.on("exit", ok));
			p.kill("SIGTERM");
			const t = setTimeout(() => p.kill("SIGKILL"), STOP_TIMEOUT);
			await done;
			clearTimeout(t);
		}
		this.proc = null;
		fs.rmSync(this.root, { recursive: true, force: true });
		if (/AddressSanitizer|LeakSanitizer|runtime error:/.test(
		    this.stderr))
			throw new Error("sanitizer report:\n" + this.stderr);
	}

	// Ends the server with signal (SIGKILL: a crash) and starts it
	// again on the same port with the same data.
	async restart(signal = "SIGTERM") {
		const p = this.proc;
		const done = new Promise(ok => p.on("exit", ok));
		p.kill(signal);
		await done;
		if (/AddressSanitizer|LeakSanitizer|runtime error:/.test(
		    this.stderr))
			throw new Error("sanitizer report:\n" + this.stderr);
		const port = new URL(this.base).port;
		for (let i = 0; ; i++) {
			try {
				return await this.start(`127.0.0.1:${port}`);
			} catch (e) {
				if (i === 20)
					throw e;
				await new Promise(ok => setTimeout(ok, 250));
			}
		}
	}

	url(p) {
		return this.base + p;
	}

	// One request; body: an object (sent as JSON) or a string.
	async http(method, p, body, headers = {}) {
		const h = { ...headers };
		if (body !== undefined && typeof body !== "string") {
			body = JSON.stringify(body);
			h["Content-Type"] ??= "application/json";
		}
		const r = await fetch(this.base + p, { method, body, headers: h,
		    redirect: "manual" });
		const text = await r.text();
		let json = null;
		try {
			json = JSON.parse(text);
		} catch (e) {
			json = null;
		}
		return { status: r.status, headers: r.headers, text, json };
	}

	// `hailong kiosk add`: {code, url}.
	kioskAdd(unit, counter, name) {
		const f = fields(cliOk("kiosk", "add", "--data", this.data,
		    "--unit", unit, "--counter", counter, "--name", name,
		    "--base-url", this.base));
		return { code: f.code, url: f.url };
	}
}

// --------------------------------------------------------------- browser

export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu",
    "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"];

export async function launch() {
	return playwright().chromium.launch({
		executablePath: "/usr/bin/chromium",
		args: CHROMIUM_ARGS
	});
}

export async function shot(page, name) {
	fs.mkdirSync(ARTEFACTS, { recursive: true });
	const file = path.join(ARTEFACTS, name + ".png");
	await page.screenshot({ path: file });
	return file;
}

export const sleep = ms => new Promise(ok => setTimeout(ok, ms));

// Waits until fn() is truthy (polled); returns its value or throws.
export async function until(fn, ms = 5000, what = "condition") {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v)
			return v;
		if (Date.now() > end)
			throw new Error(`timed out waiting for ${what}`);
		await sleep(50);
	}
}

export function assert(cond, msg) {
	if (!cond)
		throw new Error("assertion failed: " + msg);
}

// ---------------------------------------------------------------- runner

const tests = [];

export function test(name, fn) {
	tests.push({ name, fn });
}

// Runs the tests in order; prints "ok NAME"/"FAIL NAME", runs cleanup,
// prints the closing "N passed, N failed" and exits 1 when any failed.
/*
 * A test file's whole run: setup (a server, keys, a browser), every
 * registered test, then cleanup. A failed set-up counts as one failure
 * and is cleaned up as far as it got (cleanup must bear that).
 */
export async function main(setup, cleanup) {
	try {
		await setup();
	} catch (e) {
		console.log(`setup: ${e && e.stack || e}`);
		console.log("0 passed, 1 failed");
		try {
			await cleanup();
		} catch (e2) {
			/* What set-up left is all there is to stop. */
		}
		process.exit(1);
	}
	await run(cleanup);
}

export async function run(cleanup) {
	let passed = 0, failed = 0;

	if (!HAILONG) {
		console.log("HAILONG is not set");
		failed++;
	}
	for (const t of failed ? [] : tests) {
		try {
			await t.fn();
			passed++;
			console.log(`ok ${t.name}`);
		} catch (e) {
			failed++;
			console.log(`FAIL ${t.name}\n${e && e.stack || e}`);
		}
	}
	try {
		if (cleanup)
			await cleanup();
	} catch (e) {
		failed++;
		console.log(`FAIL cleanup\n${e && e.stack || e}`);
	}
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed > 0 ? 1 : 0);
}

// Signs page's context in on /signin with key (the form's key field).
export async function signIn(page, srv, key) {
	await page.goto(srv.url("/signin"));
	const field = page.locator("input[name=key]");
	await field.fill(key);
	await Promise.all([page.waitForLoadState("load"),
	    field.press("Enter")]);
	const cookies = await page.context().cookies();
	if (!cookies.some(c => c.name === "hl_session"))
		throw new Error("no hl_session cookie after signing in");
}

// axe-core on the page (the context must bypass CSP); the violations
// of impact serious or critical.
export async function axeSerious(page) {
	await page.addScriptTag({ path: axePath() });
	const res = await page.evaluate(() => window.axe.run(document,
	    { resultTypes: ["violations"] }));
	return res.violations.filter(v => v.impact === "serious" ||
	    v.impact === "critical").map(v => `${v.id} (${v.impact}): ` +
	    v.nodes.map(n => n.target.join(" ")).slice(0, 5).join(", "));
}
