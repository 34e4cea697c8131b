// Bytes on the wire and the number of requests of a first visit to a
// page, in Debian's headless chromium driven by playwright-core.
import { chromium } from 'playwright-core';

const url = process.argv[2];
const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
	    '--no-first-run', '--disable-background-networking',
	    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
const cdp = await page.context().newCDPSession(page);
await cdp.send('Network.enable');
let bytes = 0, requests = 0;
cdp.on('Network.requestWillBeSent', () => { requests++; });
cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
await page.goto(url, { waitUntil: 'networkidle' });
await browser.close();
console.log(`bytes ${bytes} requests ${requests}`);
