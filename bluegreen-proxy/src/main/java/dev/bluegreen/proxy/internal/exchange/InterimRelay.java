package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.proxy.internal.request.MessageHeads;
import dev.bluegreen.proxy.internal.request.RequestHead;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The 1xx responses of one exchange (RFC 9110 §15.2), other than a 101: each goes to the client as its protocol frames
 * it, except to an HTTP/1.0 client, which must not get one, and the empty end the upstream codec emits after each is
 * dropped, being no part of the response. It remembers a relayed {@code 100 Continue}: the client is then sending a
 * body, and the request can no longer be sent again. Runs on the exchange's event loop.
 */
final class InterimRelay {

    private final ClientSide client;
    private final boolean http10Client;
    private boolean continueRelayed;
    /** The upstream codec's empty end after a 1xx is next. */
    private boolean skipEnd;

    InterimRelay(ClientSide client, RequestHead head) {
        this.client = client;
        this.http10Client = !head.version().isKeepAliveDefault();
    }

    /** Relays {@code interim}, a 1xx response head from the backend. */
    void relay(HttpResponse interim) {
        skipEnd = true;
        ReferenceCountUtil.release(interim);
        if (http10Client) {
            return;
        }
        if (interim.status().code() == HttpResponseStatus.CONTINUE.code()) {
            continueRelayed = true;
        }
        MessageHeads.prepareInterim(interim);
        client.writeInterim(interim);
    }

    /** Whether {@code content} is the codec's end of a 1xx, which this released; if not, it is the response's. */
    boolean dropped(HttpContent content) {
        if (!skipEnd) {
            return false;
        }
        content.release();
        if (content instanceof LastHttpContent) {
            skipEnd = false;
        }
        return true;
    }

    /**
     * Whether a {@code 100 Continue} went to the client through {@code relay}: the client is sending the body, and the
     * request can no longer be sent again. An exchange makes its relay at its first 1xx; {@code null} means none came.
     */
    static boolean continueRelayed(InterimRelay relay) {
        return relay != null && relay.continueRelayed;
    }

    /**
     * Whether the client of {@code head} asked for {@code 100 Continue} and {@code relay} (or {@code null}) relayed
     * none: a final response that comes before the whole request then leaves the client's body unsent, and the client
     * connection closes after that response (RFC 9110 §10.1.1), which its head must say (RFC 9112 §9.6).
     */
    static boolean leftWaitingForContinue(InterimRelay relay, RequestHead head) {
        return head.expectsContinue() && !continueRelayed(relay);
    }
}
