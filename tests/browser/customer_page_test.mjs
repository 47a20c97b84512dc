// A customer in a real browser: Debian's Chromium, driven by playwright-core, loads the test page
// (web/test-page, built by tools/web-build) from a static server of its own on 127.0.0.1 (another
// origin than the gateway, so every call is a cross-origin one and needs the gateway's CORS
// answers), requests a sign-in code, reads it from the identity service's development SMS
// outbox, signs in, files a complaint and reads its timeline — once over the Connect protocol
// (JSON) and once over gRPC-Web.
//
//   STACK_GATEWAY_URL=http://127.0.0.1:8080 STACK_SMS_OUTBOX=.local/run/sms-outbox.jsonl \
//   TOUSU_WEB_PORT=PORT node tests/browser/customer_page_test.mjs
//
// TOUSU_WEB_PORT: the static server's port, whose origin (http://127.0.0.1:PORT) the gateway's
// ALLOWED_ORIGINS must hold (0 or unset: any free port). TOUSU_WEB_ARTIFACTS: a folder for a
// screenshot of each run and the browser's console. CHROMIUM: the browser (/usr/bin/chromium).
//
// --smoke needs no stack: it loads the page against a closed port and expects the failure to be
// shown on the page (checks the browser, the server and the bundle).
import { createRequire } from "node:module";
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
// playwright-core is installed with the web app's packages (web/package-lock.json).
const { chromium } = createRequire(join(root, "web", "package.json"))("playwright-core");

const smoke = process.argv.includes("--smoke");
const pageDir = resolve(process.env.TOUSU_WEB_PAGE_DIR ?? join(root, "web", "dist", "test-page"));
const artifacts = process.env.TOUSU_WEB_ARTIFACTS ?? "";
const log = (line) => console.log(`[browser] ${line}`);

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const contentTypes = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json",
};

// Serves pageDir's files, nothing outside it.
async function startStaticServer(port) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(pageDir, path === "/" ? "index.html" : path));
    if (!file.startsWith(pageDir + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "Content-Type": contentTypes[extname(file)] ?? "application/octet-stream",
        "Cache-Control": "no-store",
      });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", ok);
  });
  return server;
}

// The newest code the outbox holds for phone, waiting up to timeoutMs for it to be written.
async function codeFromOutbox(outbox, phone, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let text = "";
    try {
      text = await readFile(outbox, "utf8");
    } catch (err) {
      if (err.code !== "ENOENT") throw err;
    }
    const codes = text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.phone === phone && entry.purpose === "sign_in");
    if (codes.length > 0) return codes[codes.length - 1].code;
    if (Date.now() > deadline) throw new Error(`no sign-in code for ${phone} in ${outbox}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

// A mainland mobile number no earlier run used (the per-number code limits start afresh).
function freshPhone() {
  return "139" + String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
}

async function pageFailure(page) {
  return (await page.locator("#error").textContent()) || "(no error shown)";
}

async function saveArtifacts(page, name, consoleLines) {
  if (!artifacts) return;
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  await writeFile(join(artifacts, `${name}.console.txt`), consoleLines.join("\n") + "\n");
}

async function openPage(browser, pageOrigin, query) {
  const page = await browser.newPage();
  const consoleLines = [];
  page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) =>
    consoleLines.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`),
  );
  await page.goto(`${pageOrigin}/index.html?${new URLSearchParams(query)}`);
  return { page, consoleLines };
}

// One customer, start to finish, over one transport.
async function customerPath(browser, pageOrigin, gateway, outbox, transport) {
  const phone = freshPhone();
  const { page, consoleLines } = await openPage(browser, pageOrigin, {
    base: gateway,
    transport,
    phone,
  });
  try {
    await page.click("#request-code");
    await page.waitForSelector('body[data-state="code-sent"], body[data-state="failed"]');
    assert.equal(await page.getAttribute("body", "data-state"), "code-sent",
                 `RequestSignInCode over ${transport}: ${await pageFailure(page)}`);
    const code = await codeFromOutbox(outbox, phone);
    await page.fill("#code", code);
    await page.click("#sign-in");
    await page.waitForSelector('body[data-state="done"], body[data-state="failed"]',
                               { timeout: 30000 });
    assert.equal(await page.getAttribute("body", "data-state"), "done",
                 `sign-in, submit and read over ${transport}: ${await pageFailure(page)}`);

    const result = JSON.parse(await page.locator("#result").textContent());
    assert.equal(result.transport, transport);
    assert.match(result.customerId, /^C[0-9a-f]{20}$/i, "customer id");
    assert.match(result.number, /^TS-\d{6}-\d+$/, "complaint number");
    assert.equal(result.replayed, false);
    assert.equal(result.complaint.number, result.number, "GetComplaint read the filed complaint");
    assert.equal(result.complaint.input.customerPhone, phone);
    const timeline = result.complaint.timeline ?? [];
    assert.ok(timeline.length >= 1, "the timeline has entries");
    assert.equal(timeline[0].type, "TIMELINE_EVENT_TYPE_RECEIVED",
                 "the first timeline entry is the submission");
    assert.ok(timeline[0].summary, "the submission entry has a summary for the customer");
    // The number is on the page, where a customer reads it.
    assert.ok((await page.locator("#status").textContent()).includes(result.number));
    log(`${transport}: ${result.customerId} filed ${result.number}; timeline: ` +
        timeline.map((e) => e.type.replace("TIMELINE_EVENT_TYPE_", "")).join(", "));
  } catch (err) {
    console.error(consoleLines.join("\n"));
    throw err;
  } finally {
    await saveArtifacts(page, `customer-${transport}`, consoleLines);
    await page.close();
  }
}

// No stack: a closed port as the gateway; the page must say the call failed.
async function smokeTest(browser, pageOrigin, closedPort) {
  for (const transport of ["connect", "grpc-web"]) {
    const { page, consoleLines } = await openPage(browser, pageOrigin, {
      base: `http://127.0.0.1:${closedPort}`,
      transport,
      phone: "13800138000",
    });
    try {
      await page.click("#request-code");
      await page.waitForSelector('body[data-state="failed"]');
      const shown = JSON.parse(await pageFailure(page));
      assert.equal(shown.step, "RequestSignInCode");
      assert.equal(shown.code, "Unknown", "a fetch that cannot connect is Connect's unknown");
      log(`smoke ${transport}: failure shown: ${JSON.stringify(shown)}`);
    } finally {
      await saveArtifacts(page, `smoke-${transport}`, consoleLines);
      await page.close();
    }
  }
}

const server = await startStaticServer(Number(process.env.TOUSU_WEB_PORT ?? 0));
const pageOrigin = `http://127.0.0.1:${server.address().port}`;
// The flags Chromium needs here: no sandbox as root, and no background connections, which the
// closed network refuses.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  log(`page at ${pageOrigin}, Chromium ${browser.version()}`);
  if (smoke) {
    const probe = await startStaticServer(0);
    const closedPort = probe.address().port;
    await new Promise((ok) => probe.close(ok));
    await smokeTest(browser, pageOrigin, closedPort);
  } else {
    const gateway = required("STACK_GATEWAY_URL").replace(/\/+$/, "");
    const outbox = required("STACK_SMS_OUTBOX");
    assert.notEqual(new URL(gateway).origin, pageOrigin, "the page must be cross-origin");
    for (const transport of ["connect", "grpc-web"]) {
      await customerPath(browser, pageOrigin, gateway, outbox, transport);
    }
  }
  log("passed");
} finally {
  await browser.close();
  server.close();
}
