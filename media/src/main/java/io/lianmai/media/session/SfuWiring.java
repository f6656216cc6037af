package io.lianmai.media.session;

import io.lianmai.media.GopCacheConfig;
import io.lianmai.media.MediaException;
import io.lianmai.media.bwe.ReceiveSideEstimator;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.media.sdp.NegotiatedCodec;
import io.lianmai.media.sdp.NegotiatedMedia;
import io.lianmai.media.sdp.NegotiatedSession;
import io.lianmai.media.sdp.OutgoingTrack;
import io.lianmai.media.sdp.RtcpFeedbackType;
import io.lianmai.media.sdp.Rid;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.media.sfu.DownTrack;
import io.lianmai.media.sfu.ExtensionIdMap;
import io.lianmai.media.sfu.IncomingLayer;
import io.lianmai.media.sfu.MirrorLink;
import io.lianmai.media.sfu.Publication;
import io.lianmai.media.sfu.PublishedTrack;
import io.lianmai.media.sfu.RtpSink;
import io.lianmai.media.sdp.ExtMap;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Turns a negotiated session (RFC 8829) into SFU objects: a publisher's m-lines into {@link PublishedTrack}s of a
 * {@link Publication} (SSRCs from the SDP, or rids for simulcast, RFC 8853; RTX, RFC 4588), and a publication's
 * tracks into the tracks a player is offered and the {@link DownTrack}s that feed it. Picks the server's own
 * SSRCs; where transport-wide congestion control was negotiated, a publication sends its publisher feedback, and
 * where only REMB and abs-send-time were, its own estimate of the publisher's uplink in REMB. Any
 * thread (the offer thread, or the media loop for local players).
 */
final class SfuWiring {
    private static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    private static final String RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    private static final String REPAIRED_RID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

    private final SecureRandom random;
    private final GopCacheConfig gopCache;

    SfuWiring(SecureRandom random, GopCacheConfig gopCache) {
        this.random = random;
        this.gopCache = gopCache;
    }

    long randomSsrc() {
        return random.nextInt() & 0xFFFF_FFFFL;
    }

    /** The tracks a negotiated publish session carries, as a {@link Publication} whose RTCP goes to {@code peer}. */
    Publication publication(String streamKey, NegotiatedSession negotiated, RtpSink peer) {
        return publication(streamKey, negotiated, peer, true);
    }

    /**
     * A copy of another media loop's publication of the same negotiation, fed through {@code link}: the same tracks
     * and layers, without the feedback a publisher gets (transport-cc, REMB: the publishing loop sends those), and
     * reporting what its players want to {@code link}.
     */
    Publication mirror(String streamKey, NegotiatedSession negotiated, RtpSink peer, MirrorLink link) {
        Publication publication = publication(streamKey, negotiated, peer, false);
        publication.mirrorOf(link);
        return publication;
    }

    private Publication publication(String streamKey, NegotiatedSession negotiated, RtpSink peer,
            boolean feedback) {
        List<PublishedTrack> tracks = new ArrayList<>();
        List<NegotiatedMedia> trackMedia = new ArrayList<>();
        List<Integer> rtxPayloadTypes = new ArrayList<>();
        int ridId = 0;
        int repairedRidId = 0;
        int transportCcId = 0;
        int absSendTimeId = 0;
        boolean remb = false;
        for (NegotiatedMedia media : negotiated.acceptedMedia()) {
            if (media.codecs().isEmpty()) {
                continue;
            }
            transportCcId = media.extensionId(ExtMap.TRANSPORT_WIDE_CC).orElse(transportCcId);
            absSendTimeId = media.extensionId(ExtMap.ABS_SEND_TIME).orElse(absSendTimeId);
            NegotiatedCodec chosen = media.codecs().get(0);
            remb |= chosen.codec().feedback().stream().anyMatch(RtcpFeedbackType.GOOG_REMB::sameAs);
            Optional<Codec> codec = Codec.fromEncodingName(chosen.codec().name());
            if (codec.isEmpty()) {
                continue;
            }
            ridId = media.extensionId(RID).orElse(ridId);
            repairedRidId = media.extensionId(REPAIRED_RID).orElse(repairedRidId);
            List<Rid> rids = media.remote().rids();
            String[] ridNames;
            long[] ssrcs;
            if (!rids.isEmpty()) {
                ridNames = new String[rids.size()];
                ssrcs = new long[rids.size()];
                List<Long> simulcast = media.remote().simulcastSsrcs();
                for (int i = 0; i < rids.size(); i++) {
                    ridNames[i] = rids.get(i).id();
                    ssrcs[i] = i < simulcast.size() ? simulcast.get(i) : -1;
                }
            } else {
                ridNames = new String[] {null};
                ssrcs = new long[] {primarySsrc(media)};
            }
            PublishedTrack track = new PublishedTrack(media.mid(), codec.get(), chosen.payloadType(),
                    media.extensionId(AUDIO_LEVEL).orElse(0), ridNames, ssrcs, gopCache.videoCachePackets());
            for (IncomingLayer layer : track.layers()) {
                if (layer.ssrc() >= 0) {
                    media.remote().rtxSsrc(layer.ssrc()).ifPresent(layer::learnRtxSsrc);
                }
            }
            tracks.add(track);
            trackMedia.add(media);
            rtxPayloadTypes.add(chosen.rtxPayloadType().orElse(-1));
        }
        if (tracks.isEmpty()) {
            throw new MediaException(MediaException.Reason.BAD_OFFER, "the offer sends no audio or video the "
                    + "server can forward (codecs: Opus, VP8, H.264, VP9, AV1)");
        }
        int[] rtxPts = rtxPayloadTypes.stream().mapToInt(Integer::intValue).toArray();
        Publication publication = new Publication(streamKey, tracks, rtxPts, ridId, repairedRidId, randomSsrc(),
                peer);
        publication.setNegotiatedMedia(trackMedia);
        publication.setSource(negotiated);
        if (!feedback) {
            return publication;
        }
        if (transportCcId > 0) {
            publication.sendTransportFeedback(transportCcId);
        } else if (remb && absSendTimeId > 0) {
            // Answered goog-remb (only to publishers that offer no transport-cc): REMB from the server's estimate.
            publication.sendRemb(absSendTimeId, new ReceiveSideEstimator());
        }
        return publication;
    }

    /** The publisher's primary SSRC of an m-line: the first that is not another's RTX SSRC, or -1. */
    private static long primarySsrc(NegotiatedMedia media) {
        List<Long> ssrcs = media.remote().ssrcs();
        for (Long ssrc : ssrcs) {
            boolean isRtx = false;
            for (Long other : ssrcs) {
                if (!other.equals(ssrc) && media.remote().rtxSsrc(other).filter(ssrc::equals).isPresent()) {
                    isRtx = true;
                }
            }
            if (!isRtx) {
                return ssrc;
            }
        }
        return -1;
    }

    /** What a player is offered: one track per published track, with the publisher's codec and new SSRCs. */
    List<OutgoingTrack> outgoingTracks(Publication publication) {
        List<PublishedTrack> tracks = publication.tracks();
        List<NegotiatedMedia> publisherMedia = publication.negotiatedMedia();
        List<OutgoingTrack> outgoing = new ArrayList<>();
        String cname = "lianmai-" + HexFormat.of().toHexDigits(random.nextInt());
        for (int i = 0; i < tracks.size(); i++) {
            NegotiatedMedia media = publisherMedia.get(i);
            OutgoingTrack track = OutgoingTrack.from(media, "lianmai", tracks.get(i).mid() + "-" + i, cname,
                    randomSsrc(), randomSsrc());
            outgoing.add(track.withCodecs(List.of(media.codecs().get(0).codec())));
        }
        return outgoing;
    }

    /**
     * The transport-wide-cc extension id a player's session negotiated (the first m-line's that has one; browsers use
     * one id across a BUNDLE group), or 0. The answer keeps the extension only where the policy has it, so never with
     * {@code media.bwe.enabled=false}.
     */
    static int transportWideCcId(NegotiatedSession negotiated) {
        for (NegotiatedMedia media : negotiated.acceptedMedia()) {
            int id = media.extensionId(ExtMap.TRANSPORT_WIDE_CC).orElse(0);
            if (id > 0) {
                return id;
            }
        }
        return 0;
    }

    /**
     * Whether a player's session negotiated REMB ({@code goog-remb} on the codec of an m-line the server sends on),
     * which the answer keeps only for players that offered it without transport-cc (see {@code SessionFactory}).
     */
    static boolean negotiatedRemb(NegotiatedSession negotiated) {
        for (NegotiatedMedia media : negotiated.acceptedMedia()) {
            if (media.outgoing().isPresent() && !media.codecs().isEmpty() && media.codecs().get(0).codec().feedback()
                    .stream().anyMatch(RtcpFeedbackType.GOOG_REMB::sameAs)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The down-tracks of a player's accepted m-lines, each fed by the published track it was offered as, sending to
     * {@code sinks.apply(its m-line)}.
     *
     * @throws MediaException BAD_OFFER when the player accepted none of the tracks
     */
    List<DownTrack> downTracks(Publication publication, NegotiatedSession negotiated, List<OutgoingTrack> outgoing,
            Function<NegotiatedMedia, RtpSink> sinks) {
        List<PublishedTrack> tracks = publication.tracks();
        List<NegotiatedMedia> publisherMedia = publication.negotiatedMedia();
        List<DownTrack> downTracks = new ArrayList<>();
        Set<Integer> sessionIds = new HashSet<>();
        for (NegotiatedMedia media : negotiated.acceptedMedia()) {
            sessionIds.addAll(media.headerExtensions().values());
        }
        for (NegotiatedMedia media : negotiated.acceptedMedia()) {
            if (media.outgoing().isEmpty() || media.codecs().isEmpty()) {
                continue;
            }
            int index = outgoing.indexOf(media.outgoing().get());
            if (index < 0) {
                index = indexBySsrc(outgoing, media.outgoing().get().ssrc());
            }
            if (index < 0) {
                continue;
            }
            DownTrack downTrack = new DownTrack(tracks.get(index), media.outgoing().get().ssrc(),
                    media.codecs().get(0).payloadType(),
                    ExtensionIdMap.between(publisherMedia.get(index).headerExtensions(), media.headerExtensions(),
                            sessionIds),
                    sinks.apply(media));
            downTrack.startFromCachedKeyframe(gopCache.keyframeWaitMillis());
            OptionalInt rtxPayloadType = media.codecs().get(0).rtxPayloadType();
            OptionalLong rtxSsrc = media.outgoingRtxSsrc();
            if (rtxPayloadType.isPresent() && rtxSsrc.isPresent()) {
                downTrack.retransmitWithRtx(rtxSsrc.getAsLong(), rtxPayloadType.getAsInt());
            }
            downTracks.add(downTrack);
        }
        if (downTracks.isEmpty()) {
            throw new MediaException(MediaException.Reason.BAD_OFFER, "the offer receives none of the stream's "
                    + "tracks (recvonly audio/video with the publisher's codec is needed)");
        }
        return downTracks;
    }

    private static int indexBySsrc(List<OutgoingTrack> tracks, long ssrc) {
        for (int i = 0; i < tracks.size(); i++) {
            if (tracks.get(i).ssrc() == ssrc) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A local player's down-tracks: one per published track, with the publisher's codec (added to {@code codecs})
     * and no header extensions, sending to {@code sinks.apply(track index)}.
     */
    List<DownTrack> localDownTracks(Publication publication, List<RtpCodec> codecs, IntFunction<RtpSink> sinks) {
        List<PublishedTrack> tracks = publication.tracks();
        List<NegotiatedMedia> publisherMedia = publication.negotiatedMedia();
        List<DownTrack> downTracks = new ArrayList<>();
        for (int i = 0; i < tracks.size(); i++) {
            RtpCodec codec = publisherMedia.get(i).codecs().get(0).codec();
            codecs.add(codec);
            downTracks.add(new DownTrack(tracks.get(i), randomSsrc(), codec.payloadType(),
                    ExtensionIdMap.between(publisherMedia.get(i).headerExtensions(), Map.of(), Set.of()),
                    sinks.apply(i)));
        }
        return downTracks;
    }
}
