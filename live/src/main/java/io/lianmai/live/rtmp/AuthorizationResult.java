package io.lianmai.live.rtmp;

/**
 * The answer of a {@link StreamAuthorizer}. A rejection carries the onStatus code the client sees (for example
 * {@link NetStatus#PUBLISH_BAD_NAME}, {@link NetStatus#PUBLISH_DENIED}, {@link NetStatus#PLAY_STREAM_NOT_FOUND})
 * and a description; the description reaches the client, so it must not echo secrets.
 */
public record AuthorizationResult(boolean allowed, String code, String description) {
    private static final AuthorizationResult ALLOWED = new AuthorizationResult(true, "", "");

    public static AuthorizationResult allow() {
        return ALLOWED;
    }

    public static AuthorizationResult reject(String code, String description) {
        return new AuthorizationResult(false, code, description);
    }
}
