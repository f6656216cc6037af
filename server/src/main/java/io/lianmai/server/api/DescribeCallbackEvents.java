package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.lianmai.common.SdkAppId;
import io.lianmai.store.CallbackOutbox;
import io.lianmai.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code DescribeCallbackEvents} (Lianmai's own, not TRTC's): the reconcile view of the app's event callbacks — what
 * was delivered, what is pending and why, what was given up — newest first, paged by {@code Before}. A backend that
 * missed callbacks (it was down longer than the retries last, or restored a backup) compares this with what it
 * received, by {@code EventId}. The same view as {@code lianmai callbacks list}.
 */
final class DescribeCallbackEvents implements RestAction<DescribeCallbackEvents.Request> {
    /** Events listed at most per call: about 400 bytes of JSON each. */
    static final int MAX_LIMIT = 1000;
    static final int DEFAULT_LIMIT = 100;

    /**
     * The request.
     *
     * @param undelivered only events not delivered (pending or given up)
     * @param limit       at most this many (default 100, at most 1000)
     * @param before      only events older than this {@code Seq} (the previous page's {@code NextBefore})
     */
    record Request(@JsonProperty("SdkAppId") long sdkAppId,
                   @JsonProperty("Undelivered") Boolean undelivered,
                   @JsonProperty("Limit") Integer limit,
                   @JsonProperty("Before") Long before) {
    }

    /** One event and its delivery. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Event(@JsonProperty("Seq") long seq,
                 @JsonProperty("EventId") String eventId,
                 @JsonProperty("EventGroupId") int eventGroupId,
                 @JsonProperty("EventType") int eventType,
                 @JsonProperty("EventMsTs") long eventMsTs,
                 @JsonProperty("EventInfo") @JsonRawValue String eventInfo,
                 @JsonProperty("State") String state,
                 @JsonProperty("Attempts") int attempts,
                 @JsonProperty("NextAttemptMsTs") Long nextAttemptMsTs,
                 @JsonProperty("LastStatus") Integer lastStatus,
                 @JsonProperty("LastError") String lastError,
                 @JsonProperty("FinishedMsTs") Long finishedMsTs) {
    }

    /** The answer; {@code NextBefore} is absent on the last page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Response(@JsonProperty("Events") List<Event> events,
                    @JsonProperty("NextBefore") Long nextBefore) {
    }

    private final CallbackOutbox outbox;

    DescribeCallbackEvents(CallbackOutbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public String name() {
        return "DescribeCallbackEvents";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        int limit = request.limit() == null ? DEFAULT_LIMIT : request.limit();
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER, "Limit must be 1.." + MAX_LIMIT);
        }
        long before = request.before() == null ? Long.MAX_VALUE : request.before();
        if (before < 1) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER, "Before must be a positive Seq");
        }
        List<CallbackOutbox.Entry> entries;
        try {
            entries = outbox.list(sdkAppId, Boolean.TRUE.equals(request.undelivered()), before, limit);
        } catch (StoreException e) {
            throw new RestApiException(RestApiException.INTERNAL_ERROR, "cannot read the callback outbox");
        }
        List<Event> events = new ArrayList<>(entries.size());
        for (CallbackOutbox.Entry entry : entries) {
            boolean pending = entry.state() == CallbackOutbox.State.PENDING;
            events.add(new Event(entry.seq(), entry.eventId(), entry.group(), entry.type(), entry.eventMs(),
                    entry.eventInfo(), entry.state().name().toLowerCase(Locale.ROOT), entry.attempts(),
                    pending ? entry.nextAttemptMs() : null,
                    entry.lastStatus().isPresent() ? entry.lastStatus().getAsInt() : null,
                    entry.lastError().orElse(null),
                    entry.finishedMs().isPresent() ? entry.finishedMs().getAsLong() : null));
        }
        Long next = entries.size() == limit ? entries.get(entries.size() - 1).seq() : null;
        return new Response(events, next);
    }
}
