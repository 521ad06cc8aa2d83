package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.assertj.core.api.AbstractCharSequenceAssert;
import org.junit.jupiter.api.Test;

/** The shared header names, and the lower-case constant of each that lets a map find a field without comparing. */
class SharedHeaderNamesTest {

    @Test
    void aSpellingIsSharedOnlyForItsExactBytes() {
        assertThatName(shared("Content-Length")).isSameAs(shared("Content-Length")).hasToString("Content-Length");
        assertThatName(shared("content-length")).hasToString("content-length");
        assertThatName(shared("CONTENT-LENGTH")).isNull();
        assertThatName(shared("X-Not-Shared")).isNull();
    }

    @Test
    void theLowerCaseConstantOfANameNettyKnowsIsNettys() {
        assertThatName(SharedHeaderNames.lowerCaseConstant(shared("Content-Length")))
                .isSameAs(HttpHeaderNames.CONTENT_LENGTH);
        assertThatName(SharedHeaderNames.lowerCaseConstant(shared("Connection"))).isSameAs(HttpHeaderNames.CONNECTION);
        // A lower-case spelling from a peer is Netty's constant itself.
        assertThatName(shared("host")).isSameAs(HttpHeaderNames.HOST);
        assertThatName(SharedHeaderNames.lowerCaseConstant(HttpHeaderNames.HOST)).isSameAs(HttpHeaderNames.HOST);
        // A name Netty has no constant for has one of the proxy's.
        assertThatName(SharedHeaderNames.lowerCaseConstant(shared("grpc-status"))).isSameAs(shared("grpc-status"));
        assertThatName(SharedHeaderNames.lowerCaseConstant(shared("X-Request-Id"))).isSameAs(shared("x-request-id"));
    }

    @Test
    void onlyTheSharedObjectsHaveALowerCaseConstant() {
        // The same text in another object, and Netty's constants for names not shared: not found by identity.
        assertThatName(SharedHeaderNames.lowerCaseConstant(AsciiString.of("Content-Length"))).isNull();
        assertThatName(SharedHeaderNames.lowerCaseConstant(AsciiString.of("content-length"))).isNull();
        assertThatName(SharedHeaderNames.lowerCaseConstant(HttpHeaderNames.PROXY_AUTHENTICATE)).isNull();
    }

    @Test
    void everySpellingOfEverySharedNameFindsItsLowerCaseConstant() {
        for (String name : List.of("Server", "Date", "ETag", "Set-Cookie", "User-Agent", "Sec-Ch-Ua-Platform", "TE",
                "traceparent", "Accept", "Host", "Keep-Alive", "Transfer-Encoding", "Upgrade-Insecure-Requests")) {
            AsciiString lower = SharedHeaderNames.lowerCaseConstant(shared(name));
            assertThatName(lower).as(name).hasToString(name.toLowerCase(Locale.ROOT));
            assertThatName(shared(name.toLowerCase(Locale.ROOT))).as(name).isSameAs(lower);
            assertThatName(SharedHeaderNames.lowerCase(shared(name))).as(name).isSameAs(lower);
        }
    }

    @Test
    void aNameNotSharedIsLowerCasedIntoANewString() {
        assertThatName(SharedHeaderNames.lowerCase("X-Custom")).hasToString("x-custom");
        assertThatName(SharedHeaderNames.lowerCase(AsciiString.of("Content-Length")))
                .isEqualTo(HttpHeaderNames.CONTENT_LENGTH).isNotSameAs(HttpHeaderNames.CONTENT_LENGTH);
    }

    /** A text's assertions: {@code AsciiString} is a {@code Comparable} too, which makes plain assertThat ambiguous. */
    private static AbstractCharSequenceAssert<?, ? extends CharSequence> assertThatName(AsciiString name) {
        return assertThat((CharSequence) name);
    }

    /**
     * The name a decoder hands out for {@code spelling} (read from within a longer buffer, as a decoder reads it), or
     * {@code null} if it is not shared. Shared with {@link ArrayHttpHeadersTest} and {@link Http1UpstreamCodecTest}.
     */
    static AsciiString shared(String spelling) {
        byte[] bytes = ("[" + spelling + "]").getBytes(StandardCharsets.US_ASCII);
        return SharedHeaderNames.sharedName(bytes, 1, bytes.length - 2);
    }
}
