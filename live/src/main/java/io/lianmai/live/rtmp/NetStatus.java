package io.lianmai.live.rtmp;

/** The {@code code} strings of NetConnection and NetStream status events (RTMP 1.0 section 7.2, Flash docs). */
public final class NetStatus {
    public static final String CONNECT_SUCCESS = "NetConnection.Connect.Success";
    public static final String CONNECT_REJECTED = "NetConnection.Connect.Rejected";
    public static final String CALL_FAILED = "NetConnection.Call.Failed";
    public static final String PUBLISH_START = "NetStream.Publish.Start";
    public static final String PUBLISH_BAD_NAME = "NetStream.Publish.BadName";
    public static final String PUBLISH_DENIED = "NetStream.Publish.Denied";
    public static final String UNPUBLISH_SUCCESS = "NetStream.Unpublish.Success";
    public static final String PLAY_RESET = "NetStream.Play.Reset";
    public static final String PLAY_START = "NetStream.Play.Start";
    public static final String PLAY_STOP = "NetStream.Play.Stop";
    public static final String PLAY_STREAM_NOT_FOUND = "NetStream.Play.StreamNotFound";
    public static final String PLAY_FAILED = "NetStream.Play.Failed";
    public static final String PLAY_UNPUBLISH_NOTIFY = "NetStream.Play.UnpublishNotify";

    public static final String LEVEL_STATUS = "status";
    public static final String LEVEL_ERROR = "error";

    private NetStatus() {
    }
}
