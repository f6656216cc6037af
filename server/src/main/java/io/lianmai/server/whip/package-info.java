/**
 * WHIP (RFC 9725) ingest and WHEP playback over HTTP: {@code POST /whip}, {@code POST /whep} and {@code DELETE} of the
 * session resource, each publisher a member of its room ({@link io.lianmai.server.room.MediaOnlyMembers}).
 */
package io.lianmai.server.whip;
