package io.lianmai.room;

/**
 * How a member reached its room, which TRTC's event callbacks report as {@code UserType}: over the signalling
 * WebSocket (the web and mini-program SDKs, WebRTC media), as a WHIP publisher, or as an RTMP publisher.
 */
public enum ClientKind {
    /** A member of the signalling WebSocket ({@code /ws}) with WebRTC media. */
    WEBRTC,
    /** A WHIP publisher (OBS, GStreamer, a page using WHIP): WebRTC media without signalling. */
    WHIP,
    /** An RTMP publisher (ffmpeg, OBS, a mini-program's {@code live-pusher}). */
    RTMP,
    /** The server's own mix pushed back into a room ({@code StartPublishCdnStream}'s {@code FeedBackRoomParams}). */
    MIX,
    /** A member connected to another node of the cluster, shown here through a media relay (docs/relay.md). */
    REMOTE
}
