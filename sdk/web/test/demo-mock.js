// Injected by demo-smoke.py into the demo pages: installs the in-page mock server, adds a remote peer that
// publishes into the page's room once the page joined, and POSTs what the page shows after a few seconds.
import {MockServer} from './mock-server.js';
import TRTC from '/sdk/lianmai-web.js';

const server = new MockServer();
window.__mock = server;
const q = new URLSearchParams(location.search);
const live = location.pathname.includes('live');
const peers = Number(q.get('peers') || 1);

function startPeer(i) {
  const peer = new TRTC({setData() {}}, {env: 'test'});
  peer.createPusher({});
  peer.on(peer.EVENT.LOCAL_JOIN, () => { peer.setPusherAttributes({enableCamera: true, enableMic: true}); peer.getPusherInstance().start(); });
  peer.enterRoom({sdkAppID: 1, userID: 'peer' + i, userSig: 'good', roomID: q.get('roomID') || '1', scene: live ? 'live' : 'rtc', role: 'anchor'});
  return peer;
}

const wait = setInterval(() => {
  const trtc = window.__trtc;
  if (!trtc) return;
  clearInterval(wait);
  const go = () => setTimeout(() => { for (let i = 1; i <= peers; i++) startPeer(i); }, 300);
  if (trtc._state === 'joined') go(); else trtc.on(trtc.EVENT.LOCAL_JOIN, go);
}, 5);

setTimeout(async () => {
  const playing = [...document.querySelectorAll('live-player')].filter(el => el.isConnected && el.video?.videoWidth > 0).map(el => el.id);
  const previews = [...document.querySelectorAll('live-pusher')].filter(el => el.isConnected && el.video?.videoWidth > 0).length;
  const waiting = document.getElementById('waiting');
  const report = {
    page: location.pathname + location.search,
    error: document.getElementById('error')?.textContent || '',
    events: (window.__events || []).map(e => e.name),
    playing, previews,
    waitingVisible: waiting ? waiting.offsetParent !== null : null,
    players: window.__trtc?.getPlayerList().map(p => `${p.streamID} v=${p.hasVideo} a=${p.hasAudio} mv=${p.muteVideo} ma=${p.muteAudio}`),
    subs: window.__trtc ? [...window.__trtc._subs].map(([id, s]) => id + ':' + s.pc.connectionState + ':' + s.kinds) : [],
    conn: (window.__events || []).filter(e => e.name === 'CONNECTION_STATE_UPDATE').map(e => JSON.stringify(e.data)),
    grid: document.querySelectorAll('#grid .tile').length,
    chips: document.querySelectorAll('#audio-strip .chip').length,
  };
  await fetch('/results', {method: 'POST', body: JSON.stringify(report, null, 1)});
}, Number(q.get('wait') || 7000));
