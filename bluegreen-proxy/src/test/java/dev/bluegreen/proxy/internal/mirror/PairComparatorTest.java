package dev.bluegreen.proxy.internal.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.MirrorSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PairComparatorTest {

    private static ObservedResponse side(PairComparator rules, int status, String contentType, String... pieces) {
        ObservedResponse side = rules.newSide();
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        if (contentType != null) {
            head.headers().set("Content-Type", contentType);
        }
        head.headers().set("X-Version", "v-" + status).set("Date", "now " + System.nanoTime());
        side.head(head);
        for (String piece : pieces) {
            // Direct pooled buffers take the digest's other path (no backing array).
            ByteBuf bytes = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(
                    piece.getBytes(StandardCharsets.UTF_8));
            try {
                side.content(bytes);
                assertThat(bytes.readerIndex()).as("the body is read, never consumed").isZero();
            } finally {
                bytes.release();
            }
        }
        side.end();
        return side;
    }

    @Test
    void theSameAnswer_inDifferentPieces_matches() {
        PairComparator rules = new PairComparator(MirrorSettings.percent(100));
        ObservedResponse live = side(rules, 200, "text/plain", "hello ", "world");
        ObservedResponse mirror = rules.newSide();
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set("Content-Type", "text/plain");
        mirror.head(head);
        mirror.content(Unpooled.copiedBuffer("hello world", StandardCharsets.UTF_8));
        mirror.end();

        assertThat(rules.differences(live, mirror)).isEmpty();
    }

    @Test
    void status_comparedHeaders_andBody_eachDifferenceIsNamed() {
        PairComparator rules = new PairComparator(MirrorSettings.percent(100)
                .withComparedHeaders("Content-Type", "X-Version"));

        assertThat(rules.differences(side(rules, 200, "text/plain", "abc"), side(rules, 500, null, "abcd")))
                .containsExactly("status: 200 vs 500", "content-type: 'text/plain' vs (none)",
                        "x-version: 'v-200' vs 'v-500'", "body: 3 bytes vs 4 bytes");
        assertThat(rules.differences(side(rules, 200, "text/plain", "abc"), side(rules, 200, "text/plain", "abd")))
                .containsExactly("body: 3 bytes each, contents differ");
    }

    @Test
    void aHeaderNotCompared_suchAsDate_neverMakesAMismatch() {
        PairComparator rules = new PairComparator(MirrorSettings.percent(100));

        assertThat(rules.differences(side(rules, 200, "text/plain", "a"), side(rules, 200, "text/plain", "a")))
                .isEmpty();
    }

    @Test
    void ignoredBodyTypes_byExactTypeOrFamily_onEitherSide() {
        PairComparator rules = new PairComparator(MirrorSettings.percent(100).withComparedHeaders()
                .withIgnoredBodyTypes("text/html", "image/*"));

        assertThat(rules.differences(side(rules, 200, "text/html; charset=utf-8", "<p>1"),
                side(rules, 200, "text/plain", "<p>2"))).isEmpty();
        assertThat(rules.differences(side(rules, 200, "IMAGE/PNG", "x"), side(rules, 200, "image/png", "y")))
                .isEmpty();
        assertThat(rules.differences(side(rules, 200, "text/plain", "x"), side(rules, 200, "text/plain", "y")))
                .hasSize(1);
    }

    @Test
    void jsonBodies_comparedWithoutTheIgnoredMembers_inAnyOrder() {
        PairComparator rules = new PairComparator(MirrorSettings.percent(100).withIgnoredJsonMembers("requestId"));
        ObservedResponse live = side(rules, 200, "application/json", "{\"a\":1,", "\"requestId\":\"x\"}");
        ObservedResponse same = side(rules, 200, "application/json", "{ \"requestId\": \"y\", \"a\": 1 }");
        ObservedResponse other = side(rules, 200, "application/json", "{\"requestId\":\"x\",\"a\":2}");

        assertThat(live.comparedAsJson()).isTrue();
        assertThat(rules.differences(live, same)).isEmpty();
        assertThat(rules.differences(live, other)).containsExactly(
                "body: 23 bytes each, contents differ (compared as JSON)");
    }

    @Test
    void jsonLargerThanTheLimit_orNotJsonAtAll_isComparedByteForByte() {
        PairComparator rules = new PairComparator(MirrorSettings.percent(100).withIgnoredJsonMembers("requestId")
                .withMaxJsonSize(1024));
        String big = "{\"requestId\":1,\"pad\":\"" + "p".repeat(1100) + "\"}";
        ObservedResponse large = side(rules, 200, "application/problem+json", big.substring(0, 600),
                big.substring(600));
        ObservedResponse broken = side(rules, 200, "application/json", "{not json");

        assertThat(large.comparedAsJson()).isFalse();
        assertThat(large.jsonTooLarge()).isTrue();
        assertThat(broken.comparedAsJson()).isFalse();
        assertThat(rules.differences(large, side(rules, 200, "application/problem+json", big))).isEmpty();
    }

    @Test
    void aSide_forASample_keepsTheStartOfItsBody_andItsLength() {
        PairComparator rules = new PairComparator(MirrorSettings.percent(100).withSampleBodySize(5));
        ObservedResponse side = side(rules, 404, "text/plain", "not ", "found here");

        assertThat(side.side().status()).isEqualTo(404);
        assertThat(side.side().body()).isEqualTo("not f");
        assertThat(side.side().bodyBytes()).isEqualTo(14);
        assertThat(side.side().headers()).containsOnlyKeys("content-type");
    }
}
