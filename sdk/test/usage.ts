// The public API as sdk/web/README.md and sdk/wx/README.md show it, type-checked by check-declarations.js (which
// puts this file beside the declaration files, as the server serves them under /sdk/).
import TRTC, { EVENT, ERROR_CODE, QUALITY, networkQuality, parseStreamID, type PlayerAttributes, type Quality,
  type TRTCEvent } from './lianmai-web';
import WxTRTC from './lianmai-wx';

const page = { setData(data: Record<string, unknown>, callback?: () => void) { void data; callback?.(); } };

const trtc = new TRTC(page, { serverUrl: 'wss://rtc.example.com', statsIntervalMs: 1000 });
trtc.createPusher({ beautyLevel: 9 });
trtc.on(trtc.EVENT.LOCAL_JOIN, () => page.setData({ pusher: trtc.setPusherAttributes({ enableCamera: true, enableMic: true }) }));
trtc.on(EVENT.REMOTE_VIDEO_ADD, (e: TRTCEvent<'REMOTE_VIDEO_ADD'>) => {
  const list: PlayerAttributes[] = trtc.setPlayerAttributes(e.data.player.streamID, { muteVideo: false });
  page.setData({ playerList: list });
});
trtc.on(EVENT.REMOTE_STATE_UPDATE, e => { const state: RTCPeerConnectionState = e.data.state; void state; });
trtc.on(EVENT.ERROR, e => { const code: number = e.data.code; void (code === ERROR_CODE.USERSIG_FAILED); });
trtc.on(EVENT.LOCAL_NET_STATE_UPDATE, e => {
  const uplink: Quality | undefined = e.data.pusher.netStatus.uplinkNetworkQuality;
  void (uplink === TRTC.QUALITY.DOWN);
});
trtc.on(EVENT.REMOTE_NET_STATE_UPDATE, e => {
  for (const p of e.data.playerList) void (p.netStatus.netQualityLevel !== undefined && p.netStatus.netQualityLevel >= QUALITY.POOR);
});
void networkQuality({ loss: 2, rtt: 80 });
page.setData({ pusher: trtc.enterRoom({ sdkAppID: 1400000001, userID: 'alice', userSig: 'sig', strRoomID: 'abc' }) },
  () => trtc.getPusherInstance().start());
const role: Promise<'anchor' | 'audience'> = trtc.switchRole('audience');
void role;
void trtc.sendCustomMessage(1, { hello: 'world' });
trtc.on(EVENT.CONNECT_OTHER_ROOM, e => { const ok: boolean = e.data.errCode === 0; void ok; void e.data.userID; });
trtc.on(EVENT.DISCONNECT_OTHER_ROOM, e => { void e.data.errMsg; });
void trtc.connectOtherRoom({ roomId: 5678, userId: 'carol' }).then(() => trtc.disconnectOtherRoom());
void trtc.connectOtherRoom(JSON.stringify({ strRoomId: 'pk', userId: 'carol' }))
  .catch((e: { code: number }) => void (e.code === ERROR_CODE.CONNECT_OTHER_ROOM_AS_AUDIENCE));
void trtc.getPlayerInstance('bob_main').snapshot().then(s => s.tempImagePath);
trtc.off(EVENT.LOCAL_JOIN);
const { pusher, playerList } = trtc.exitRoom();
void pusher.url; void playerList.length;
void parseStreamID('bob_main').userID;
void TRTC.fromUrl('room://host/rtc?instance=1');

const wx = new WxTRTC(page, { serverUrl: 'wss://rtc.example.com' });
wx.on(WxTRTC.EVENT.REMOTE_STATE_UPDATE, e => { const code: number = e.data.code; void code; });
wx.on(wx.EVENT.VIDEO_FULLSCREEN_UPDATE, e => { const full: boolean = e.data.fullScreen; void full; });
page.setData({ pusher: wx.enterRoom({ sdkAppID: 1400000001, userID: 'bob', userSig: 'sig', roomID: 1234 }) },
  () => wx.getPusherInstance().start({ success: () => undefined }));
void wx.getPlayerInstance('alice_main').requestFullScreen({ direction: 90 });
wx.playerEventHandler({ detail: { code: -2301 }, currentTarget: { id: 'alice_main' } });
wx.on(wx.EVENT.LOCAL_NET_STATE_UPDATE, e => { void (e.data.pusher.netStatus.netQualityLevel === WxTRTC.QUALITY.EXCELLENT); });
void WxTRTC.parseStreamID('alice_main');
void wx.connectOtherRoom({ roomId: 5678, userId: 'carol' });
wx.on(wx.EVENT.CONNECT_OTHER_ROOM, e => { void e.data.errCode; });
