/**
 * Demultiplexing of the shared media port: {@link io.lianmai.media.demux.PacketDemultiplexer} sorts datagrams by
 * their first byte (RFC 7983, {@link io.lianmai.media.demux.PacketKind}), STUN checks by ICE username fragment and
 * everything else by source address, to the session they belong to. See {@code docs/media.md}.
 */
package io.lianmai.media.demux;
