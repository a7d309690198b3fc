// Mends mpegts.js 1.8.2's AV1 over FLV (src/demux/av1-parser.ts and src/demux/flv-demuxer.js) in the packed
// dist/mpegts.js, so the player page plays AV1 over HTTP-FLV.
// Three bugs in the frame-header parser: without these fixes every key frame of an encoder that enables order hints
// (SVT-AV1, libaom, rav1e: all of them) is read out of step, and playback stops with "ExpGolomb: readBits() bits
// exceeded max 32bits!" within seconds (upstream: xqq/mpegts.js#245). Against the AV1 spec, section 5.9.2:
//  1. showable_frame is read when show_frame is 0, not when it is 1;
//  2. ref_order_hint[] is read when the frame is NOT intra (FrameIsIntra), not when it is;
//  3. render_size() reads render_width_minus_1 and render_height_minus_1 as 16 bits each, not as bit counts.
// And one in the FLV demuxer: it announced new video metadata at EVERY AV1 key frame, so the remuxer appended a new
// init segment to the video SourceBuffer each second, in the middle of its batches. Chromium then dropped the frames
// just before a key frame (a 67 ms hole in the buffered video at every key frame); in about half the sessions the
// video froze at the first hole while the sound played on, and mpegts.js's stall jumper skipped ahead a second at
// a time. The fix (4, with its closing brace 5): a key frame announces metadata only when the sequence header or
// the picture size changed since the last announcement, as the H.264 and H.265 paths do. It also drops the
// console.log of every key frame's parse.
// Each fix must match exactly once: a new mpegts.js version fails the build here until this script is revisited
// (drop it when upstream has the fixes). Running it again on a patched file changes nothing.
// Usage: node patch-mpegts-av1.mjs path/to/mpegts.js/dist/mpegts.js
import { readFileSync, writeFileSync } from 'node:fs';

const FIXES = [
  { what: 'showable_frame is read only when show_frame is 0',
    bug: 'l&&o.readBool(),u=!!(3===d||0===d&&l)||o.readBool()',
    fix: 'l||o.readBool(),u=!!(3===d||0===d&&l)||o.readBool()' },
  { what: 'ref_order_hint[] is read only for frames that are not intra',
    bug: '(_||255!==g)&&u&&r.enable_order_hint',
    fix: '(!_||255!==g)&&u&&r.enable_order_hint' },
  { what: 'render_size() reads 16-bit render_width_minus_1 / render_height_minus_1',
    bug: 'var l=e.readBits(16)+1,u=e.readBits(16)+1;d=e.readBits(l)+1,_=e.readBits(u)+1',
    fix: 'd=e.readBits(16)+1,_=e.readBits(16)+1' },
  { what: 'an AV1 key frame announces video metadata only when the sequence or picture size changed',
    bug: 'console.log(h),c.codecWidth=h.codec_size.width,',
    fix: 'if(c.av1cAnnounced!==c.av1c||c.codecWidth!==h.codec_size.width||c.codecHeight!==h.codec_size.height'
      + '||c.presentWidth!==h.present_size.width||c.presentHeight!==h.present_size.height'
      + '||c.sarRatio.width!==h.sar_ratio.width||c.sarRatio.height!==h.sar_ratio.height)'
      + '{c.av1cAnnounced=c.av1c,c.codecWidth=h.codec_size.width,' },
  { what: 'the closing brace of the announcement\'s condition',
    bug: 'this._onTrackMetadata("video",c)}if(d=i,',
    fix: 'this._onTrackMetadata("video",c)}}if(d=i,' }
];

function count(text, part) {
  return text.split(part).length - 1;
}

const file = process.argv[2];
if (!file) {
  throw new Error('usage: node patch-mpegts-av1.mjs path/to/dist/mpegts.js');
}
let text = readFileSync(file, 'utf8');
for (const f of FIXES) {
  const bugs = count(text, f.bug);
  const fixes = count(text, f.fix);
  if (bugs === 1) {
    text = text.replace(f.bug, f.fix);
  } else if (!(bugs === 0 && fixes === 1)) {
    throw new Error(`${file}: cannot apply "${f.what}": the code to mend occurs ${bugs} times, the mended code `
      + `${fixes} times (a different mpegts.js version?)`);
  }
}
writeFileSync(file, text);
console.log(`patch-mpegts-av1: ${file} carries ${FIXES.length} AV1 fixes`);
