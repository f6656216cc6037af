package io.lianmai.live.rtmp;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a publish or play may go ahead, from the application name (the first path segment of the RTMP
 * URL), the stream name and the raw query after '?' (where the UserSig travels, e.g. {@code usersig=...&userid=...}).
 * Called on the connection's event loop; may complete on any thread (the session hops back). A stage that fails is
 * treated as a rejection with {@link NetStatus#PUBLISH_DENIED} or {@link NetStatus#PLAY_FAILED}.
 */
public interface StreamAuthorizer {
    CompletionStage<AuthorizationResult> authorizePublish(String app, String streamName, String query);

    CompletionStage<AuthorizationResult> authorizePlay(String app, String streamName, String query);
}
