package io.lianmai.server.api;

import io.lianmai.common.SdkAppId;

/**
 * A server API action not bound to one app, such as {@code DescribeApps}: on {@code POST /} it runs with the
 * calling credential's {@link ApiScope} and its body needs no {@code SdkAppId}; on {@code /api/v1} (which needs an
 * {@code SdkAppId} to check the administrator UserSig against) it runs with that one app as the scope.
 *
 * @param <Q> the request body
 */
interface ScopedAction<Q> extends RestAction<Q> {
    /**
     * Runs the action for a caller allowed {@code scope}, on a worker thread (it may block). It lists or changes
     * nothing outside the scope.
     */
    Record handle(ApiScope scope, Q request);

    @Override
    default Record handle(SdkAppId sdkAppId, Q request) {
        return handle(ApiScope.of(sdkAppId), request);
    }
}
