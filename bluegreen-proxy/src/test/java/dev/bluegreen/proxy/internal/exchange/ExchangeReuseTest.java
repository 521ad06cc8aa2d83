package dev.bluegreen.proxy.internal.exchange;

import static dev.bluegreen.proxy.internal.exchange.ExchangeHarness.body;
import static dev.bluegreen.proxy.internal.exchange.ExchangeHarness.get;
import static dev.bluegreen.proxy.internal.exchange.ExchangeHarness.ok;
import static dev.bluegreen.proxy.internal.exchange.ExchangeHarness.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.proxy.internal.exchange.ExchangeHarness.FakeUpstream;
import dev.bluegreen.proxy.internal.request.RequestHead;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An {@link Exchange} serving one request after another, as a client side's spare does: one that ended clean starts
 * again as a new exchange would, with nothing of the last request left in it or in its connector, backend choice,
 * head and tally; one that did not end clean refuses to start again.
 */
class ExchangeReuseTest {

    /**
     * Fields that differ between any two exchanges: the clock readings, and the links of the loop's list of exchanges
     * under way (its own, and set by where on the list an exchange is).
     */
    private static final Set<String> LEFT_OUT = Set.of("startNanos", "lastUpstreamActivityNanos", "previous", "next");

    /** One backend: which one an exchange tries first then never depends on the loop's round-robin position. */
    private final ExchangeHarness harness = new ExchangeHarness(1, Duration.ofSeconds(5));

    @AfterEach
    void close() {
        harness.close();
    }

    private static HttpRequest postExpectingContinue(int length) {
        HttpRequest request = post(length);
        request.headers().set("expect", "100-continue");
        return request;
    }

    /** A POST answered after a 100 Continue: an interim relayed, body bytes both ways. Ends clean. */
    private void servePostWithContinue(Exchange exchange) {
        harness.startAgain(exchange, postExpectingContinue(3));
        FakeUpstream upstream = harness.upstreams.connect(false);
        upstream.answer(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        upstream.answer(LastHttpContent.EMPTY_LAST_CONTENT);
        exchange.onClientContent(body("abc"));
        upstream.answer(ok(5));
        upstream.answer(body("hello"));
        harness.clientReceived().forEach(ReferenceCountUtil::release);
        upstream.releaseSent();
        assertThat(harness.side.ended).isTrue();
    }

    /** A GET whose pooled connection turns out stale, replayed once on a new one. Ends clean. */
    private void serveGetReplayedAfterAStaleConnection(Exchange exchange) {
        harness.startAgain(exchange, get());
        FakeUpstream stale = harness.upstreams.connect(true);
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);
        stale.listener.onUpstreamClosed();
        assertThat(harness.upstreams.pending.peek().fresh()).as("replayed on a new connection").isTrue();
        FakeUpstream fresh = harness.upstreams.connect(false);
        fresh.answer(ok(2));
        fresh.answer(body("ok"));
        harness.clientReceived().forEach(ReferenceCountUtil::release);
        assertThat(fresh.releasedReusable).isTrue();
        assertThat(harness.side.ended).isTrue();
    }

    @Test
    void exchangeThatEndedClean_servesTheNextRequests_asNewOnesWould() {
        Exchange exchange = new Exchange(harness.side, harness.loop);

        serveGetReplayedAfterAStaleConnection(exchange);
        assertThat(exchange.endedClean()).isTrue();
        servePostWithContinue(exchange);
        assertThat(exchange.endedClean()).isTrue();
        // Were the first replay or the relayed 100 Continue remembered, this one could not be replayed: a 502.
        serveGetReplayedAfterAStaleConnection(exchange);

        assertThat(harness.recordedStatuses).containsExactly(200, 200, 200);
        assertThat(harness.recordedBodyBytes).as("each request's own bytes, not a running sum")
                .containsExactly(List.of(0L, 2L), List.of(3L, 5L), List.of(0L, 2L));
        assertThat(harness.counters.activeExchanges(dev.bluegreen.core.Colour.BLUE)).isZero();
    }

    @Test
    void restartedExchange_hasEveryFieldAsANewExchangeHasIt() throws ReflectiveOperationException {
        Exchange used = new Exchange(harness.side, harness.loop);
        servePostWithContinue(used);
        // Every flag, count and state as no request leaves them, so that a field start() does not reset shows.
        soil(used, Collections.newSetFromMap(new IdentityHashMap<>()));

        harness.startAgain(used, get());
        Map<String, Object> restarted = fieldsOf(used);
        harness.upstreams.pending.clear();
        Exchange fresh = new Exchange(harness.side, harness.loop);
        harness.startAgain(fresh, get());
        Map<String, Object> asNew = fieldsOf(fresh);

        assertThat(restarted).hasSize(asNew.size()).isEqualTo(asNew);
        // The reflection reached every object that belongs to the request under way.
        assertThat(restarted.keySet()).contains("connector.choice.attempts", "connector.retried", "head.keepAlive",
                "connector.replayed", "connector.refusals", "interims", "tally.requestBodyBytes",
                "tally.answeredByProxy");
    }

    @Test
    void exchangeThatDidNotEndClean_refusesToStartAgain() {
        Exchange exchange = harness.start(get());
        harness.upstreams.refuse();
        harness.clientReceived().forEach(ReferenceCountUtil::release);

        assertThat(harness.recordedStatuses).containsExactly(502);
        assertThat(exchange.endedClean()).isFalse();
        assertThatThrownBy(() -> harness.startAgain(exchange, get()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only an exchange that ended clean serves another request");
    }

    @Test
    void exchangeUnderWay_refusesToStartAgain() {
        Exchange exchange = harness.start(get());

        assertThatThrownBy(() -> harness.startAgain(exchange, get())).isInstanceOf(IllegalStateException.class);
    }

    /**
     * The per-request fields of {@code exchange} and of the objects it keeps from one request to the next (its
     * connector, backend choice, head and tally): primitives, enums and strings by value, other references by whether
     * they are set. The connection-wide fields (final references) and those {@link #LEFT_OUT} are left out.
     */
    private static Map<String, Object> fieldsOf(Exchange exchange) throws ReflectiveOperationException {
        Map<String, Object> fields = new LinkedHashMap<>();
        collect("", exchange, fields, Collections.newSetFromMap(new IdentityHashMap<>()));
        return fields;
    }

    /** Sets every non-final primitive or enum field of {@code object} (and of the objects it keeps) to a value. */
    private static void soil(Object object, Set<Object> seen) throws ReflectiveOperationException {
        if (!seen.add(object)) {
            return;
        }
        for (Class<?> type = object.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                Object value = field.get(object);
                Class<?> kind = field.getType();
                if (value instanceof UpstreamConnector || value instanceof BackendChoice
                        || value instanceof RequestHead || value instanceof ExchangeTally) {
                    soil(value, seen);
                } else if (Modifier.isFinal(field.getModifiers())) {
                    continue;
                } else if (kind == boolean.class) {
                    field.setBoolean(object, true);
                } else if (kind == int.class) {
                    field.setInt(object, 7);
                } else if (kind == long.class) {
                    field.setLong(object, 7);
                } else if (kind.isEnum()) {
                    Object[] constants = kind.getEnumConstants();
                    field.set(object, constants[constants.length - 1]);
                }
            }
        }
    }

    private static void collect(String prefix, Object object, Map<String, Object> into, Set<Object> seen)
            throws ReflectiveOperationException {
        if (!seen.add(object)) {
            return;
        }
        for (Class<?> type = object.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers) || LEFT_OUT.contains(field.getName())) {
                    continue;
                }
                field.setAccessible(true);
                Object value = field.get(object);
                String name = prefix + field.getName();
                if (value instanceof UpstreamConnector || value instanceof BackendChoice
                        || value instanceof RequestHead || value instanceof ExchangeTally) {
                    collect(name + ".", value, into, seen);
                } else if (Modifier.isFinal(modifiers) && !field.getType().isPrimitive()) {
                    continue;
                } else if (field.getType().isPrimitive() || value instanceof Enum<?> || value instanceof String) {
                    into.put(name, value);
                } else {
                    into.put(name, value == null ? "null" : "set");
                }
            }
        }
    }
}
