/**
 * Sessions of the media plane: a WebRTC peer connection ({@link io.lianmai.media.session.WebRtcSession}) or an
 * in-process bridge's publisher or player; the {@link io.lianmai.media.session.SessionRegistry} that holds them and
 * is their narrow host, the {@link io.lianmai.media.session.SessionFactory} that makes them from SDP offers, and the
 * {@link io.lianmai.media.session.SessionAdmission} that bounds them. See {@code docs/media.md}.
 */
package io.lianmai.media.session;
