// Plays one ringcast player page in Debian's headless Chromium (driven by playwright-core, no browser download) and
// prints one line of JSON with what happened. Run by the tests in io.ringcast.web.page (PlayScript); by hand:
//   node play.mjs --play-url http://127.0.0.1:8080/play/live/x?mode=flv --play-png play.png \
//                 --index-url http://127.0.0.1:8080/ --index-png index.png
// Options: --min-advance-s (play at least this long), --timeout-s, --stall-at-s with --stall-ms (hold HLS requests).
// Exit code 0 when the script ran to the end (the JSON says whether playback passed), 2 on a script failure.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = '/usr/bin/chromium';
// Flags that make Chromium work on this machine: no sandbox as root, no GPU, and no background traffic to Google
// hosts, which a closed network refuses.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const H264_AAC = 'video/mp4; codecs="avc1.42E01E,mp4a.40.2"';
const AV1 = 'video/mp4; codecs="av01.0.04M.08"';
const POLL_MS = 250;
const MAX_TRACED_REQUESTS = 2000;

function options(argv) {
  const o = { minAdvanceS: 5, timeoutS: 25 };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    o[key] = argv[i + 1];
  }
  o.minAdvanceS = Number(o.minAdvanceS);
  o.timeoutS = Number(o.timeoutS);
  if (!o.playUrl) {
    throw new Error('--play-url is required');
  }
  return o;
}

async function sample(page) {
  return page.evaluate(() => {
    const ranges = r => Array.from({ length: r.length }, (_, i) => [r.start(i), r.end(i)]);
    // Each SourceBuffer the player made (recorded by the init script in main) with what it holds: a hole in one
    // track hides in video.buffered, which is both tracks' intersection.
    const sourceBuffers = () => (window.ringcastTestSourceBuffers || []).map(([type, sb]) => {
      try {
        return { type, buffered: ranges(sb.buffered) };
      } catch (e) {
        return { type, removed: true };
      }
    });
    const v = document.getElementById('video');
    let played = 0;
    for (let i = 0; i < v.played.length; i++) {
      played += v.played.end(i) - v.played.start(i);
    }
    const q = v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality() : {};
    const p = window.ringcastPlayer || {};
    return {
      currentTime: v.currentTime, playedS: played, paused: v.paused, readyState: v.readyState,
      videoWidth: v.videoWidth, videoHeight: v.videoHeight,
      totalVideoFrames: q.totalVideoFrames ?? null, droppedVideoFrames: q.droppedVideoFrames ?? null,
      bufferedEnd: v.buffered.length ? v.buffered.end(v.buffered.length - 1) : null,
      mode: p.mode ?? null, state: p.state ?? null, restarts: p.restarts ?? null,
      errors: p.errors ?? null, supports: p.supports ?? null,
      lowLatency: p.lowLatency ?? null, hlsjsLatencyS: p.hlsjsLatencyS ?? null, latencyS: p.latencyS ?? null,
      liveJumps: p.liveJumps ?? null,
      sourceBuffers: sourceBuffers(),
      readout: document.getElementById('status-latency')?.textContent ?? null
    };
  });
}

async function main() {
  const o = options(process.argv);
  const profile = mkdtempSync(join(tmpdir(), 'ringcast-chromium-'));
  const result = { playUrl: o.playUrl, minAdvanceS: o.minAdvanceS };
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1100, height: 980 }
  });
  try {
    result.browserVersion = context.browser()?.version() ?? null;
    const page = await context.newPage();
    const origin = new URL(o.playUrl).origin;
    const foreign = [];
    const consoleErrors = [];
    page.on('request', r => { if (!r.url().startsWith(origin) && !r.url().startsWith('blob:')
      && !r.url().startsWith('data:')) foreign.push(r.url()); });
    // HLS requests as [sent, finished (ms since the page opened), status, path]: a stall's story in a failure report.
    const opened = Date.now();
    const sent = new Map();
    const hlsRequests = [];
    const isHls = url => /\.(m3u8|m4s|mp4|ts)(\?|$)/.test(url);
    page.on('request', r => sent.set(r, Date.now() - opened));
    page.on('requestfinished', async r => {
      if (isHls(r.url()) && hlsRequests.length < MAX_TRACED_REQUESTS) {
        // A request that finishes as the page closes has no response any more: traced without a status.
        const response = await r.response().catch(() => null);
        hlsRequests.push([sent.get(r), Date.now() - opened, response ? response.status() : null,
          r.url().slice(origin.length)]);
      }
      sent.delete(r);
    });
    page.on('requestfailed', r => {
      if (isHls(r.url()) && hlsRequests.length < MAX_TRACED_REQUESTS) {
        hlsRequests.push([sent.get(r), Date.now() - opened, 'failed', r.url().slice(origin.length)]);
      }
      sent.delete(r);
    });
    // --stall-at-s S --stall-ms M: HLS requests sent in [S, S + M) after the page opened are answered only at
    // S + M, as a network hiccup would (a test of how the page recovers).
    if (o.stallAtS !== undefined) {
      const from = Number(o.stallAtS) * 1000;
      const until = from + Number(o.stallMs);
      await page.route(url => isHls(url.href), async route => {
        const at = Date.now() - opened;
        if (at >= from && at < until) {
          await new Promise(resolve => setTimeout(resolve, until - at));
        }
        await route.continue();
      });
    }
    page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', e => consoleErrors.push('pageerror: ' + e.message));

    // Records every SourceBuffer a player library adds, so samples can show each track's buffered ranges.
    await page.addInitScript(() => {
      window.ringcastTestSourceBuffers = [];
      const add = MediaSource.prototype.addSourceBuffer;
      MediaSource.prototype.addSourceBuffer = function (type) {
        const sb = add.call(this, type);
        window.ringcastTestSourceBuffers.push([type, sb]);
        return sb;
      };
    });
    const response = await page.goto(o.playUrl, { waitUntil: 'load' });
    result.status = response.status();
    result.contentType = response.headers()['content-type'];
    result.mseH264Aac = await page.evaluate(t => typeof MediaSource !== 'undefined'
      && MediaSource.isTypeSupported(t), H264_AAC);
    result.mseAv1 = await page.evaluate(t => typeof MediaSource !== 'undefined' && MediaSource.isTypeSupported(t), AV1);
    await page.waitForFunction(() => window.ringcastPlayer !== undefined, null, { timeout: 5000 });

    const started = Date.now();
    const first = await sample(page);
    let last = first;
    // Behind-live samples once playback runs (a second of playback after start): hls.js's latency and the page's
    // own readout (its text, in seconds).
    const latency = { hlsjsS: [], readoutS: [], atMs: [] };
    // Each poll as [ms since start, currentTime, played, decoded frames, dropped frames, source buffers]: a
    // failure's story.
    const trace = [];
    while (Date.now() - started < o.timeoutS * 1000) {
      last = await sample(page);
      trace.push([Date.now() - started, last.currentTime, last.playedS, last.totalVideoFrames,
        last.droppedVideoFrames, last.sourceBuffers]);
      if (!last.paused && last.currentTime - first.currentTime >= 1) {
        if (typeof last.hlsjsLatencyS === 'number' && last.hlsjsLatencyS > 0) {
          latency.hlsjsS.push(last.hlsjsLatencyS);
          latency.atMs.push(Date.now() - opened);
        }
        const readout = parseFloat(last.readout);
        if (!Number.isNaN(readout)) latency.readoutS.push(readout);
      }
      // Advanced AND really played that long: a live player may also jump ahead to catch up with the live edge.
      if (last.currentTime - first.currentTime >= o.minAdvanceS && last.playedS >= o.minAdvanceS) {
        break;
      }
      await page.waitForTimeout(POLL_MS);
    }
    result.waitedMs = Date.now() - started;
    result.startTime = first.currentTime;
    result.advancedS = last.currentTime - first.currentTime;
    result.last = last;
    result.latency = latency;
    result.trace = trace;
    result.foreignRequests = foreign;
    result.hlsRequests = hlsRequests;
    result.consoleErrors = consoleErrors;
    if (o.playPng) {
      await page.screenshot({ path: o.playPng, fullPage: true });
      result.playPng = o.playPng;
    }
    if (o.indexUrl) {
      const index = await context.newPage();
      const r = await index.goto(o.indexUrl, { waitUntil: 'load' });
      result.indexStatus = r.status();
      result.indexLinks = await index.$$eval('a', as => as.map(a => a.getAttribute('href')));
      if (o.indexPng) {
        await index.screenshot({ path: o.indexPng, fullPage: true });
        result.indexPng = o.indexPng;
      }
    }
    result.passed = result.advancedS >= o.minAdvanceS && Array.isArray(last.errors) && last.errors.length === 0;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch(e => {
  process.stderr.write((e && e.stack) || String(e));
  process.stderr.write('\n');
  process.exit(2);
});
