// The operator console: every figure and every action is a signed server API call (tc3.js) with the credential the
// operator signed in with, kept in this tab's sessionStorage only. Data from the server is put in the page as text
// (textContent), never as markup.
import uPlot from './vendor/uplot/uPlot.esm.js';
import { ApiError, call, canSign } from './tc3.js';

const POLL_MILLIS = 2000;
/** Five minutes of 2 s samples. */
const HISTORY = 150;
const STORAGE_KEY = 'lianmai.console.credential';
const EVENT_NAMES = {
  101: 'room created', 102: 'room dismissed', 103: 'entered', 104: 'exited', 105: 'role switched',
  201: 'video started', 202: 'video stopped', 203: 'audio started', 204: 'audio stopped',
  205: 'aux started', 206: 'aux stopped',
};
const QUALITY_NAMES = ['unknown', 'excellent', 'good', 'poor', 'bad', 'very bad', 'down'];

const $ = (id) => document.getElementById(id);
let credential = null;
let apps = [];
let timer = null;
let charts = null;
const series = { time: [], rooms: [], members: [], inKbps: [], outKbps: [], cpu: [] };

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) {
    node.textContent = String(text);
  }
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, String(value));
  }
  return node;
}

function row(cells, attributes = {}) {
  const tr = element('tr', null, attributes);
  for (const cell of cells) {
    const td = element('td');
    if (cell instanceof Node) {
      td.append(cell);
    } else {
      td.textContent = cell === undefined || cell === null ? '' : String(cell);
    }
    tr.append(td);
  }
  return tr;
}

function message(error) {
  return error instanceof ApiError ? error.message : `request failed: ${error && error.message}`;
}

function showError(error) {
  $('error').textContent = error ? message(error) : '';
}

function kbps(bps) {
  return `${(bps / 1000).toFixed(0)} kbit/s`;
}

function time(ms) {
  return new Date(ms).toLocaleTimeString();
}

// ---- sign in ----

async function signIn(candidate) {
  $('signin-error').textContent = '';
  try {
    // The cheapest signed call: it checks SecretId, signature, clock and scope, as every later one will.
    const answer = await call(candidate, 'DescribeApps');
    credential = candidate;
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(candidate));
    $('signin-form').hidden = true;
    $('main').hidden = false;
    $('sign-out').hidden = false;
    $('who').textContent = `signed in as ${candidate.secretId}`;
    showApps(answer.Apps);
    startPolling();
  } catch (error) {
    credential = null;
    sessionStorage.removeItem(STORAGE_KEY);
    $('signin-error').textContent = message(error);
  }
}

function signOut() {
  clearInterval(timer);
  timer = null;
  credential = null;
  sessionStorage.removeItem(STORAGE_KEY);
  location.reload();
}

// ---- apps ----

function showApps(list) {
  apps = list;
  const body = $('apps-table').tBodies[0];
  body.replaceChildren();
  for (const app of list) {
    const rotate = element('button', 'Rotate key', { type: 'button', class: 'rotate' });
    rotate.addEventListener('click', () => rotateKey(app.SdkAppId));
    body.append(row([app.SdkAppId, app.Name, app.Enabled ? 'yes' : 'no', app.CallbackUrl || '(none)',
      app.CallbackKeySet ? 'set' : '(none)',
      app.PreviousKeyValidUntil ? new Date(app.PreviousKeyValidUntil * 1000).toISOString() : '', rotate],
    { 'data-sdkappid': app.SdkAppId }));
  }
  for (const select of [$('callback-app'), $('events-app')]) {
    const chosen = select.value;
    select.replaceChildren(...list.map((app) => element('option', `${app.SdkAppId} ${app.Name}`,
      { value: app.SdkAppId })));
    if (list.some((app) => String(app.SdkAppId) === chosen)) {
      select.value = chosen;
    }
  }
  fillCallbackForm();
}

function fillCallbackForm() {
  const app = apps.find((each) => String(each.SdkAppId) === $('callback-app').value);
  $('callback-url').value = app && app.CallbackUrl ? app.CallbackUrl : '';
  $('callback-key').value = '';
}

async function reloadApps() {
  showApps((await call(credential, 'DescribeApps')).Apps);
}

function showSecret(lines) {
  const box = $('secret-shown');
  box.replaceChildren(element('strong', 'Shown once — copy it now:'),
    ...lines.map((line) => element('div', line)));
  box.hidden = false;
}

async function rotateKey(sdkAppId) {
  if (!confirm(`Give app ${sdkAppId} a new secret key? The old one keeps verifying UserSigs for 24 hours.`)) {
    return;
  }
  try {
    const answer = await call(credential, 'RotateAppKey', { SdkAppId: sdkAppId });
    showSecret([`SDKAppID ${answer.SdkAppId}`, `SecretKey ${answer.SecretKey}`]);
    await reloadApps();
    showError(null);
  } catch (error) {
    showError(error);
  }
}

async function createApp(event) {
  event.preventDefault();
  try {
    const answer = await call(credential, 'CreateApp', { Name: $('app-name').value });
    showSecret([`SDKAppID ${answer.SdkAppId}`, `SecretKey ${answer.SecretKey}`, `PlayKey ${answer.PlayKey}`]);
    $('app-name').value = '';
    await reloadApps();
    showError(null);
  } catch (error) {
    showError(error);
  }
}

async function saveCallback(event) {
  event.preventDefault();
  const params = { SdkAppId: Number($('callback-app').value), CallbackUrl: $('callback-url').value };
  if ($('callback-key').value) {
    params.CallbackKey = $('callback-key').value;
  }
  try {
    await call(credential, 'ModifyApp', params);
    await reloadApps();
    showError(null);
  } catch (error) {
    showError(error);
  }
}

async function clearCallback() {
  try {
    await call(credential, 'ModifyApp', { SdkAppId: Number($('callback-app').value), ClearCallback: true });
    await reloadApps();
    showError(null);
  } catch (error) {
    showError(error);
  }
}

// ---- live rooms ----

function roomParams(room) {
  return { SdkAppId: room.SdkAppId, RoomId: room.RoomIdType === 1 ? room.RoomId : Number(room.RoomId) };
}

function roomAction(room, numeric) {
  return room.RoomIdType === 1 ? `${numeric}ByStrRoomId` : numeric;
}

async function kick(room, userId) {
  try {
    await call(credential, roomAction(room, 'RemoveUser'), { ...roomParams(room), UserIds: [userId] });
    showError(null);
    await poll();
  } catch (error) {
    showError(error);
  }
}

async function dismiss(room) {
  if (!confirm(`Dismiss room ${room.RoomId} of app ${room.SdkAppId}? Every member leaves.`)) {
    return;
  }
  try {
    await call(credential, roomAction(room, 'DismissRoom'), roomParams(room));
    showError(null);
    await poll();
  } catch (error) {
    showError(error);
  }
}

function streamsCell(member) {
  const cell = element('div');
  for (const stream of member.Streams) {
    const tracks = [stream.Audio ? 'audio' : '', stream.Video ? 'video' : ''].filter(Boolean).join('+') || '-';
    cell.append(element('div', `${stream.StreamType} ${tracks} · ${kbps(stream.BitrateBps)} · loss `
      + `${stream.LossPercent.toFixed(1)}% (${stream.PacketsLost} lost)`, { class: 'stream' }));
  }
  return cell;
}

function showRooms(answer) {
  $('room-count').textContent = `(${answer.RoomCount})`;
  const cards = answer.Rooms.map((room) => {
    const card = element('div', null, { class: 'room', 'data-room': room.RoomId, 'data-sdkappid': room.SdkAppId });
    const dismissButton = element('button', 'Dismiss room', { type: 'button', class: 'dismiss' });
    dismissButton.addEventListener('click', () => dismiss(room));
    const title = element('h3', `Room ${room.RoomId} · app ${room.SdkAppId} · ${room.Scene} · `
      + `${room.MemberCount} member(s) `);
    title.append(dismissButton);
    const table = element('table', null, { class: 'members' });
    table.append(row(['User', 'Role', 'Kind', 'Streams (bitrate, loss)', 'Subscriptions', 'RTT', 'Quality', '']));
    for (const member of room.Members) {
      const kickButton = element('button', 'Kick', { type: 'button', class: 'kick', 'data-user': member.UserId });
      kickButton.addEventListener('click', () => kick(room, member.UserId));
      const bitrate = member.Streams.reduce((sum, stream) => sum + stream.BitrateBps, 0);
      const quality = element('span', QUALITY_NAMES[member.NetworkQuality] || member.NetworkQuality,
        { class: `q${member.NetworkQuality}` });
      table.append(row([member.UserId, member.Role, member.Kind, streamsCell(member), member.Subscriptions,
        member.RttMs === undefined ? '-' : `${member.RttMs} ms`, quality, kickButton],
      { class: 'member', 'data-user': member.UserId, 'data-kind': member.Kind, 'data-bitrate': bitrate }));
    }
    card.append(title, table);
    return card;
  });
  $('rooms').replaceChildren(...cards);
}

// ---- callbacks ----

function showEvents(events) {
  const body = $('callbacks-table').tBodies[0];
  body.replaceChildren(...events.map((event) => {
    const info = event.EventInfo || {};
    const state = element('span', event.State, { class: `state-${event.State}` });
    return row([event.Seq, `${event.EventType} ${EVENT_NAMES[event.EventType] || ''}`, info.RoomId, info.UserId,
      time(event.EventMsTs), state, event.Attempts, event.LastStatus, event.LastError],
    { 'data-event-type': event.EventType, 'data-state': event.State, 'data-user': info.UserId ?? '' });
  }));
}

// ---- node charts ----

function chart(id, title, labels, width) {
  const options = {
    title, width, height: 220,
    scales: { x: { time: true } },
    series: [{}, ...labels.map((label, i) => ({ label, stroke: ['#1f77b4', '#d62728', '#2ca02c'][i], width: 2 }))],
  };
  return new uPlot(options, [[], ...labels.map(() => [])], $(id));
}

function makeCharts() {
  const width = Math.max(420, Math.min(640, Math.floor((document.body.clientWidth - 80) / 2)));
  return {
    members: chart('chart-members', 'Rooms and members', ['rooms', 'members'], width),
    bitrate: chart('chart-bitrate', 'Media bitrate (kbit/s)', ['in', 'out'], width),
    cpu: chart('chart-cpu', 'Process CPU (%)', ['cpu'], width),
  };
}

function showNode(stats) {
  $('node-error').textContent = '';
  $('node-figures').textContent = `${stats.Rooms} rooms · ${stats.Members} members (WebRTC ${stats.WebRtcMembers}, `
    + `WHIP ${stats.WhipMembers}, RTMP ${stats.RtmpMembers}) · ${stats.Publishers} publishers, ${stats.Players} `
    + `players · in ${kbps(stats.BitrateInBps)}, out ${kbps(stats.BitrateOutBps)} · CPU `
    + `${stats.ProcessCpuPercent}% · heap ${(stats.HeapUsedBytes / 1048576).toFixed(0)} MiB`;
  const push = (name, value) => {
    series[name].push(value);
    if (series[name].length > HISTORY) {
      series[name].shift();
    }
  };
  push('time', stats.Timestamp / 1000);
  push('rooms', stats.Rooms);
  push('members', stats.Members);
  push('inKbps', stats.BitrateInBps / 1000);
  push('outKbps', stats.BitrateOutBps / 1000);
  push('cpu', Math.max(0, stats.ProcessCpuPercent));
  charts = charts || makeCharts();
  charts.members.setData([series.time, series.rooms, series.members]);
  charts.bitrate.setData([series.time, series.inKbps, series.outKbps]);
  charts.cpu.setData([series.time, series.cpu]);
  for (const id of ['chart-members', 'chart-bitrate', 'chart-cpu']) {
    $(id).dataset.points = String(series.time.length);
  }
}

// ---- polling ----

let polling = false;

async function poll() {
  if (!credential || polling) {
    return;
  }
  polling = true;
  try {
    await pollOnce();
  } finally {
    polling = false;
  }
}

async function pollOnce() {
  const eventsApp = Number($('events-app').value);
  const [rooms, node, events] = await Promise.allSettled([
    call(credential, 'DescribeLiveRooms', { Limit: 100 }),
    call(credential, 'DescribeNodeStats'),
    eventsApp ? call(credential, 'DescribeCallbackEvents', { SdkAppId: eventsApp, Limit: 50,
      Undelivered: $('events-undelivered').checked }) : Promise.resolve({ Events: [] }),
  ]);
  if (rooms.status === 'fulfilled') {
    showRooms(rooms.value);
  }
  if (node.status === 'fulfilled') {
    showNode(node.value);
  } else {
    $('node-error').textContent = message(node.reason);
  }
  if (events.status === 'fulfilled') {
    showEvents(events.value.Events);
  }
  const failed = [rooms, events].find((result) => result.status === 'rejected');
  showError(failed ? failed.reason : null);
}

function startPolling() {
  clearInterval(timer);
  poll();
  timer = setInterval(poll, POLL_MILLIS);
}

// ---- start ----

$('signin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  signIn({ secretId: $('secret-id').value.trim(), secretKey: $('secret-key').value.trim() });
});
$('sign-out').addEventListener('click', signOut);
$('create-app-form').addEventListener('submit', createApp);
$('callback-form').addEventListener('submit', saveCallback);
$('callback-clear').addEventListener('click', clearCallback);
$('callback-app').addEventListener('change', fillCallbackForm);
$('events-app').addEventListener('change', poll);
$('events-undelivered').addEventListener('change', poll);

if (!canSign()) {
  $('no-crypto').hidden = false;
  $('signin').disabled = true;
} else {
  const saved = sessionStorage.getItem(STORAGE_KEY);
  if (saved) {
    signIn(JSON.parse(saved));
  }
}
document.body.dataset.ready = 'true';
