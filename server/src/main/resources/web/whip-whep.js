// Shared code of the WHIP publisher and WHEP player pages: read the page's query, negotiate over HTTP, report.
export const query = new URLSearchParams(location.search);
window.__log = [];

export function log(message) {
  window.__log.push(message);
  const status = document.getElementById('status');
  if (status) status.textContent += message + '\n';
}

/** The app/room/user parameters both endpoints take, from this page's own query string. */
export function endpointParams(extra = {}) {
  const params = new URLSearchParams();
  for (const name of ['sdkAppID', 'roomID', 'strRoomID', 'userID', 'privateMapKey', 'streamType', 'streamID']) {
    if (query.get(name)) params.set(name, query.get(name));
  }
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  return params;
}

/** Resolves when ICE gathering is complete, so the offer carries every candidate (no trickle). */
export function gatheringComplete(pc, timeoutMs = 5000) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise(resolve => {
    const done = () => { if (pc.iceGatheringState === 'complete') resolve(); };
    pc.addEventListener('icegatheringstatechange', done);
    setTimeout(resolve, timeoutMs);
  });
}

/** POSTs the local offer to a WHIP or WHEP endpoint and applies the answer; returns the session URL. */
export async function negotiate(pc, endpoint) {
  await pc.setLocalDescription(await pc.createOffer());
  await gatheringComplete(pc);
  const response = await fetch(endpoint + '?' + endpointParams(), {
    method: 'POST',
    headers: {'content-type': 'application/sdp', 'authorization': 'Bearer ' + (query.get('userSig') || '')},
    body: pc.localDescription.sdp,
  });
  const body = await response.text();
  if (response.status !== 201) {
    let message = body;
    try { const error = JSON.parse(body); message = error.code + ' ' + error.message; } catch (e) { /* not JSON */ }
    throw new Error('HTTP ' + response.status + ': ' + message);
  }
  await pc.setRemoteDescription({type: 'answer', sdp: body});
  return new URL(response.headers.get('location'), location.href).href;
}

/** Sums a getStats() field over inbound RTP streams of one kind. */
export async function inbound(pc, kind, field) {
  let total = 0;
  (await pc.getStats()).forEach(stat => {
    if (stat.type === 'inbound-rtp' && stat.kind === kind && typeof stat[field] === 'number') total += stat[field];
  });
  return total;
}
