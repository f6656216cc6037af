package io.lianmai.live.rtmp;

import java.net.SocketAddress;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a publish or play may go ahead, from the application name (the first path segment of the RTMP
 * URL), the stream name and the raw query after '?' (where the UserSig travels, e.g. {@code usersig=...&userid=...}).
 * Called on the connection's event loop; may complete on any thread (the session hops back). A stage that fails is
 * treated as a rejection with {@link NetStatus#PUBLISH_DENIED} or {@link NetStatus#PLAY_FAILED}.
 */
public interface StreamAuthorizer {
    CompletionStage<AuthorizationResult> authorizePublish(String app, String streamName, String query);

    /**
     * As {@link #authorizePublish(String, String, String)}, knowing the publisher's address (for per-address limits);
     * the session calls this one.
     */
    default CompletionStage<AuthorizationResult> authorizePublish(String app, String streamName, String query,
            SocketAddress remoteAddress) {
        return authorizePublish(app, streamName, query);
    }

    CompletionStage<AuthorizationResult> authorizePlay(String app, String streamName, String query);
}
