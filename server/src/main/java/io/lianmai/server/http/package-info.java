/**
 * The HTTP plumbing every route of the server shares ({@code signal}, {@code whip}, {@code live}, {@code api}): error
 * answers and their TRTC codes ({@link io.lianmai.server.http.ApiError}, {@link io.lianmai.server.http.ServerErrors}),
 * how request bodies are read ({@link io.lianmai.server.http.RequestBodies}) and how a request's app and UserSig are
 * checked ({@link io.lianmai.server.http.RequestAuthenticator}). The routes themselves live with their features; the
 * composition root that mounts them is {@link io.lianmai.server.HttpFrontDoor}.
 */
package io.lianmai.server.http;
