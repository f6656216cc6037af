/**
 * The server REST API, {@code POST /api/v1/{Action}} with TRTC-shaped JSON ({@code {"Response": {…, "RequestId"}}}),
 * authorised by the UserSig of the app's {@code administrator}. {@link io.lianmai.server.api.RestApiRoutes} routes,
 * authenticates and answers; each action is one {@link io.lianmai.server.api.RestAction}.
 */
package io.lianmai.server.api;
