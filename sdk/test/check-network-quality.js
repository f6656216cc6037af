#!/usr/bin/env node
// Checks the core's network quality grading (sdk/core/lianmai-core.js: QUALITY, QUALITY_THRESHOLDS, networkQuality)
// at every threshold, as both SDKs use it (docs/networks.md, Network quality).
//
//   node check-network-quality.js <repository root>
//
// Prints one line per problem and exits 1 if there is any; 0 and "ok" otherwise. No npm, Node >= 18.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const {pathToFileURL} = require('url');

const root = path.resolve(process.argv[2] || '.');
const problems = [];
const expect = (what, actual, wanted) => {
  if (actual !== wanted) problems.push(what + ': got ' + actual + ', want ' + wanted);
};

async function main() {
  // As an .mjs, so that any Node >= 18 loads it as the ES module it is.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lianmai-quality-'));
  process.on('exit', () => fs.rmSync(scratch, {recursive: true, force: true}));
  const file = path.join(scratch, 'lianmai-core.mjs');
  fs.copyFileSync(path.join(root, 'sdk/core/lianmai-core.js'), file);
  const {QUALITY, QUALITY_THRESHOLDS, networkQuality} = await import(pathToFileURL(file).href);

  expect('levels', JSON.stringify(QUALITY), JSON.stringify({UNKNOWN: 0, EXCELLENT: 1, GOOD: 2, POOR: 3, BAD: 4,
    VERY_BAD: 5, DOWN: 6}));
  expect('measures', Object.keys(QUALITY_THRESHOLDS).join(), 'loss,rtt,jitter,shortfall');
  expect('the table is frozen', Object.isFrozen(QUALITY_THRESHOLDS) && Object.isFrozen(QUALITY_THRESHOLDS.loss), true);

  // Nothing known: unknown, whatever else is passed.
  expect('no measures', networkQuality({}), QUALITY.UNKNOWN);
  expect('undefined', networkQuality(undefined), QUALITY.UNKNOWN);
  for (const bad of [-1, NaN, Infinity, '3', null]) expect('loss ' + bad, networkQuality({loss: bad}), QUALITY.UNKNOWN);
  expect('unrelated fields', networkQuality({videoBitrate: 900}), QUALITY.UNKNOWN);

  // Each measure alone: a value at a threshold is still that grade, the next step up is the next grade.
  for (const name of Object.keys(QUALITY_THRESHOLDS)) {
    const bounds = QUALITY_THRESHOLDS[name];
    expect(name + ' has four ascending bounds', bounds.length === 4 && bounds.every((b, i) => !i || b > bounds[i - 1]),
      true);
    expect(name + ' 0', networkQuality({[name]: 0}), QUALITY.EXCELLENT);
    bounds.forEach((bound, i) => {
      expect(name + ' ' + bound, networkQuality({[name]: bound}), QUALITY.EXCELLENT + i);
      expect(name + ' ' + (bound + 0.5), networkQuality({[name]: bound + 0.5}), QUALITY.GOOD + i);
    });
    expect(name + ' huge', networkQuality({[name]: 1e9}), QUALITY.VERY_BAD);
  }

  // The figures the docs give, and the worst measure wins.
  expect('loopback', networkQuality({loss: 0, rtt: 1, jitter: 2}), QUALITY.EXCELLENT);
  expect('2 % loss', networkQuality({loss: 2, rtt: 30, jitter: 5}), QUALITY.GOOD);
  expect('5 % loss', networkQuality({loss: 5, rtt: 30, jitter: 5}), QUALITY.POOR);
  expect('20 % loss', networkQuality({loss: 20, rtt: 30, jitter: 5}), QUALITY.VERY_BAD);
  expect('slow but clean', networkQuality({loss: 0, rtt: 450, jitter: 5}), QUALITY.BAD);
  expect('jittery', networkQuality({loss: 0, rtt: 30, jitter: 60}), QUALITY.POOR);
  expect('rtt unknown', networkQuality({loss: 10}), QUALITY.BAD);
  expect('a third not carried', networkQuality({shortfall: 33}), QUALITY.POOR);
  expect('measures never say down', networkQuality({loss: 100, rtt: 1e6, jitter: 1e6, shortfall: 100}),
    QUALITY.VERY_BAD);
}

main().then(() => {
  for (const problem of problems) process.stdout.write(problem + '\n');
  process.stdout.write(problems.length ? problems.length + ' problem(s)\n' : 'ok\n');
  process.exit(problems.length ? 1 : 0);
}, e => {
  process.stdout.write('failed: ' + (e && e.stack || e) + '\n');
  process.exit(1);
});
