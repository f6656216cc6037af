"""A WHIP publisher or WHEP viewer built on aiortc, a WebRTC stack independent of libwebrtc.

Driven by io.lianmai.testkit.AiortcPeer. Run with Debian's /usr/bin/python3 (package python3-aiortc):

    aiortc_peer.py publish URL USERSIG [--codec vp8|h264] [--tone HZ] [--noise | --avsync] [--redirect FROM:TO]
    aiortc_peer.py play URL USERSIG [--redirect FROM:TO]

It prints one JSON object per line on stdout and ends when stdin closes (or after --seconds):
  {"event": "posted", "status": 201}            the WHIP/WHEP answer arrived (a viewer's clock starts at its POST)
  {"event": "connected"}                        ICE and DTLS are up
  {"event": "first_frame", "ms": 312}           a viewer decoded its first video frame, ms after its POST
  {"event": "stats", "frames": 95, "audio_frames": 250, "tone_hz": 440.0, "brightness": 180.2, "remb_bps": 512000,
   "rembs": 7, "width": 640}                   remb_bps: the latest REMB the viewer's own estimator sent (0: none
                                               yet); width: the last decoded frame's
  {"event": "sender", "remb_bps": 420000, "rembs": 3, "target_bps": 420000}
                                                a publisher, every half second: the latest REMB for its video SSRC
                                                its sender got (0: none yet) and its video encoder's target_bitrate
                                                (aiortc's VP8: 500000 until a REMB, clamped to 250000..1500000)
  {"event": "error", "message": "..."}
The publisher sends a 640x360 picture (bright, with a moving bar) at 30 fps and a sine tone; the viewer counts
decoded frames and reports the received audio's dominant frequency over the last second. --noise sends faint
noise instead, on which VP8 spends about its target bitrate. --avsync sends io.lianmai.testkit.AvSyncSignal's
pattern instead, on the wall clock: a black 320x180 picture that is white, and silence that is a 1000 Hz beep, for the
first 0.2 s of every second — each frame and sample by the instant it is made, so both tracks flash and beep together
as captured, and only their sender reports can tell a receiver so.
--redirect FROM:TO points the answer's UDP candidates on port FROM at port TO (a test relay) and drops its TCP ones.
"""
import argparse
import asyncio
import fractions
import json
import sys
import time
import urllib.error
import urllib.request

import aiortc.rtcrtpreceiver
import aiortc.rtcrtpsender
import av
import numpy
from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpSender, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

AUDIO_RATE = 48000
AUDIO_SAMPLES = 960  # 20 ms


class RembLog:
    """What aiortc's receivers put in the REMBs they send (from abs-send-time, when the answer has it)."""

    bps = 0
    count = 0

    @staticmethod
    def install():
        pack = aiortc.rtcrtpreceiver.pack_remb_fci

        def recording(bitrate, ssrcs):
            RembLog.bps = bitrate
            RembLog.count += 1
            return pack(bitrate, ssrcs)

        aiortc.rtcrtpreceiver.pack_remb_fci = recording


class ReceivedRembLog:
    """The REMBs aiortc's senders read (RTCP PSFB FMT 15): bitrate and SSRCs, before the sender applies them."""

    by_ssrc = {}
    count = 0

    @staticmethod
    def install():
        unpack = aiortc.rtcrtpsender.unpack_remb_fci

        def recording(fci):
            bitrate, ssrcs = unpack(fci)
            ReceivedRembLog.count += 1
            for ssrc in ssrcs:
                ReceivedRembLog.by_ssrc[ssrc] = bitrate
            return bitrate, ssrcs

        aiortc.rtcrtpsender.unpack_remb_fci = recording


def say(event, **fields):
    print(json.dumps(dict(event=event, **fields)), flush=True)


PULSE_SECONDS = 0.2
BEEP_HZ = 1000


def pulsing(wall_seconds):
    """Whether the AvSyncSignal pulse is on at these wall-clock instants (numpy array or float)."""
    return numpy.mod(wall_seconds, 1.0) < PULSE_SECONDS


class ToneTrack(AudioStreamTrack):
    """A sine tone (or, with avsync, a beep at the start of each wall-clock second), 20 ms frames in real time."""

    def __init__(self, hz, avsync=False):
        super().__init__()
        self.hz = hz
        self.avsync = avsync
        self.start = None
        self.samples = 0

    async def recv(self):
        if self.start is None:
            self.start = time.time()
        else:
            self.samples += AUDIO_SAMPLES
            await asyncio.sleep(max(0.0, self.start + self.samples / AUDIO_RATE - time.time()))
        t = (numpy.arange(AUDIO_SAMPLES) + self.samples) / AUDIO_RATE
        if self.avsync:
            # The instant the frame is made, not the one it was due: on a busy machine aiortc falls behind its pace,
            # and its sender reports stamp a packet when it is sent, so content must follow the real clock.
            wall = time.time() + numpy.arange(AUDIO_SAMPLES) / AUDIO_RATE
            data = numpy.where(pulsing(wall), numpy.sin(2 * numpy.pi * BEEP_HZ * wall) * 4096, 0).astype(numpy.int16)
        else:
            data = (numpy.sin(2 * numpy.pi * self.hz * t) * 8000).astype(numpy.int16)
        frame = av.AudioFrame.from_ndarray(data.reshape(1, -1), format="s16", layout="mono")
        frame.pts = self.samples
        frame.sample_rate = AUDIO_RATE
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        return frame


class PictureTrack(VideoStreamTrack):
    """A bright 640x360 picture with a dark bar moving across it, so that consecutive frames differ."""

    def __init__(self, noise=False, avsync=False):
        super().__init__()
        self.count = 0
        self.noise = numpy.random.default_rng(1) if noise else None
        self.avsync = avsync

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        if self.avsync:
            # The instant the frame is made (see ToneTrack); small, so that the encoder keeps its pace.
            picture = numpy.full((180, 320, 3), 255 if pulsing(time.time()) else 0, numpy.uint8)
        elif self.noise is not None:
            # Faint noise (±4 around mid-grey): VP8 spends about its target on it (270 kbit/s at 250, 580 at
            # 500, 1080 at 1000), where full-range noise costs 6.5 Mbit/s whatever the target.
            picture = (128 + self.noise.integers(-4, 5, (360, 640, 3), numpy.int16)).astype(numpy.uint8)
        else:
            picture = numpy.full((360, 640, 3), 200, numpy.uint8)
            x = (self.count * 8) % 600
            picture[:, x:x + 40, :] = 30
        self.count += 1
        frame = av.VideoFrame.from_ndarray(picture, format="bgr24")
        frame.pts = pts
        frame.time_base = time_base
        return frame


def post(url, token, sdp):
    request = urllib.request.Request(url, data=sdp.encode(), method="POST", headers={
        "Content-Type": "application/sdp", "Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def redirected(sdp, redirect):
    """The answer with its UDP candidates on port FROM moved to port TO and its TCP candidates dropped."""
    if not redirect:
        return sdp
    source, target = redirect.split(":")
    lines = []
    for line in sdp.split("\r\n"):
        if line.startswith("a=candidate:") and " tcp " in line.lower():
            continue
        if line.startswith("a=candidate:"):
            line = line.replace(" %s typ host" % source, " %s typ host" % target)
        elif line.startswith("m="):
            line = line.replace(" %s " % source, " %s " % target)
        lines.append(line)
    return "\r\n".join(lines)


def prefer(transceiver, mime):
    codecs = [c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType.lower() == mime]
    transceiver.setCodecPreferences(codecs)


class Receiver:
    def __init__(self, posted_at):
        self.posted_at = posted_at
        self.frames = 0
        self.audio_frames = 0
        self.brightness = 0.0
        self.width = 0
        self.audio = numpy.zeros(0, numpy.float32)
        self.audio_rate = AUDIO_RATE

    async def video(self, track):
        while True:
            frame = await track.recv()
            self.frames += 1
            self.width = frame.width
            if self.frames == 1:
                say("first_frame", ms=round((time.monotonic() - self.posted_at) * 1000))
            if self.frames % 15 == 1:
                luma = frame.to_ndarray(format="gray")
                self.brightness = float(luma.mean())

    async def audio_track(self, track):
        while True:
            frame = await track.recv()
            self.audio_frames += 1
            samples = frame.to_ndarray().astype(numpy.float32)
            if frame.layout.name != "mono":
                samples = samples.reshape(-1, len(frame.layout.channels)).mean(axis=1)
            self.audio_rate = frame.sample_rate
            self.audio = numpy.concatenate([self.audio, samples.reshape(-1)])[-self.audio_rate:]

    def tone_hz(self):
        if len(self.audio) < self.audio_rate // 2 or numpy.abs(self.audio).max() < 100:
            return 0.0
        spectrum = numpy.abs(numpy.fft.rfft(self.audio * numpy.hanning(len(self.audio))))
        return float(numpy.argmax(spectrum) * self.audio_rate / len(self.audio))


async def stdin_closed():
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await reader.read()


async def run(args):
    # No ICE servers: aiortc would otherwise ask Google's public STUN server; the test server is on loopback.
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    receiver = None
    video = None
    tasks = []

    @pc.on("connectionstatechange")
    async def on_state():
        if pc.connectionState == "connected":
            say("connected")
        elif pc.connectionState == "failed":
            say("error", message="connection failed")

    if args.mode == "publish":
        pc.addTransceiver(ToneTrack(args.tone, args.avsync), direction="sendonly")
        video = pc.addTransceiver(PictureTrack(args.noise, args.avsync), direction="sendonly")
        prefer(video, "video/" + args.codec)
    else:
        pc.addTransceiver("audio", direction="recvonly")
        pc.addTransceiver("video", direction="recvonly")

        @pc.on("track")
        def on_track(track):
            handler = receiver.video if track.kind == "video" else receiver.audio_track
            tasks.append(asyncio.ensure_future(handler(track)))

    await pc.setLocalDescription(await pc.createOffer())
    posted_at = time.monotonic()
    receiver = Receiver(posted_at)
    status, answer = await asyncio.get_running_loop().run_in_executor(
        None, post, args.url, args.token, pc.localDescription.sdp)
    say("posted", status=status)
    if status != 201:
        say("error", message=answer[:500])
        await pc.close()
        return
    print(answer, file=sys.stderr, flush=True)  # for the test's failure message
    await pc.setRemoteDescription(RTCSessionDescription(sdp=redirected(answer, args.redirect), type="answer"))

    async def report():
        while True:
            await asyncio.sleep(0.5)
            if args.mode == "play":
                say("stats", frames=receiver.frames, audio_frames=receiver.audio_frames,
                    tone_hz=receiver.tone_hz(), brightness=receiver.brightness, remb_bps=RembLog.bps,
                    rembs=RembLog.count, width=receiver.width)
            else:
                sender = video.sender
                encoder = getattr(sender, "_RTCRtpSender__encoder", None)
                say("sender", remb_bps=ReceivedRembLog.by_ssrc.get(sender._ssrc, 0), rembs=ReceivedRembLog.count,
                    target_bps=getattr(encoder, "target_bitrate", 0) if encoder is not None else 0)

    tasks.append(asyncio.ensure_future(report()))
    try:
        await asyncio.wait_for(stdin_closed(), timeout=args.seconds)
    except asyncio.TimeoutError:
        pass
    for task in tasks:
        task.cancel()
    await pc.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["publish", "play"])
    parser.add_argument("url")
    parser.add_argument("token")
    parser.add_argument("--codec", choices=["vp8", "h264"], default="vp8")
    parser.add_argument("--tone", type=float, default=440.0)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--redirect", default="")
    parser.add_argument("--noise", action="store_true")
    parser.add_argument("--avsync", action="store_true")
    args = parser.parse_args()
    RembLog.install()
    ReceivedRembLog.install()
    try:
        asyncio.run(run(args))
    except Exception as e:  # the test reads this line; a traceback on stderr is kept too
        say("error", message=repr(e))
        raise


if __name__ == "__main__":
    main()
