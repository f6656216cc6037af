// Shared helpers of the demo pages: language toggle, UserSig from the development endpoint, error display,
// and the test hooks (window.__trtc, window.__events, #error).

export const query = new URLSearchParams(location.search);

const TEXT = {
  zh: {
    title: '连麦 Lianmai 演示', roomID: '房间号', userID: '用户 ID', scene: '场景', join: '进入房间',
    sceneCall: '1v1 视频通话', sceneMulti: '多人视频会议', sceneAnchor: '互动直播 · 主播', sceneAudience: '互动直播 · 观众',
    waiting: '等待接听中...', mic: '麦克风', camera: '摄像头', switchCamera: '切换摄像头', speaker: '扬声器', ear: '听筒',
    beauty: '美颜', hangup: '挂断', prev: '上一页', next: '下一页', page: '页', members: '人在房间',
    audioOnly: '仅音频', coHostAsk: '申请连麦', coHostLeave: '下麦', coHostRequests: '连麦申请', accept: '同意',
    waitingAnchor: '等待主播开播...', asked: '已申请,等待主播同意', regen: '换一个',
    devNote: '演示页用首次启动时打印的链接中的密钥在浏览器里签发测试 UserSig,或从开发专用接口 /api/dev/usersig(--dev)获取;正式应用必须在自己的后端签发 UserSig。',
    langToggle: 'English', you: '我',
  },
  en: {
    title: 'Lianmai demo', roomID: 'Room number', userID: 'User ID', scene: 'Scene', join: 'Join',
    sceneCall: '1-on-1 video call', sceneMulti: 'Group video call', sceneAnchor: 'Live · anchor', sceneAudience: 'Live · audience',
    waiting: 'Waiting for the other side...', mic: 'Mic', camera: 'Camera', switchCamera: 'Switch camera', speaker: 'Speaker', ear: 'Earpiece',
    beauty: 'Beauty', hangup: 'Hang up', prev: 'Previous', next: 'Next', page: 'page', members: 'in the room',
    audioOnly: 'audio only', coHostAsk: 'Ask to co-host', coHostLeave: 'Stop co-hosting', coHostRequests: 'Co-host requests', accept: 'Accept',
    waitingAnchor: 'Waiting for the anchor...', asked: 'Asked; waiting for the anchor', regen: 'New',
    devNote: 'This demo signs test UserSigs in the browser with the key from the URL printed on the first run, or gets them from the development-only endpoint /api/dev/usersig (--dev); real apps sign UserSigs on their own backend.',
    langToggle: '中文', you: 'me',
  },
};

export let lang = query.get('lang') || localStorage.getItem('lianmai.lang')
  || ((navigator.language || 'zh').toLowerCase().startsWith('zh') ? 'zh' : 'en');

export function t(key) { return (TEXT[lang] && TEXT[lang][key]) || TEXT.en[key] || key; }

/** Fills [data-i18n] text and [data-i18n-placeholder]; wires #lang-toggle; calls onChange after a switch. */
export function applyLanguage(onChange) {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  const toggle = document.getElementById('lang-toggle');
  if (toggle && !toggle.dataset.wired) {
    toggle.dataset.wired = '1';
    toggle.addEventListener('click', () => {
      lang = lang === 'zh' ? 'en' : 'zh';
      localStorage.setItem('lianmai.lang', lang);
      applyLanguage(onChange);
      if (onChange) onChange();
    });
  }
  if (toggle) toggle.textContent = t('langToggle');
}

export function showError(message) {
  const el = document.getElementById('error');
  if (!el) return;
  el.textContent = message || '';
  el.style.display = message ? 'block' : 'none';
}

/**
 * For local testing only: the SDKAppID and secret key that `lianmai serve` prints on its first run, passed in the
 * URL fragment (#sdkAppID=…&secretKey=…, which browsers never send to the server) and kept for this tab. With it
 * the page signs its own test UserSigs, as TRTC's GenerateTestUserSig does; real apps sign on their backend.
 */
function debugKey() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get('sdkAppID') && fragment.get('secretKey')) {
    sessionStorage.setItem('lianmai.debugKey', JSON.stringify(
      {sdkAppID: Number(fragment.get('sdkAppID')), secretKey: fragment.get('secretKey')}));
    history.replaceState(null, '', location.pathname + location.search); // keep the key out of the address bar
  }
  const stored = sessionStorage.getItem('lianmai.debugKey');
  return stored ? JSON.parse(stored) : null;
}
debugKey();

/** A UserSig (TLS signature v2) signed in the browser: HMAC-SHA256, JSON, zlib deflate, base64 with *-_. */
async function signInBrowser(sdkAppID, secretKey, userID, expire = 86400) {
  if (!crypto.subtle || typeof CompressionStream === 'undefined') {
    throw new Error('this browser cannot sign UserSigs here (needs https or localhost); ' + t('devNote'));
  }
  const time = Math.floor(Date.now() / 1000);
  const content = `TLS.identifier:${userID}\nTLS.sdkappid:${sdkAppID}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(secretKey), {name: 'HMAC', hash: 'SHA-256'},
    false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(content)));
  const json = JSON.stringify({'TLS.ver': '2.0', 'TLS.identifier': userID, 'TLS.sdkappid': sdkAppID,
    'TLS.expire': expire, 'TLS.time': time, 'TLS.sig': btoa(String.fromCharCode(...mac))});
  const deflated = new Uint8Array(await new Response(new Blob([json]).stream()
    .pipeThrough(new CompressionStream('deflate'))).arrayBuffer());
  return btoa(String.fromCharCode(...deflated)).replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

/**
 * {sdkAppID, userID, userSig}: from the query when given; else signed in the page with the key from the first-run
 * URL; else from GET /api/dev/usersig (a server started with --dev).
 */
export async function getCredentials(userID) {
  if (query.get('sdkAppID') && query.get('userSig')) {
    return {sdkAppID: Number(query.get('sdkAppID')), userID, userSig: query.get('userSig')};
  }
  const debug = debugKey();
  if (debug) {
    return {sdkAppID: debug.sdkAppID, userID, userSig: await signInBrowser(debug.sdkAppID, debug.secretKey, userID)};
  }
  let response;
  try {
    response = await fetch('/api/dev/usersig?userID=' + encodeURIComponent(userID));
  } catch (e) {
    throw new Error('GET /api/dev/usersig failed: ' + e.message);
  }
  const body = await response.text();
  let json = null;
  try { json = JSON.parse(body); } catch (e) { /* not JSON */ }
  if (!response.ok || !json || !json.userSig) {
    const message = (json && (json.message || json.error?.message)) || body || ('HTTP ' + response.status);
    throw new Error(`UserSig: ${message} (HTTP ${response.status}). ${t('devNote')}`);
  }
  return {sdkAppID: Number(json.sdkAppID), userID: json.userID || userID, userSig: json.userSig};
}

const PERIODIC = new Set(['LOCAL_NET_STATE_UPDATE', 'REMOTE_NET_STATE_UPDATE', 'LOCAL_AUDIO_VOLUME_UPDATE',
  'REMOTE_AUDIO_VOLUME_UPDATE']);

function summary(name, data) {
  if (!data) return {};
  if (data.player) return {streamID: data.player.streamID, hasVideo: data.player.hasVideo, hasAudio: data.player.hasAudio, players: data.playerList?.length};
  if ('code' in data) return {code: data.code, message: data.message};
  if (data.userID && data.userList) return {userID: data.userID, users: data.userList.length};
  if (data.pusher) return {netStatus: data.pusher.netStatus, volume: data.pusher.volume};
  if (data.playerList) return {players: data.playerList.map(p => ({streamID: p.streamID, volume: p.volume, netStatus: p.netStatus}))};
  return {...data};
}

/** Records every event into window.__events (periodic ones at most every 5 s) and shows ERRORs in #error. */
export function instrument(trtc) {
  window.__trtc = trtc;
  window.__events = window.__events || [];
  const lastPeriodic = {};
  for (const name of Object.values(trtc.EVENT)) {
    trtc.on(name, ({data}) => {
      const now = Date.now();
      if (PERIODIC.has(name)) {
        if (now - (lastPeriodic[name] || 0) < 5000) return;
        lastPeriodic[name] = now;
      }
      window.__events.push({name, time: now, data: summary(name, data)});
      if (window.__events.length > 1000) window.__events.splice(0, 100);
      if (name === 'ERROR') showError(`${data.code} ${data.message}`);
      if (name === 'KICKED_OUT') showError(`KICKED_OUT: ${data?.message || data?.reason || ''}`);
    });
  }
}

export function randomUserID() { return 'user_' + Math.random().toString(36).slice(2, 8); }

/** Every UI string of the current language (for {{t.key}} in templates). */
export function texts() { return {...TEXT.en, ...TEXT[lang]}; }

/** Starts a demo page the way WeChat starts one: language, then onLoad with the query as options. */
export function startPage(page) {
  window.__page = page;
  applyLanguage(() => page.setData({t: texts()}));
  const options = Object.fromEntries(query);
  if (!options.userID) options.userID = randomUserID();
  if (!options.roomID && !options.strRoomID) options.roomID = '1';
  page.setData({});
  page.onLoad(options);
}
