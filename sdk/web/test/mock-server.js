// An in-page stand-in for a Lianmai node speaking docs/protocol.md v1, for the SDK harness: it replaces
// globalThis.WebSocket, keeps rooms in memory, and relays media with its own RTCPeerConnections (publisher ->
// "server" pc -> subscriber pcs), so several TRTC instances in one page can call each other without a server.
// UserSig check: any userSig except "bad" passes.

export class MockServer {
  constructor() {
    this.members = new Map(); // userID -> member
    this.tokens = new Map();  // sessionToken -> member
    this.log = [];
    const server = this;
    this.OriginalWebSocket = globalThis.WebSocket;
    globalThis.WebSocket = class FakeWebSocket {
      constructor(url) {
        this.url = url;
        this.readyState = 0;
        server.log.push('connect ' + url);
        setTimeout(() => { if (this.readyState === 0) { this.readyState = 1; this.onopen?.({}); } }, 5);
      }
      send(text) {
        if (this.readyState !== 1) throw new Error('not open');
        setTimeout(() => server.onFrame(this, text), 1);
      }
      close(code = 1000, reason = '') {
        if (this.readyState === 3) return;
        this.readyState = 3;
        setTimeout(() => { this.onclose?.({code, reason}); server.onClose(this); }, 1);
      }
    };
  }

  uninstall() { globalThis.WebSocket = this.OriginalWebSocket; }

  sendTo(ws, frame) {
    if (!ws || ws.readyState !== 1) return;
    setTimeout(() => ws.onmessage?.({data: JSON.stringify({v: 1, ...frame})}), 1);
  }
  event(member, event, data) { this.sendTo(member.ws, {type: 'event', event, data}); }
  broadcast(from, event, data) { for (const m of this.members.values()) if (m !== from) this.event(m, event, data); }

  memberView(m) {
    const streams = {};
    if (m.pub) streams.main = {audio: m.pub.audio, video: m.pub.video};
    return {userID: m.userID, role: m.role, streams};
  }

  async onFrame(ws, text) {
    const frame = JSON.parse(text);
    const reply = (ok, payload) => this.sendTo(ws, ok ? {type: 'response', id: frame.id, ok: true, data: payload || {}}
      : {type: 'response', id: frame.id, ok: false, error: payload});
    this.log.push(frame.action);
    const d = frame.data || {};
    let m = ws.member;
    try {
      switch (frame.action) {
        case 'enter': {
          if (d.userSig === 'bad') return reply(false, {code: -100018, message: 'UserSig check failed: forged'});
          const old = this.members.get(d.userID);
          if (old) { this.event(old, 'kicked', {reason: 'duplicate-login', message: 'same userID elsewhere'}); this.remove(old, 'duplicate-login', false); old.ws.close(); }
          m = {userID: d.userID, role: d.role || 'anchor', scene: d.scene, ws, pub: null, subs: new Map(), token: 'tok-' + Math.random()};
          ws.member = m;
          const others = [...this.members.values()].map(x => this.memberView(x));
          this.members.set(m.userID, m);
          this.tokens.set(m.token, m);
          this.broadcast(m, 'userJoin', {userID: m.userID, role: m.role});
          return reply(true, {sessionToken: m.token, heartbeatIntervalMs: 2000, members: others});
        }
        case 'resume': {
          const found = this.tokens.get(d.sessionToken);
          if (!found || !this.members.has(found.userID)) return reply(false, {code: -1, message: 'unknown session'});
          found.ws = ws;
          ws.member = found;
          return reply(true, {sessionToken: found.token, heartbeatIntervalMs: 2000,
            members: [...this.members.values()].filter(x => x !== found).map(x => this.memberView(x))});
        }
      }
      if (!m) return reply(false, {code: -1, message: 'not in a room'});
      switch (frame.action) {
        case 'heartbeat': return reply(true, {serverTime: Date.now()});
        case 'leave': this.remove(m, 'leave'); return reply(true);
        case 'message': this.broadcast(m, 'customMessage', {userID: m.userID, cmdID: d.cmdID, data: d.data}); return reply(true);
        case 'switchRole':
          m.role = d.role;
          if (d.role === 'audience' && m.pub) this.unpublish(m);
          this.broadcast(m, 'userRole', {userID: m.userID, role: m.role});
          return reply(true);
        case 'publish': {
          if (m.scene === 'live' && m.role === 'audience') return reply(false, {code: -1, message: 'audience cannot publish'});
          if (m.pub) this.unpublish(m);
          const pc = new RTCPeerConnection();
          const tracks = {};
          pc.ontrack = e => { tracks[e.track.kind] = e.track; };
          await pc.setRemoteDescription({type: 'offer', sdp: d.offer});
          await pc.setLocalDescription(await pc.createAnswer());
          await gathered(pc);
          m.pub = {pc, tracks, audio: !!d.audio, video: !!d.video};
          reply(true, {answer: pc.localDescription.sdp, sessionId: 'pub-' + m.userID});
          this.broadcast(m, 'streamAdd', {userID: m.userID, streamType: 'main', audio: m.pub.audio, video: m.pub.video});
          return;
        }
        case 'mute':
          if (!m.pub) return reply(false, {code: -1, message: 'not published'});
          if ('audio' in d) m.pub.audio = d.audio;
          if ('video' in d) m.pub.video = d.video;
          reply(true);
          this.broadcast(m, 'streamUpdate', {userID: m.userID, streamType: 'main', audio: m.pub.audio, video: m.pub.video});
          return;
        case 'unpublish': this.unpublish(m); return reply(true);
        case 'subscribe': {
          const userID = d.streamID.slice(0, d.streamID.lastIndexOf('_'));
          const publisher = this.members.get(userID);
          if (!publisher?.pub) return reply(false, {code: 16400, message: 'stream not published'});
          const pc = new RTCPeerConnection();
          await pc.setRemoteDescription({type: 'offer', sdp: d.offer});
          for (const t of pc.getTransceivers()) {
            const track = publisher.pub.tracks[t.receiver.track.kind];
            t.direction = 'sendonly';
            if (track) await t.sender.replaceTrack(track);
          }
          await pc.setLocalDescription(await pc.createAnswer());
          await gathered(pc);
          m.subs.get(d.streamID)?.close();
          m.subs.set(d.streamID, pc);
          return reply(true, {answer: pc.localDescription.sdp, sessionId: 'sub-' + d.streamID});
        }
        case 'unsubscribe': m.subs.get(d.streamID)?.close(); m.subs.delete(d.streamID); return reply(true);
        default: return reply(false, {code: -2, message: 'unknown action ' + frame.action});
      }
    } catch (e) {
      reply(false, {code: -7, message: String(e)});
    }
  }

  unpublish(m) {
    m.pub.pc.close();
    m.pub = null;
    this.broadcast(m, 'streamRemove', {userID: m.userID, streamType: 'main'});
  }

  remove(m, reason, tell = true) {
    if (this.members.get(m.userID) !== m) return;
    if (m.pub) this.unpublish(m);
    for (const pc of m.subs.values()) pc.close();
    this.members.delete(m.userID);
    this.tokens.delete(m.token);
    if (tell || reason) this.broadcast(m, 'userLeave', {userID: m.userID, reason});
  }

  onClose(ws) { /* a vanished socket keeps its member (grace period); tests call remove() to end it */ }

  /** Test hook: closes a member's socket as a network failure would. */
  drop(userID) { const m = this.members.get(userID); if (m) m.ws.close(1006, 'network'); }
}

function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise(resolve => {
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); });
    setTimeout(resolve, 3000);
  });
}
