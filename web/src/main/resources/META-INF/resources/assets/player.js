/*
 * ringcast player page: plays one live stream in the page's <video> with mpegts.js (HTTP-FLV), hls.js (HLS) or the
 * browser's own HLS, as data-mode on the video element says. Exposes window.ringcastPlayer = { mode, errors, ... }
 * for tests; every player error event is pushed into errors. URLs come relative from the page (data-*-url) and are
 * resolved against it, so the page works under any servlet context path.
 */
(function () {
  'use strict';

  var RETRY_MS = 3000;
  var STATUS_INTERVAL_MS = 250;
  var LIVE_JUMP_BEHIND_S = 1.5;  // LL-HLS: how far past its target latency playback may fall before it jumps

  var video = document.getElementById('video');
  var unmute = document.getElementById('unmute');
  var mode = video.dataset.mode;
  // Signed play URLs: the page's own expires/token (if any) are passed on to the media URLs.
  function signed(relative) {
    var url = new URL(relative, document.baseURI);
    var page = new URLSearchParams(location.search);
    ['expires', 'token'].forEach(function (name) {
      if (page.has(name)) {
        url.searchParams.set(name, page.get(name));
      }
    });
    return url.href;
  }
  var flvUrl = signed(video.dataset.flvUrl);
  // LL-HLS (fMP4 parts, blocking reload) when the server runs it, unless the page asks for ?variant=ts.
  var lowLatency = !!video.dataset.llHlsUrl && new URLSearchParams(location.search).get('variant') !== 'ts';
  var hlsUrl = signed(lowLatency ? video.dataset.llHlsUrl : video.dataset.hlsUrl);
  var hls = null;          // the running hls.js instance, for its latency readout

  var player = {
    mode: mode,
    lowLatency: lowLatency,
    // Seconds behind the live edge, as the page shows it: hls.js's own estimate (hls.latency) in hls mode, the
    // seekable end minus the play position in native mode, the buffered end minus it in flv mode.
    latencyS: null,
    hlsjsLatencyS: null,     // hls.latency as hls.js reports it (hls mode only)
    liveJumps: 0,            // LL-HLS: jumps back to the live edge after a stall left playback far behind
    errors: [],
    state: 'starting',
    restarts: 0,
    supports: {
      mse: typeof MediaSource !== 'undefined',
      h264aac: typeof MediaSource !== 'undefined'
        && MediaSource.isTypeSupported('video/mp4; codecs="avc1.42E01E,mp4a.40.2"'),
      nativeHls: video.canPlayType('application/vnd.apple.mpegurl') !== ''
    }
  };
  window.ringcastPlayer = player;

  var current = null;      // { stop: function } of the running player library, or null
  var retryTimer = null;

  function text(id, value) {
    document.getElementById(id).textContent = value;
  }

  function setState(state) {
    player.state = state;
    text('status-state', state);
  }

  function recordError(source, type, detail, fatal) {
    var error = { source: source, type: String(type), detail: String(detail || ''), fatal: !!fatal,
                  atMs: Date.now() };
    player.errors.push(error);
    var item = document.createElement('li');
    item.textContent = new Date(error.atMs).toLocaleTimeString() + ' ' + source + ' ' + error.type
      + (error.detail ? ': ' + error.detail : '') + (error.fatal ? ' (fatal)' : '');
    document.getElementById('status-errors').appendChild(item);
    document.getElementById('status-no-errors').hidden = true;
  }

  function play() {
    var promise = video.play();
    if (promise && promise.catch) {
      promise.catch(function (e) {
        // Autoplay refused (NotAllowedError) is the browser's policy, not a player error: the controls still work.
        if (e && e.name === 'NotAllowedError') {
          setState('press play (autoplay blocked)');
        }
      });
    }
  }

  /** Stops the running player and starts a fresh one later: the stream may not be live yet, or came back. */
  function restartLater(reason) {
    if (retryTimer !== null) {
      return;
    }
    stop();
    setState(reason + '; retrying in ' + RETRY_MS / 1000 + ' s');
    retryTimer = setTimeout(function () {
      retryTimer = null;
      player.restarts++;
      start();
    }, RETRY_MS);
  }

  function stop() {
    if (current !== null) {
      current.stop();
      current = null;
    }
  }

  function startFlv() {
    if (!window.mpegts || !mpegts.isSupported()) {
      recordError('mpegts', 'unsupported', 'this browser has no Media Source Extensions for H.264', true);
      return null;
    }
    mpegts.LoggingControl.enableVerbose = false;
    mpegts.LoggingControl.enableDebug = false;
    mpegts.LoggingControl.enableInfo = false;
    var flv = mpegts.createPlayer({ type: 'flv', isLive: true, url: flvUrl }, {
      enableWorker: false,
      enableStashBuffer: false,          // hand every chunk to the demuxer at once
      lazyLoad: false,
      autoCleanupSourceBuffer: true,
      liveBufferLatencyChasing: true,    // jump towards the live edge when the buffer grows too long
      liveBufferLatencyMaxLatency: 1.5,  // s of buffer that triggers a jump
      liveBufferLatencyMinRemain: 0.5    // s kept after a jump
    });
    flv.on(mpegts.Events.ERROR, function (type, detail, info) {
      recordError('mpegts', type, detail + (info && info.msg ? ': ' + info.msg : ''), true);
      restartLater('stream error');
    });
    flv.on(mpegts.Events.LOADING_COMPLETE, function () {
      restartLater('stream ended');
    });
    flv.attachMediaElement(video);
    flv.load();
    play();
    return {
      stop: function () {
        flv.pause();
        flv.unload();
        flv.detachMediaElement();
        flv.destroy();
      }
    };
  }

  function startHls() {
    if (!window.Hls || !Hls.isSupported()) {
      recordError('hls', 'unsupported', 'this browser has no Media Source Extensions for H.264', true);
      return null;
    }
    // LL-HLS: hls.js keeps the playlist's PART-HOLD-BACK behind live (a liveSync* setting would override it).
    // MPEG-TS: two target durations behind the live edge.
    hls = new Hls(lowLatency ? {
      lowLatencyMode: true,
      maxLiveSyncPlaybackRate: 1.5,      // catch up by playing faster rather than by jumping
      // After a stall hls.js moves its target back by this (default 1 s, for lossy networks); on a LAN a stall is
      // a hiccup, not a weak link: stay close to live.
      liveSyncOnStallIncrease: 0.25,
      backBufferLength: 30
    } : {
      lowLatencyMode: true,
      liveSyncDurationCount: 2,
      liveMaxLatencyDurationCount: 5,
      maxLiveSyncPlaybackRate: 1.5,
      backBufferLength: 30
    });
    var instance = hls;
    hls.on(Hls.Events.ERROR, function (event, data) {
      recordError('hls', data.type, data.details + (data.reason ? ': ' + data.reason : ''), data.fatal);
      if (data.fatal) {
        restartLater('stream error');
      }
    });
    hls.on(Hls.Events.MANIFEST_PARSED, play);
    hls.loadSource(hlsUrl);
    hls.attachMedia(video);
    return {
      stop: function () {
        instance.destroy();
        if (hls === instance) {
          hls = null;
        }
      }
    };
  }

  function startNative() {
    if (!player.supports.nativeHls) {
      recordError('native', 'unsupported', 'this browser cannot play HLS itself; choose hls.js', true);
      return null;
    }
    video.src = hlsUrl;
    play();
    return {
      stop: function () {
        video.removeAttribute('src');
        video.load();
      }
    };
  }

  function start() {
    setState('connecting');
    document.getElementById('status-url').textContent = mode === 'flv' ? flvUrl : hlsUrl;
    document.getElementById('status-url').href = mode === 'flv' ? flvUrl : hlsUrl;
    current = mode === 'flv' ? startFlv() : mode === 'hls' ? startHls() : startNative();
    if (current === null) {
      setState('cannot play here');
    }
  }

  video.addEventListener('error', function () {
    var e = video.error;
    // Unloading a player detaches its media source; that is not a playback failure.
    if (e && current !== null) {
      recordError('video', 'MediaError ' + e.code, e.message, true);
      if (mode === 'native') {
        restartLater('stream error');
      }
    }
  });
  video.addEventListener('playing', function () { setState('playing'); });
  video.addEventListener('waiting', function () { setState('buffering'); });
  video.addEventListener('pause', function () { if (retryTimer === null) { setState('paused'); } });
  video.addEventListener('volumechange', function () {
    unmute.textContent = video.muted ? 'Unmute' : 'Mute';
  });
  unmute.addEventListener('click', function () {
    video.muted = !video.muted;
    if (video.paused) {
      play();
    }
  });
  if (!player.supports.nativeHls) {
    var nativeLink = document.querySelector('.modes a[data-mode="native"]');
    if (nativeLink) {
      nativeLink.classList.add('unsupported');
      nativeLink.title = 'this browser cannot play HLS itself';
    }
  }

  function behindLiveS() {
    if (mode === 'hls' && hls !== null) {
      return typeof hls.latency === 'number' && isFinite(hls.latency) && hls.latency > 0 ? hls.latency : null;
    }
    var ranges = mode === 'native' ? video.seekable : video.buffered;
    return ranges.length ? Math.max(0, ranges.end(ranges.length - 1) - video.currentTime) : null;
  }

  // After a stall, hls.js speeds playback up only while it is less than a segment past its target latency; further
  // behind it stays there for the rest of the session. On a LAN a stall is a hiccup: jump back to the live edge.
  function jumpToLiveWhenFarBehind() {
    if (mode !== 'hls' || !lowLatency || hls === null || video.paused || video.seeking) {
      return;
    }
    var live = hls.liveSyncPosition;
    if (typeof live === 'number' && isFinite(live) && hls.latency > hls.targetLatency + LIVE_JUMP_BEHIND_S
        && live > video.currentTime) {
      player.liveJumps++;
      video.currentTime = live;
    }
  }

  setInterval(function () {
    jumpToLiveWhenFarBehind();
    var ranges = [];
    for (var i = 0; i < video.buffered.length; i++) {
      ranges.push(video.buffered.start(i).toFixed(2) + '\u2013' + video.buffered.end(i).toFixed(2));
    }
    text('status-time', video.currentTime.toFixed(2) + ' s');
    text('status-buffered', ranges.length ? ranges.join(', ') + ' s' : '-');
    player.hlsjsLatencyS = mode === 'hls' && hls !== null ? hls.latency : null;
    player.latencyS = behindLiveS();
    text('status-latency', player.latencyS === null ? '-' : player.latencyS.toFixed(2) + ' s');
  }, STATUS_INTERVAL_MS);

  start();
}());
