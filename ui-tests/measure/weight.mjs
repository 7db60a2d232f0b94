// Bytes on the wire for a first load (empty cache) of the quiz intro and the attempt page on a
// phone, counted by Chromium itself (CDP Network.loadingFinished.encodedDataLength: headers
// and compressed bodies). Prints one line per page and a cookie header for Lighthouse.
//
//   BASE_URL=http://127.0.0.1:8080 node ui-tests/measure/weight.mjs
import { launch, phoneContext, signIn } from '../lib/browser.mjs';
import { scenario, registerUser, BASE_URL } from '../lib/seed.mjs';

// A realistic quiz: 20 questions of the shipped bank `an-toan-so`, in the page's Vietnamese.
const { quiz, units } = await scenario({ quiz: { rules: [{ bank: 'an-toan-so', count: 20 }], time_limit_s: 1200 } });
const student = await registerUser({ orgUnitId: units.class.id });
const browser = await launch();
const setup = await phoneContext(browser);
const page = await setup.newPage();
await signIn(page, student);
await page.goto(`/quizzes/${quiz.id}`);
await Promise.all([page.waitForURL(/\/attempts\//), page.click('#start')]);
const attemptPath = new URL(page.url()).pathname;
const cookies = await setup.cookies();
await setup.close();

async function firstLoad(path) {
  const context = await phoneContext(browser);
  await context.addCookies(cookies);
  const fresh = await context.newPage();
  const cdp = await context.newCDPSession(fresh);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const urls = new Map();
  const bytes = [];
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => bytes.push([urls.get(e.requestId), e.encodedDataLength]));
  await fresh.goto(path, { waitUntil: 'networkidle' });
  await context.close();
  const total = bytes.reduce((sum, [, n]) => sum + n, 0);
  const foreign = bytes.filter(([url]) => url && !url.startsWith(BASE_URL) && !url.startsWith('data:'));
  console.log(`${path}: ${bytes.length} requests, ${total} bytes on the wire, ${foreign.length} from another origin`);
  for (const [url, n] of bytes) console.log(`  ${n}\t${url.replace(BASE_URL, '')}`);
}

await firstLoad(`/quizzes/${quiz.id}`);
await firstLoad(attemptPath);
await browser.close();
console.log(`COOKIE=${cookies.map((c) => `${c.name}=${c.value}`).join('; ')}`);
console.log(`INTRO=${BASE_URL}/quizzes/${quiz.id}`);
console.log(`ATTEMPT=${BASE_URL}${attemptPath}`);
