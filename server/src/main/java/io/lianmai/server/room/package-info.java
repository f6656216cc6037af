/**
 * Where the server's entry paths meet the rooms of {@code io.lianmai.room}: publishers without a signalling socket
 * (WHIP, RTMP) as room members ({@link io.lianmai.server.room.MediaOnlyMembers}), the media plane's simulcast
 * layer decisions told to the member that publishes ({@link io.lianmai.server.room.PublishedLayersRelay}), and what an SDP offer asks to carry
 * for the privilege checks ({@link io.lianmai.server.room.OfferedKinds}).
 */
package io.lianmai.server.room;
