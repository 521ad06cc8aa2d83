package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RepeatedTextTest {

    private final RepeatedText text = new RepeatedText(16);

    @Test
    void theSameBytes_elsewhereInAnotherBuffer_giveTheSameString() {
        String first = text.of(bytes("..text/plain.."), 2, 12);
        String second = text.of(bytes("text/plain"), 0, 10);

        assertThat(first).isEqualTo("text/plain");
        assertThat(second).isSameAs(first);
    }

    @Test
    void otherBytes_ofTheSameLength_orLongerOrShorter_giveTheirOwnText_andAreKeptInstead() {
        String first = text.of(bytes("text/plain"), 0, 10);
        String sameLength = text.of(bytes("text/plaim"), 0, 10);
        String longer = text.of(bytes("application/json"), 0, 16);
        String shorter = text.of(bytes("text/html"), 0, 9);

        assertThat(sameLength).isEqualTo("text/plaim");
        assertThat(longer).isEqualTo("application/json");
        assertThat(shorter).isEqualTo("text/html");
        // What the longer one left past the shorter one's end in the copy plays no part.
        assertThat(text.of(bytes("text/html"), 0, 9)).isSameAs(shorter);
        assertThat(text.of(bytes("text/plain"), 0, 10)).isEqualTo("text/plain").isNotSameAs(first);
    }

    @Test
    void aTextLongerThanTheLimit_isNotKept() {
        String kept = text.of(bytes("gzip"), 0, 4);
        String tooLong = text.of(bytes("a value longer than sixteen"), 0, 27);

        assertThat(text.of(bytes("a value longer than sixteen"), 0, 27)).isEqualTo(tooLong).isNotSameAs(tooLong);
        assertThat(text.of(bytes("gzip"), 0, 4)).isEqualTo(kept).isNotSameAs(kept);
    }

    @Test
    void bytesAbove127_readAsIso88591() {
        byte[] bytes = {'c', (byte) 0xE9, 'a'};

        assertThat(text.of(bytes, 0, 3)).isEqualTo("c\u00e9a");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
