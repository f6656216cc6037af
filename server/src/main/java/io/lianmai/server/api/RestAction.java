package io.lianmai.server.api;

import io.lianmai.common.SdkAppId;

/**
 * One REST API action, such as {@code StartPublishCdnStream}: its name in the path, the JSON body it binds, and what
 * it does. Registered in {@link RestApiRoutes#standard}.
 *
 * @param <Q> the request body, a record whose components carry TRTC's field names ({@code @JsonProperty("SdkAppId")})
 */
public interface RestAction<Q> {
    /** The action in {@code POST /api/v1/{Action}}, TRTC's name for it. */
    String name();

    /** The request body type; unknown fields are ignored, as TRTC's API ignores them. */
    Class<Q> requestType();

    /**
     * Runs the action for an authenticated administrator of {@code sdkAppId}, on a worker thread (it may block).
     *
     * @return the response fields other than {@code RequestId}, a record with TRTC's field names
     * @throws RestApiException for a request the action refuses, with TRTC's error code
     */
    Record handle(SdkAppId sdkAppId, Q request);
}
